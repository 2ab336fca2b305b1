package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static t2j.kernel.KernelDriver.outputs;
import static t2j.kernel.KernelDriver.stream;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** One real kernel over ZeroMQ, driven by jupyter_client, for everything a notebook asks of it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelProtocolTest {
    private KernelDriver kernel;

    @BeforeAll
    void start() throws Exception {
        JupyterFixture.assumeJupyterClient();
        kernel = new KernelDriver();
    }

    @AfterAll
    void stop() {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void executesAndStreamsStdoutAndStderrToTheCell() {
        JsonObject answer =
                ok(kernel.execute("System.out.println(\"to stdout\");\nSystem.err.println(\"to stderr\");"));
        assertEquals("to stdout\n", stream(answer, "stdout"));
        assertEquals("to stderr\n", stream(answer, "stderr"));
        assertTrue(outputs(answer, "execute_result").isEmpty());
    }

    @Test
    void printfArrivesAsOneStreamMessagePerLineAndAnUnfinishedLineAtTheEnd() {
        // (JShell itself flushes after each statement, so a line printed piecewise over several statements still
        // arrives
        // in pieces.)
        JsonObject answer = ok(kernel.execute(
                "System.out.printf(\"%d of %s%n\", 3, \"seven\");\n" + "System.out.print(\"é\\u2192\\nno newline\");"));
        List<String> texts = new ArrayList<>();
        for (JsonObject o : outputs(answer, "stream")) texts.add(o.get("text").getAsString());
        assertEquals(List.of("3 of seven\n", "é→\n", "no newline"), texts);
    }

    @Test
    void lastExpressionIsTheResultUnlessTheCellEndsWithASemicolon() {
        kernel.execute("int answerBase = 6;");
        assertEquals("42", text(single(ok(kernel.execute("answerBase * 7")), "execute_result")));
        assertTrue(
                outputs(ok(kernel.execute("answerBase * 7;")), "execute_result").isEmpty());
    }

    @Test
    void xchartIsShownAsPngAndSvgOnRequest() {
        kernel.execute("XYChart chart = new XYChart(400, 300);\n"
                + "chart.addSeries(\"squares\", new double[]{1, 2, 3}, new double[]{1, 4, 9});");
        JsonObject png = data(single(ok(kernel.execute("display(chart);")), "display_data"));
        assertEquals(400, pngWidth(png.get("image/png").getAsString()));
        JsonObject result = data(single(ok(kernel.execute("chart")), "execute_result"));
        assertEquals(400, pngWidth(result.get("image/png").getAsString()));
        JsonObject svg = data(single(ok(kernel.execute("display(chart, \"image/svg+xml\");")), "display_data"));
        assertTrue(svg.get("image/svg+xml").getAsString().contains("<svg"), "SVG markup");
    }

    @Test
    void tablesawTableIsShownAsEscapedHtml() {
        JsonObject table = data(single(
                ok(
                        kernel.execute(
                                "Table.create(\"t\", StringColumn.create(\"name\", \"a\", \"b<c\"), IntColumn.create(\"n\", 1, 2))")),
                "execute_result"));
        String html = table.get("text/html").getAsString();
        assertTrue(
                html.contains("<th>name</th>") && html.contains("<td>b&lt;c</td>") && html.contains("<td>2</td>"),
                html);
    }

    @Test
    void renderedImageIsShownAsPng() {
        JsonObject image = data(single(
                ok(kernel.execute(
                        "var img = new java.awt.image.BufferedImage(60, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);\n"
                                + "display(img);")),
                "display_data"));
        assertEquals(60, pngWidth(image.get("image/png").getAsString()));
    }

    @Test
    void dslRenderableShowsItsOwnMimeBundle() {
        JsonObject shown = data(single(
                ok(
                        kernel.execute(
                                "Renderable r = () -> Map.of(\"text/html\", \"<b>adapted</b>\", \"text/plain\", \"adapted\");\nr")),
                "execute_result"));
        assertEquals("<b>adapted</b>", shown.get("text/html").getAsString());
        assertEquals("adapted", shown.get("text/plain").getAsString());
    }

    @Test
    void updateDisplayReplacesAnEarlierOutput() {
        JsonObject first = single(ok(kernel.execute("String progressId = display(\"step 1\");")), "display_data");
        String id = first.getAsJsonObject("transient").get("display_id").getAsString();
        JsonObject update = single(ok(kernel.execute("updateDisplay(progressId, \"step 2\");")), "update_display_data");
        assertEquals(id, update.getAsJsonObject("transient").get("display_id").getAsString());
        assertEquals("step 2", text(update));
    }

    @Test
    void runtimeErrorNamesTheUsersExceptionAndCellLine() {
        kernel.execute("void explode(String why) {\n    throw new IllegalStateException(why);\n}");
        JsonObject answer = kernel.execute("int before = 1;\n\nexplode(\"boom\");");
        assertEquals("error", answer.get("status").getAsString());
        assertEquals("java.lang.IllegalStateException", answer.get("ename").getAsString());
        assertEquals("boom", answer.get("evalue").getAsString());
        String traceback = traceback(answer);
        assertTrue(traceback.contains("explode (") && traceback.contains("line 2"), traceback);
        assertTrue(traceback.contains("line 3"), traceback);
        assertFalse(
                traceback.contains("t2j.kernel") || traceback.contains("jdk.jshell") || traceback.contains("reflect"),
                traceback);
        assertEquals(single(answer, "error").get("ename").getAsString(), "java.lang.IllegalStateException");
    }

    @Test
    void exceptionClassDeclaredInACellKeepsItsName() {
        kernel.execute("class ModelNotLoaded extends RuntimeException { ModelNotLoaded(String m) { super(m); } }");
        JsonObject answer = kernel.execute("throw new ModelNotLoaded(\"no weights\");");
        assertEquals("ModelNotLoaded", answer.get("ename").getAsString());
        assertEquals("no weights", answer.get("evalue").getAsString());
    }

    @Test
    void compileErrorPointsAtTheCellLine() {
        JsonObject answer = kernel.execute("int fine = 1;\nint broken = undefinedThing + 1;");
        assertEquals("error", answer.get("status").getAsString());
        assertEquals("CompileError", answer.get("ename").getAsString());
        assertTrue(
                answer.get("evalue").getAsString().contains("line 2"),
                answer.get("evalue").getAsString());
        String traceback = traceback(answer);
        assertTrue(traceback.contains("int broken = undefinedThing + 1;") && traceback.contains("^"), traceback);
    }

    @Test
    void completionReturnsMembersAndPreloadedDslTypes() {
        assertTrue(matches("\"abc\".len").contains("length()"), "String members");
        assertTrue(matches("Renderab").contains("Renderable"), "the DSL package is imported");
        assertTrue(matches("((Renderable) null).mime").contains("mimeBundle()"), "DSL members");
        ok(kernel.execute("List<String> names = new ArrayList<>();"));
        String cell = "int first = 1;\nfirst++;\nnames.ad";
        assertTrue(matches(cell).contains("add("), "completion in the last snippet of a multi-snippet cell");
    }

    @Test
    void inspectionShowsTheSignature() {
        JsonObject answer = kernel.call(Map.of("op", "inspect", "code", "Math.max(", "cursor", 9));
        assertTrue(answer.get("found").getAsBoolean());
        assertTrue(
                answer.getAsJsonObject("data").get("text/plain").getAsString().contains("max("));
    }

    @Test
    void isCompleteTellsOpenBlocksFromFinishedCode() {
        assertEquals("complete", isComplete("int x = 1;"));
        assertEquals("incomplete", isComplete("for (int i = 0; i < 3; i++) {"));
        assertEquals("invalid", isComplete("int x = 1; }"));
    }

    @Test
    void busyLoopIsInterruptedAndTheKernelRunsTheNextCell() {
        JsonObject answer = kernel.executeAndInterrupt("long spins = 0;\nwhile (true) { spins++; }", 1.0);
        assertEquals("error", answer.get("status").getAsString());
        assertEquals("java.lang.InterruptedException", answer.get("ename").getAsString());
        assertTrue(answer.get("seconds").getAsDouble() < 15, "stopped promptly: " + answer.get("seconds"));
        assertTrue(traceback(answer).contains("line 2"), "says where it stopped: " + traceback(answer));
        assertEquals("2", text(single(ok(kernel.execute("1 + 1")), "execute_result")));
    }

    @Test
    void sleepingCellStopsCooperativelyOnInterrupt() {
        JsonObject answer = kernel.executeAndInterrupt("Thread.sleep(60_000);", 0.5);
        assertEquals("java.lang.InterruptedException", answer.get("ename").getAsString());
        assertTrue(answer.get("seconds").getAsDouble() < 5, "no Thread.stop grace needed: " + answer.get("seconds"));
    }

    @Test
    void redefiningAMethodKeepsVariablesComputedWithIt() {
        kernel.execute("int weightScale() { return 1; }");
        kernel.execute("var scaled = weightScale() * 10;");
        JsonObject redefined = ok(kernel.execute("int weightScale() { return 2; }"));
        assertEquals("", stream(redefined, "stderr"), "no reset, so no warning");
        assertEquals("10", text(single(ok(kernel.execute("scaled")), "execute_result")));
        assertEquals("2", text(single(ok(kernel.execute("weightScale()")), "execute_result")));
    }

    @Test
    void redefinitionThatMustResetAVariableWarns() {
        kernel.execute("class Point { int x = 1; }");
        kernel.execute("Point origin = new Point();");
        JsonObject answer = ok(kernel.execute("class Point { int x = 1; int y = 2; }"));
        String warning = stream(answer, "stderr");
        assertTrue(warning.contains("warning") && warning.contains("origin"), warning);
    }

    @Test
    void wronglySignedMessageIsRejectedAndTheKernelStaysUsable(@TempDir Path dir) {
        Path marker = dir.resolve("forged-cell-ran");
        String code = "java.nio.file.Files.writeString(java.nio.file.Path.of(\"" + marker + "\"), \"x\");";
        JsonObject forged = kernel.call(Map.of("op", "bad_signature", "code", code, "wait", 2.0));
        assertFalse(forged.get("replied").getAsBoolean(), "the kernel answered a forged request");
        assertFalse(Files.exists(marker), "the forged cell ran");
        assertEquals("3", text(single(ok(kernel.execute("1 + 2")), "execute_result")));
    }

    @Test
    void classpathJarsAndLoadMagics(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/extra"));
        Files.writeString(
                src.resolve("Greeter.java"),
                "package extra; public class Greeter { public static String hi() { return \"hi from extra\"; } }");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        int rc = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        null,
                        null,
                        "-d",
                        classes.toString(),
                        src.resolve("Greeter.java").toString());
        assertEquals(0, rc);
        ok(kernel.execute("List<String> added = %classpath " + classes));
        assertEquals("[" + classes + "]", text(single(ok(kernel.execute("added")), "execute_result")));
        assertEquals("hi from extra", text(single(ok(kernel.execute("extra.Greeter.hi()")), "execute_result")));

        JsonObject noMatch = kernel.execute("%jars " + dir.resolve("*.jar"));
        assertEquals("error", noMatch.get("status").getAsString());
        assertTrue(noMatch.get("evalue").getAsString().contains("nothing matches"), noMatch.toString());

        Path script = dir.resolve("setup.jsh");
        Files.writeString(script, "int loadedValue = 6;\nint timesSeven(int v) { return v * 7; }\n");
        ok(kernel.execute("%load " + script));
        assertEquals("42", text(single(ok(kernel.execute("timesSeven(loadedValue)")), "execute_result")));
    }

    private List<String> matches(String code) {
        JsonObject reply = kernel.call(Map.of("op", "complete", "code", code, "cursor", code.length()));
        List<String> matches = new ArrayList<>();
        for (JsonElement m : reply.getAsJsonArray("matches")) {
            matches.add(m.getAsString());
        }
        return matches;
    }

    private String isComplete(String code) {
        return kernel.call(Map.of("op", "is_complete", "code", code))
                .get("status")
                .getAsString();
    }

    private static JsonObject ok(JsonObject answer) {
        assertEquals("ok", answer.get("status").getAsString(), () -> "cell failed: " + answer);
        return answer;
    }

    private static JsonObject single(JsonObject answer, String type) {
        List<JsonObject> found = outputs(answer, type);
        assertEquals(1, found.size(), () -> "expected one " + type + " in " + answer);
        return found.get(0);
    }

    private static JsonObject data(JsonObject output) {
        return output.getAsJsonObject("data");
    }

    private static String text(JsonObject output) {
        return data(output).get("text/plain").getAsString();
    }

    private static String traceback(JsonObject answer) {
        StringBuilder text = new StringBuilder();
        answer.getAsJsonArray("traceback")
                .forEach(line -> text.append(line.getAsString()).append('\n'));
        return text.toString();
    }

    /** Width from the PNG's IHDR chunk: proves the data is a real PNG of the requested size. */
    private static int pngWidth(String base64) {
        byte[] png = Base64.getDecoder().decode(base64);
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3));
        return ByteBuffer.wrap(png, 16, 4).getInt();
    }
}
