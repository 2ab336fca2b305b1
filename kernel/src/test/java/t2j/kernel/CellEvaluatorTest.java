package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import jdk.jshell.JShell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The evaluator on an in-process JShell, without Jupyter. */
class CellEvaluatorTest {
    private InProcessExecutionControl control;
    private JShell shell;
    private CellEvaluator evaluator;

    private void start(long timeoutMs) {
        // No agent in the test JVM: this is the kernel started without its -javaagent.
        control = new InProcessExecutionControl(timeoutMs, 200, Optional.empty());
        shell = JShell.builder().executionEngine(control.provider(), Map.of()).build();
        evaluator = new CellEvaluator(shell, control);
    }

    @AfterEach
    void close() {
        shell.close();
    }

    @Test
    void returnsTheLastExpressionsObjectNotItsString() {
        start(0);
        CellEvaluator.Outcome outcome =
                evaluator.eval("var list = new java.util.ArrayList<Integer>();\nlist.add(4);\nlist", 1);
        assertTrue(outcome.hasValue());
        assertEquals(java.util.List.of(4), outcome.value());
        assertFalse(evaluator.eval("list.size();", 2).hasValue(), "a trailing semicolon hides the value");
        assertFalse(evaluator.eval("int declared = 3", 3).hasValue(), "declarations show nothing");
        assertTrue(evaluator.eval("declared", 4).hasValue(), "a bare variable is a value");
        assertEquals(3, evaluator.eval("declared", 5).value());
    }

    @Test
    void runtimeErrorReportsUserTypeAndCellLines() {
        start(0);
        evaluator.eval(
                "\n\nint half(int n) {\n  if (n < 0) throw new IllegalArgumentException(\"negative\");\n  return n / 2;\n}",
                7);
        CellError error = assertThrows(CellError.class, () -> evaluator.eval("int a = 1;\n\n// why\nhalf(-a);", 8));
        assertEquals("java.lang.IllegalArgumentException", error.name());
        assertEquals("negative", error.getMessage());
        String traceback = String.join("\n", error.traceback());
        assertTrue(traceback.contains("half (\u001b[0;36mcell [7], line 4"), traceback);
        assertTrue(traceback.contains("cell [8], line 4"), traceback);
        assertEquals(3, error.traceback().size(), "header and the two cell frames only: " + traceback);
    }

    @Test
    void compileErrorPointsAtTheCellLineAndColumn() {
        start(0);
        CellError error = assertThrows(
                CellError.class, () -> evaluator.eval("int fine = 1;\n\nint broken = undefinedThing + 1;", 3));
        assertEquals("CompileError", error.name());
        assertTrue(error.getMessage().startsWith("cannot find symbol (cell [3], line 3)"), error.getMessage());
        assertTrue(
                error.traceback().contains("    int broken = undefinedThing + 1;"),
                error.traceback().toString());
        assertTrue(
                error.traceback().stream().anyMatch(l -> l.startsWith("                 \u001b[0;31m^^^^^^^^^^^^^^")),
                error.traceback().toString());
        assertFalse(String.join("\n", error.traceback()).contains("location: class"), "wrapper class is not shown");
    }

    @Test
    void laterSnippetsDoNotRunAfterAnError() {
        start(0);
        assertThrows(CellError.class, () -> evaluator.eval("int ran = 1;\nInteger.parseInt(\"x\");\nran = 2;", 1));
        assertEquals(1, evaluator.eval("ran", 2).value());
    }

    @Test
    void withoutTheAgentARedefinitionThatResetsAVariableWarns() {
        start(0);
        evaluator.eval("int f() { return 1; }", 1);
        evaluator.eval("var w = f();", 2);
        String stderr = capturingStderr(() -> evaluator.eval("int f() { return 2; }", 3));
        assertTrue(stderr.contains("warning") && stderr.contains(" w "), stderr);
        assertEquals(0, evaluator.eval("w", 4).value(), "this is the reset the warning announced");
    }

    @Test
    void timeoutStopsABusyLoop() {
        start(500);
        long started = System.nanoTime();
        CellError error =
                assertThrows(CellError.class, () -> evaluator.eval("int spins = 0;\nwhile (true) { spins++; }", 1));
        assertEquals("java.util.concurrent.TimeoutException", error.name());
        assertTrue(
                String.join("\n", error.traceback()).contains("cell [1], line 2"),
                "where it was stopped: " + error.traceback());
        assertTrue(error.getMessage().contains("T2J_TIMEOUT"), error.getMessage());
        assertTrue((System.nanoTime() - started) / 1e9 < 5, "stopped within the grace period");
        assertEquals(2, evaluator.eval("1 + 1", 2).value());
    }

    private static String capturingStderr(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
