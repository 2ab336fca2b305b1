package t2j.task.real;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Verdict;

/**
 * MBPP/HumanEval verification through the Python sandbox, and what the sandbox does when it cannot isolate. The
 * catalogue of hostile programs is in {@link HostileProgramsTest}.
 */
class PythonSandboxTest {
    private static final PythonSandbox.Limits FAST =
            new PythonSandbox.Limits(Duration.ofSeconds(3), 256L << 20, 1L << 20);
    private static PythonSandbox sandbox;
    private static MbppTask mbpp;
    private static HumanEvalTask humanEval;

    @BeforeAll
    static void setUp() {
        sandbox = SandboxTestSupport.isolated(FAST, List.of());
        mbpp = MbppTask.load(Map.of(Split.TEST, LoadersTest.fixture("mbpp.jsonl")), LoadOptions.DEFAULT)
                .withSandbox(sandbox);
        humanEval = HumanEvalTask.load(Map.of(Split.TEST, LoadersTest.fixture("humaneval.jsonl")), LoadOptions.DEFAULT)
                .withSandbox(sandbox);
    }

    private static Example add() {
        return mbpp.examples(Split.TEST).get(0);
    }

    @Test
    void referencesPass() {
        for (Example e : mbpp.examples(Split.TEST))
            assertTrue(mbpp.verify(e, e.reference()).correct(), e.id());
        for (Example e : humanEval.examples(Split.TEST))
            assertTrue(humanEval.verify(e, e.reference()).correct(), e.id());
    }

