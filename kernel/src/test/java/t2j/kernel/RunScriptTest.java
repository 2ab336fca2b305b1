package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kernel/scripts/run, as ./t2j run calls it: headless execution that stops at the first failing cell. */
class RunScriptTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needsJupyter() {
        JupyterFixture.assumeJupyterClient();
    }

    @Test
    void runsANotebookAndKeepsItsOutputs() throws Exception {
        Path notebook = Notebooks.write(
                dir.resolve("ok.ipynb"),
                "t2j",
                "System.out.println(\"hello from a cell\");",
                "var chart = new XYChart(300, 200);\nchart.addSeries(\"s\", new double[]{1, 2}, new double[]{3, 4});\nchart");
        Path out = dir.resolve("ok.out.ipynb");
        Result result = run(notebook.toString(), "--output", out.toString());
        assertEquals(0, result.exitCode, result.stderr);
        JsonArray cells =
                JsonParser.parseString(Files.readString(out)).getAsJsonObject().getAsJsonArray("cells");
        JsonObject printed =
                cells.get(1).getAsJsonObject().getAsJsonArray("outputs").get(0).getAsJsonObject();
        assertEquals("hello from a cell\n", printed.get("text").getAsString());
        JsonObject chart =
                cells.get(2).getAsJsonObject().getAsJsonArray("outputs").get(0).getAsJsonObject();
        assertTrue(chart.getAsJsonObject("data").has("image/png"), chart.toString());
    }

    @Test
    void failsAtTheFirstErrorNamingTheCellAndMessage() throws Exception {
        Path marker = dir.resolve("third-cell-ran");
        Path notebook = Notebooks.write(
                dir.resolve("bad.ipynb"),
                "t2j",
                "int loaded = 1;",
                "int step = 2;\nthrow new IllegalStateException(\"weights missing\");",
                "java.nio.file.Files.writeString(java.nio.file.Path.of(\"" + marker + "\"), \"ran\");");
        Result result = run(notebook.toString());
        assertEquals(1, result.exitCode, result.stderr);
        assertTrue(
                result.stderr.contains("cell 3 (In [2]) failed: java.lang.IllegalStateException: weights missing"),
                result.stderr);
        assertTrue(result.stderr.contains("cell [2], line 2"), result.stderr);
        Path kept = JupyterFixture.REPO.resolve("out/run/bad.ipynb");
        assertTrue(result.stderr.contains("executed notebook: " + kept), result.stderr);
        assertTrue(Files.readString(kept).contains("weights missing"), "the executed copy keeps the failing output");
        assertTrue(Files.notExists(marker), "cells after the failure must not run");
    }

    private record Result(int exitCode, String stdout, String stderr) {}

    private Result run(String... args) throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder("bash", JupyterFixture.script("run").toString());
        builder.command().addAll(java.util.List.of(args));
        builder.directory(JupyterFixture.REPO.toFile());
        builder.environment().putAll(JupyterFixture.scriptEnv(dir.resolve("jupyter")));
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process process = builder.redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "./t2j run hung");
        return new Result(
                process.exitValue(),
                Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }
}
