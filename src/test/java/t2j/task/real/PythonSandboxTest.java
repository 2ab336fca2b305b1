package t2j.task.real;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Verdict;

/** MBPP/HumanEval verification through the Python sandbox, including hostile answers. */
class PythonSandboxTest {
    private static final PythonSandbox.Limits FAST = new PythonSandbox.Limits(Duration.ofSeconds(3), 256L << 20, 1L << 20);
    private static PythonSandbox sandbox;
    private static MbppTask mbpp;
    private static HumanEvalTask humanEval;

    @BeforeAll
    static void setUp() {
        var python = PythonSandbox.findPython();
        assumeTrue(python.isPresent(), "no python3 on this machine");
        sandbox = new PythonSandbox(python.get(), FAST);
        mbpp = MbppTask.load(Map.of(Split.TEST, LoadersTest.fixture("mbpp.jsonl")), LoadOptions.DEFAULT).withSandbox(sandbox);
        humanEval = HumanEvalTask.load(Map.of(Split.TEST, LoadersTest.fixture("humaneval.jsonl")), LoadOptions.DEFAULT).withSandbox(sandbox);
    }

    private static Example add() {
        return mbpp.examples(Split.TEST).get(0);
    }

    @Test
    void referencesPass() {
        for (Example e : mbpp.examples(Split.TEST)) assertTrue(mbpp.verify(e, e.reference()).correct(), e.id());
        for (Example e : humanEval.examples(Split.TEST)) assertTrue(humanEval.verify(e, e.reference()).correct(), e.id());
    }

    @Test
    void mbppAcceptsRightAndRejectsWrongCode() {
        assertTrue(mbpp.verify(add(), "Here you go:\n```python\ndef add(x, y):\n    return y + x\n```\nDone.").correct());
        assertTrue(mbpp.verify(add(), "def add(a, b): return sum([a, b])").correct(), "unfenced code");
        Verdict wrongAnswer = mbpp.verify(add(), "```python\ndef add(a, b):\n    return a - b\n```");
        assertFalse(wrongAnswer.correct());
        assertTrue(wrongAnswer.reason().contains("AssertionError"), wrongAnswer.reason());
        Verdict syntax = mbpp.verify(add(), "```python\ndef add(a, b)\n    return a + b\n```");
        assertFalse(syntax.correct());
        assertTrue(syntax.reason().contains("SyntaxError"), syntax.reason());
        assertFalse(mbpp.verify(add(), "").correct());
        assertFalse(mbpp.verify(add(), "```python\n```").correct());
    }

    @Test
    void humanEvalAcceptsBodiesAndWholeFunctions() {
        Example incr = humanEval.examples(Split.TEST).get(0);
        assertTrue(humanEval.verify(incr, "    return [x + 1 for x in l]\n").correct(), "body continuing the prompt");
        assertTrue(humanEval.verify(incr, "```python\ndef incr_list(l):\n    return list(map(lambda v: v + 1, l))\n```").correct());
        assertFalse(humanEval.verify(incr, "    return l\n").correct());
    }

    @Test
    void infiniteLoopsTimeOut() {
        long start = System.nanoTime();
        Verdict v = mbpp.verify(add(), "def add(a, b):\n    while True:\n        pass\n");
        assertFalse(v.correct());
        assertTrue(v.reason().contains("timed out"), v.reason());
        assertTrue((System.nanoTime() - start) / 1e9 < 10);
    }

    @Test
    void unboundedAllocationIsStopped() {
        Verdict v = mbpp.verify(add(), "hog = []\nwhile True:\n    hog.append(bytearray(10**7))\n");
        assertFalse(v.correct());
        assertTrue(v.reason().contains("MemoryError") || v.reason().contains("timed out"), v.reason());
        assertFalse(mbpp.verify(add(), "x = ' ' * (10**12)\n").correct());
    }

    @Test
    void exitingEarlyDoesNotFakeAPass() {
        assertFalse(mbpp.verify(add(), "import sys\nsys.exit(0)\n").correct());
        assertFalse(mbpp.verify(add(), "import os\nos._exit(0)\n").correct());
        assertFalse(mbpp.verify(add(), "raise SystemExit\n").correct());
    }

    @Test
    void networkAndProcessesAreBlocked() {
        PythonSandbox.Result net = sandbox.run("import socket\ns = socket.socket()\ns.connect(('1.1.1.1', 80))\n");
        assertFalse(net.passed(), net.output());
        PythonSandbox.Result raw = sandbox.run("import _socket\ns = _socket.socket()\ns.connect(('1.1.1.1', 80))\n");
        assertFalse(raw.passed(), "even the raw module has no route: " + raw.output());
        PythonSandbox.Result fork = sandbox.run("import subprocess\nsubprocess.run(['true'], check=True)\n");
        assertFalse(fork.passed(), fork.output());
    }

    @Test
    void runsInAFreshTempDirThatIsRemoved() throws Exception {
        PythonSandbox.Result r = sandbox.run("import os\nprint('CWD=' + os.getcwd())\nprint('FILES=' + ','.join(sorted(os.listdir('.'))))\nopen('junk.txt', 'w').write('x')\n");
        assertTrue(r.passed(), r.output());
        String cwd = r.output().lines().filter(l -> l.startsWith("CWD=")).findFirst().orElseThrow().substring(4);
        assertTrue(Path.of(cwd).getFileName().toString().startsWith("t2j-sandbox-"), cwd);
        assertFalse(Files.exists(Path.of(cwd)), "temp dir deleted");
        assertTrue(r.output().contains("FILES=_output.txt,_wrapper.py,solution.py"), r.output());
    }

    @Test
    void missingPythonIsReportedClearly() {
        PythonSandbox none = new PythonSandbox(null, FAST);
        PythonSandbox.SandboxUnavailableException e = assertThrows(PythonSandbox.SandboxUnavailableException.class,
                () -> MbppTask.load(Map.of(Split.TEST, LoadersTest.fixture("mbpp.jsonl")), LoadOptions.DEFAULT)
                        .withSandbox(none).verify(add(), "def add(a, b): return a + b"));
        assertTrue(e.getMessage().contains("no python3"), e.getMessage());
        assertThrows(PythonSandbox.SandboxUnavailableException.class,
                () -> new PythonSandbox(Path.of("/nonexistent/python3"), FAST).run("pass"));
    }

    @Test
    void examplesFromElsewhereAreRefused() {
        Example foreign = new Example("mbpp-999", null, "?", "", "");
        assertThrows(IllegalArgumentException.class, () -> mbpp.verify(foreign, "pass"));
        assertEquals(List.of(), Stream.of(mbpp.examples(Split.TRAIN)).flatMap(List::stream).toList());
    }
}
