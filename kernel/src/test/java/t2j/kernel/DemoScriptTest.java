package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.json.Json;

/** kernel/scripts/demo (./t2j demo) on throwaway notebooks: executed copies, HTML reports, the index, the verdict. */
class DemoScriptTest {
    private static final String CHART = "var chart = new org.knowm.xchart.XYChart(200, 100);\n"
            + "chart.addSeries(\"s\", new double[]{1, 2, 3}, new double[]{1, 4, 9});\nchart";

    @TempDir
    Path dir;

    @BeforeEach
    void needsJupyter() {
        NotebooksExecutedTest.assumeJupyterWithNbconvert();
    }

    @Test
    void runsEveryNotebookReportsTheFailingCellAndExitsNonZero() throws Exception {
        Path ok = Notebooks.write(
                dir.resolve("ok.ipynb"),
                "t2j",
                "System.out.println(\"quick=\" + System.getenv(\"T2J_QUICK\"));",
                CHART);
        Path bad = Notebooks.write(
                dir.resolve("bad.ipynb"),
                "t2j",
                "int loaded = 1;",
                "throw new IllegalStateException(\"weights missing\");",
                "int after = 3;");
        Path out = dir.resolve("out");
        Result result = demo(Map.of(), "--quick", "--out", out.toString(), bad.toString(), ok.toString());

        assertEquals(1, result.exitCode, result.stderr);
        assertTrue(
                result.stderr.contains("[1/2] " + bad + " failed at cell 3 (In [2]): "
                        + "java.lang.IllegalStateException: weights missing"),
                result.stderr);
        assertTrue(result.stderr.contains("[2/2] " + ok + " ok ("), "ran on after the failure:\n" + result.stderr);

        List<Map<String, Object>> okCells = cells(out.resolve("ok.ipynb"));
        assertEquals("quick=1\n", text(output(okCells.get(1))), "the kernel sees T2J_QUICK=1 under --quick");
        assertTrue(data(output(okCells.get(2))).containsKey("image/png"));
        assertNull(cells(out.resolve("bad.ipynb")).get(3).get("execution_count"), "cells after the failure do not run");

        String index = Files.readString(out.resolve("index.html"));
        assertTrue(index.contains("1 of 2 notebooks ran without errors (quick mode"), index);
        assertTrue(index.contains("<a href=\"ok.html\">test notebook</a>"), index);
        assertTrue(index.contains("class=\"ok\">ok</td>"), index);
        assertTrue(
                index.contains("failed at cell 3 (In [2]): java.lang.IllegalStateException: weights missing"), index);
        for (String report : List.of("ok.html", "bad.html")) {
            String html = Files.readString(out.resolve(report));
            assertTrue(html.contains("data:image/png;base64,") || report.startsWith("bad"), report);
            assertFalse(
                    html.contains("file:///usr/share"), report + " must not depend on Debian's JavaScript packages");
        }
    }

    @Test
    void withoutArgumentsRunsTheNotebookFolderSortedByName() throws Exception {
        Path notebooks = Files.createDirectories(dir.resolve("notebooks"));
        Notebooks.write(notebooks.resolve("b-second.ipynb"), "t2j", CHART);
        Notebooks.write(notebooks.resolve("a-first.ipynb"), "t2j", "System.out.println(System.getenv(\"T2J_QUICK\"));");
        Path out = dir.resolve("out");
        Result result = demo(Map.of("T2J_NOTEBOOK_DIR", notebooks.toString()), "--out", out.toString());

        assertEquals(0, result.exitCode, result.stderr);
        assertEquals("null\n", text(output(cells(out.resolve("a-first.ipynb")).get(1))), "no --quick, no T2J_QUICK");
        String index = Files.readString(out.resolve("index.html"));
        assertTrue(index.indexOf("a-first.html") < index.indexOf("b-second.html"), index);
        assertTrue(index.contains("2 of 2 notebooks ran without errors. "), index);
        assertTrue(Files.size(out.resolve("b-second.html")) > 0);
    }

    @Test
    void anEmptyNotebookFolderIsAnError() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Result result = demo(
                Map.of("T2J_NOTEBOOK_DIR", empty.toString()),
                "--out",
                dir.resolve("out").toString());
        assertNotEquals(0, result.exitCode);
        assertTrue(result.stderr.contains("no notebooks in " + empty), result.stderr);
    }

    private static List<Map<String, Object>> cells(Path notebook) throws Exception {
        return list(Json.parseObject(Files.readString(notebook), notebook.toString())
                .get("cells"));
    }

    private static Map<String, Object> output(Map<String, Object> cell) {
        List<Map<String, Object>> outputs = list(cell.get("outputs"));
        assertEquals(1, outputs.size(), cell.toString());
        return outputs.get(0);
    }

    /** A stream output's text, which nbformat writes as one string or as a list of lines. */
    private static String text(Map<String, Object> output) {
        Object text = output.get("text");
        return text instanceof List<?> lines
                ? String.join("", lines.stream().map(String::valueOf).toList())
                : (String) text;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(Map<String, Object> output) {
        return (Map<String, Object>) output.get("data");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }

    private record Result(int exitCode, String stderr) {}

    private Result demo(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of("bash", JupyterFixture.REPO.resolve("t2j").toString(), "demo"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(JupyterFixture.REPO.toFile());
        builder.environment().putAll(JupyterFixture.scriptEnv(dir.resolve("jupyter")));
        builder.environment().remove("T2J_QUICK");
        builder.environment().putAll(env);
        Path stderr = dir.resolve("stderr.txt");
        Process process = builder.redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(stderr.toFile())
                .start();
        assertTrue(process.waitFor(240, TimeUnit.SECONDS), "./t2j demo hung");
        return new Result(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
    }
}