    @Test
    void mbppAcceptsRightAndRejectsWrongCode() {
        assertTrue(mbpp.verify(add(), "Here you go:\n```python\ndef add(x, y):\n    return y + x\n```\nDone.")
                .correct());
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
        assertTrue(humanEval
                .verify(incr, "```python\ndef incr_list(l):\n    return list(map(lambda v: v + 1, l))\n```")
                .correct());
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
    void networkIsAbsentAndHarmlessProcessesWork() {
        PythonSandbox.Result net = sandbox.run("import socket\ns = socket.socket()\ns.connect(('1.1.1.1', 80))\n");
        assertFalse(net.passed(), net.output());
        assertTrue(net.output().contains("Network is unreachable"), net.output());
        PythonSandbox.Result raw = sandbox.run("import _socket\ns = _socket.socket()\ns.connect(('1.1.1.1', 80))\n");
        assertFalse(raw.passed(), "even the raw module has no route: " + raw.output());
        // Processes are bounded and die with the run (see HostileProgramsTest), so an answer may use them.
        PythonSandbox.Result child =
                sandbox.run("import subprocess\nassert subprocess.run(['true']).returncode == 0\n");
        assertTrue(child.passed(), child.output());
    }

    @Test
    void runsInAPrivateSizeLimitedTempDir() {
        PythonSandbox.Result r = sandbox.run(
                "import os\nprint('CWD=' + os.getcwd())\nprint('FILES=' + ','.join(sorted(os.listdir('.'))))\n"
                        + "st = os.statvfs('.')\nprint('SIZE=%d' % (st.f_blocks * st.f_frsize))\nopen('junk.txt', 'w').write('x')\n"
                        + "print('ENV=%r' % dict(os.environ))\nprint('UID=%d' % os.getuid())\nprint('PID=%d' % os.getpid())\n");
        assertTrue(r.passed(), r.output());
        List<String> lines = r.output().lines().toList();
        assertTrue(lines.contains("CWD=/tmp"), r.output());
        assertTrue(lines.contains("FILES=solution.py"), "nothing else in it: " + r.output());
        assertTrue(
                lines.contains("SIZE=" + FAST.tempDirBytes()),
                "the tmpfs is " + FAST.tempDirBytes() + " bytes: " + r.output());
        assertTrue(lines.contains("ENV={}"), r.output());
        assertTrue(lines.contains("UID=65534"), r.output());
        assertTrue(lines.contains("PID=1"), "its own PID namespace: " + r.output());
        // The next run starts from an empty dir again.
        PythonSandbox.Result again =
                sandbox.run("import os\nassert os.listdir('.') == ['solution.py'], os.listdir('.')\n");
        assertTrue(again.passed(), again.output());
    }

    @Test
    void limitsAreSetBeforeTheProgramRuns() {
        PythonSandbox.Limits limits =
                new PythonSandbox.Limits(Duration.ofSeconds(4), 300L << 20, 2L << 20, 16L << 20, 32L << 10, 5);
        PythonSandbox tight = SandboxTestSupport.isolated(limits, List.of());
        PythonSandbox.Result r =
                tight.run("import resource as r\nfor k in ('AS', 'CPU', 'FSIZE', 'NOFILE', 'NPROC', 'CORE'):\n"
                        + "    print(k, *r.getrlimit(getattr(r, 'RLIMIT_' + k)))\n");
        assertTrue(r.passed(), r.output());
        List<String> lines = r.output().lines().toList();
        for (String expected : List.of(
                "AS " + (300L << 20) + " " + (300L << 20),
                "CPU 5 5",
                "FSIZE " + (2L << 20) + " " + (2L << 20),
                "NOFILE 64 64",
                "NPROC 5 5",
                "CORE 0 0")) assertTrue(lines.contains(expected), expected + " in " + r.output());
        // The process cap binds (this runs as root in CI, which the kernel would exempt outside the sandbox).
        PythonSandbox.Result forks = tight.run(
                "import os, time\nn = 0\ntry:\n    while n < 50:\n        if os.fork() == 0:\n"
                        + "            time.sleep(5)\n            os._exit(0)\n        n += 1\nexcept OSError as e:\n    print('forks', n, e)\n");
        assertTrue(forks.output().contains("forks 4 [Errno 11]"), "itself and 4 children: " + forks.output());
    }

    @Test
    void stdinIsEmptyAndOutputIsKept() {
        PythonSandbox.Result r =
                sandbox.run("import sys\nprint('read %r' % sys.stdin.read())\nprint('err', file=sys.stderr)\n");
        assertTrue(r.passed(), r.output());
        assertTrue(r.output().contains("read ''"), "the marker and the program are not readable: " + r.output());
        assertTrue(r.output().contains("err"), r.output());
    }

    @Test
    void describeSaysHowRunsAreIsolated() {
        String d = sandbox.describe();
        assertTrue(d.startsWith("isolated by bubblewrap"), d);
        assertTrue(d.contains("uid 65534"), d);
    }

    @Test
    void missingBubblewrapIsRefusedWithWhatToInstall() {
        Path python = PythonSandbox.findPython().orElseThrow();
        PythonSandbox none = new PythonSandbox(
                python,
                FAST,
                PythonSandbox.Isolation.REQUIRED,
                new SandboxIsolation.Tools(null, Path.of("/usr/bin/setpriv")),
                List.of(),
                m -> fail("no run, no log: " + m));
        PythonSandbox.SandboxUnavailableException e =
                assertThrows(PythonSandbox.SandboxUnavailableException.class, () -> none.run("pass"));
        assertTrue(e.getMessage().contains("bubblewrap is not installed"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install bubblewrap"), e.getMessage());
        assertTrue(e.getMessage().contains(PythonSandbox.UNISOLATED_ENV + "=1"), "names the opt-in: " + e.getMessage());
        assertThrows(PythonSandbox.SandboxUnavailableException.class, none::describe);
        // Through a task too: a verification never scores silently.
        assertThrows(
                PythonSandbox.SandboxUnavailableException.class,
                () -> MbppTask.load(Map.of(Split.TEST, LoadersTest.fixture("mbpp.jsonl")), LoadOptions.DEFAULT)
                        .withSandbox(none)
                        .verify(add(), "def add(a, b): return a + b"));
    }

    @Test
    void brokenOrOldBubblewrapIsRefusedWithTheReason(@TempDir Path dir) throws Exception {
        Path python = PythonSandbox.findPython().orElseThrow();
        Files.setPosixFilePermissions(
                dir, PosixFilePermissions.fromString("rwxr-xr-x")); // setpriv'd to uid 65534 as root
        // A bwrap without --size (before 0.7.0).
        Path old = fakeBwrap(
                dir.resolve("old"), "bubblewrap 0.6.1", "usage: bwrap [OPTIONS...] [--] COMMAND\n    --tmpfs DEST", "");
        PythonSandbox.SandboxUnavailableException e = assertThrows(
                PythonSandbox.SandboxUnavailableException.class,
                () -> new PythonSandbox(
                                python,
                                FAST,
                                PythonSandbox.Isolation.REQUIRED,
                                new SandboxIsolation.Tools(old, Path.of("/usr/bin/setpriv")),
                                List.of(),
                                m -> {})
                        .run("pass"));
        assertTrue(
                e.getMessage().contains("bubblewrap 0.6.1") && e.getMessage().contains("0.7.0 or newer"),
                e.getMessage());
        // A bwrap that cannot create namespaces (as in a container without user namespaces).
        Path blocked = fakeBwrap(
                dir.resolve("blocked"),
                "bubblewrap 0.8.0",
                "    --size BYTES\n    --disable-userns",
                "bwrap: Creating new namespace failed: Operation not permitted");
        e = assertThrows(
                PythonSandbox.SandboxUnavailableException.class,
                () -> new PythonSandbox(
                                python,
                                FAST,
                                PythonSandbox.Isolation.REQUIRED,
                                new SandboxIsolation.Tools(blocked, Path.of("/usr/bin/setpriv")),
                                List.of(),
                                m -> {})
                        .run("pass"));
        assertTrue(e.getMessage().contains("Creating new namespace failed"), "bwrap's own words: " + e.getMessage());
        assertTrue(e.getMessage().contains("user.max_user_namespaces"), "what to change: " + e.getMessage());
    }

    @Test
    void unisolatedRunsNeedTheOptInAndAreLoggedOnce() {
        Path python = PythonSandbox.findPython().orElseThrow();
        List<String> log = new ArrayList<>();
        PythonSandbox optedIn = new PythonSandbox(
                python,
                FAST,
                PythonSandbox.Isolation.ALLOW_UNISOLATED,
                new SandboxIsolation.Tools(null, null),
                List.of(),
                log::add);
        // Many runs: stopping a finished run's leftovers once closed the output pipe under the reader, losing the
        // marker.
        for (int i = 0; i < 30; i++) {
            PythonSandbox.Result r = optedIn.run("print('run', " + i + ")\nassert 1 + 1 == 2");
            assertTrue(r.passed() && r.output().equals("run " + i), "run " + i + ": " + r.summary() + " " + r.output());
        }
        assertFalse(optedIn.run("assert 1 + 1 == 3").passed());
        assertEquals(1, log.size(), "one warning per sandbox: " + log);
        assertTrue(
                log.get(0).contains("WITHOUT isolation") && log.get(0).contains("bubblewrap is not installed"),
                log.get(0));
        assertTrue(optedIn.describe().startsWith("UNISOLATED"), optedIn.describe());
        // The naive guards still apply there, and the early-exit rule.
        assertFalse(optedIn.run("import subprocess\nsubprocess.run(['true'])\n").passed());
        assertFalse(optedIn.run("import os\nos._exit(0)\n").passed());
    }

    private static Path fakeBwrap(Path file, String version, String help, String failure) throws Exception {
        Files.writeString(
                file,
                "#!/bin/sh\ncase \"$1\" in\n  --version) echo '" + version + "' ;;\n  --help) printf '" + help
                        + "\\n' ;;\n" + "  *) echo '" + failure + "' >&2; exit 1 ;;\nesac\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void missingPythonIsReportedClearly() {
        PythonSandbox none = new PythonSandbox(null, FAST);
        PythonSandbox.SandboxUnavailableException e = assertThrows(
                PythonSandbox.SandboxUnavailableException.class,
                () -> MbppTask.load(Map.of(Split.TEST, LoadersTest.fixture("mbpp.jsonl")), LoadOptions.DEFAULT)
                        .withSandbox(none)
                        .verify(add(), "def add(a, b): return a + b"));
        assertTrue(e.getMessage().contains("no python3"), e.getMessage());
        assertThrows(
                PythonSandbox.SandboxUnavailableException.class,
                () -> new PythonSandbox(Path.of("/nonexistent/python3"), FAST).run("pass"));
    }

    @Test
    void examplesFromElsewhereAreRefused() {
        Example foreign = new Example("mbpp-999", null, "?", "", "");
        assertThrows(IllegalArgumentException.class, () -> mbpp.verify(foreign, "pass"));
        assertEquals(
                List.of(),
                Stream.of(mbpp.examples(Split.TRAIN)).flatMap(List::stream).toList());
    }
}
