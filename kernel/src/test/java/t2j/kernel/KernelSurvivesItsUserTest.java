package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static t2j.kernel.KernelDriver.outputs;

import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Mistakes that used to end the session (the client reported "Kernel died" and every variable was gone): each is
 * followed by a cell that must still run and see a variable declared before the mistake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelSurvivesItsUserTest {
    private static final String NO_STACK = "the JVM recorded no stack trace for this error";
    private KernelDriver kernel;

    @BeforeAll
    void start() throws Exception {
        JupyterFixture.assumeJupyterClient();
        kernel = new KernelDriver();
        ok(kernel.execute("String survivor = \"still here\";"));
    }

    @AfterAll
    void stop() {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void systemExitInACellIsRefusedAndTheSessionKept() {
        JsonObject exit = kernel.execute("int before = 1;\nSystem.exit(3);");
        assertEquals("error", exit.get("status").getAsString(), exit::toString);
        assertEquals("java.lang.SecurityException", exit.get("ename").getAsString());
        assertTrue(exit.get("evalue").getAsString().startsWith("System.exit(3) in a cell was refused"), exit::toString);
        assertTrue(traceback(exit).contains("line 2"), "points at the call: " + traceback(exit));
        assertStillRunning();

        kernel.execute("class Quitter { void quit() { Runtime.getRuntime().halt(4); } }");
        JsonObject halt = kernel.execute("new Quitter().quit();");
        assertEquals("java.lang.SecurityException", halt.get("ename").getAsString(), halt::toString);
        assertTrue(halt.get("evalue").getAsString().startsWith("Runtime.halt(4)"), halt::toString);
        assertStillRunning();
    }

    @Test
    void deepRecursionShowsTheRepeatedFrameOnce() {
        ok(kernel.execute("int down(int n) {\n  return down(n + 1) + 1;\n}"));
        JsonObject answer = kernel.execute("down(0)");
        assertEquals("java.lang.StackOverflowError", answer.get("ename").getAsString(), answer::toString);
        String traceback = traceback(answer);
        List<String> lines = traceback.lines().toList();
        assertTrue(lines.size() < 10, "collapsed, not a thousand lines: " + lines.size() + "\n" + traceback);
        String repeated = lines.stream()
                .filter(l -> l.contains("the previous frame repeated"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no collapsed run in\n" + traceback));
        int times = Integer.parseInt(repeated.replaceAll(".*repeated (\\d+) times.*", "$1"));
        assertTrue(times > 500, "the recursion's depth as recorded by the JVM: " + repeated);
        assertTrue(traceback.contains("down (\u001b[0;36mcell ["), "the repeated frame is shown: " + traceback);
        assertStillRunning();
    }

    @Test
    void outOfMemoryInACellLeavesTheKernelUsable() {
        // The test kernel runs with -Xmx512m (JupyterFixture); the hog is the cell's own, so the heap frees after it.
        JsonObject answer = kernel.execute("{\n  var hog = new java.util.ArrayList<long[]>();\n"
                + "  while (true) hog.add(new long[1 << 20]);\n}");
        assertEquals("java.lang.OutOfMemoryError", answer.get("ename").getAsString(), answer::toString);
        // HotSpot gives only its first 4 OutOfMemoryErrors a stack, and the kernel's own threads may take some while
        // the heap is full: then the error comes without frames, and the kernel names the cell instead (tested
        // on its own in errorWithoutAStackStillNamesItsCell).
        String traceback = traceback(answer);
        assertTrue(traceback.contains("line 3") || traceback.contains(NO_STACK), traceback);
        assertStillRunning();
        JsonObject allocates = ok(kernel.execute("new long[8 << 20].length"));
        assertEquals("8388608", text(allocates), "the heap is free again");
    }

    @Test
    void errorWithoutAStackStillNamesItsCell() {
        ok(kernel.execute("class Quiet extends RuntimeException {\n"
                + "  Quiet() { super(\"no frames\", null, false, false); }\n}"));
        JsonObject answer = kernel.execute("int ready = 1;\nthrow new Quiet();");
        assertEquals("Quiet", answer.get("ename").getAsString(), answer::toString);
        String traceback = traceback(answer);
        assertTrue(traceback.contains(NO_STACK), traceback);
        assertTrue(traceback.matches("(?s).*in \u001b\\[0;36mcell \\[\\d+\\]\u001b\\[0m.*"), traceback);
        assertStillRunning();
    }

    private void assertStillRunning() {
        JsonObject answer = ok(kernel.execute("survivor + \", \" + (1 + 1)"));
        assertEquals("still here, 2", text(answer));
    }

    private static JsonObject ok(JsonObject answer) {
        assertEquals("ok", answer.get("status").getAsString(), () -> "cell failed: " + answer);
        return answer;
    }

    private static String text(JsonObject answer) {
        List<JsonObject> results = outputs(answer, "execute_result");
        assertEquals(1, results.size(), answer::toString);
        return results.get(0).getAsJsonObject("data").get("text/plain").getAsString();
    }

    private static String traceback(JsonObject answer) {
        StringBuilder text = new StringBuilder();
        answer.getAsJsonArray("traceback")
                .forEach(line -> text.append(line.getAsString()).append('\n'));
        return text.toString();
    }
}
