package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path a user takes: kernel/scripts/lab (./t2j lab) serves the classic notebook on 127.0.0.1,
 * headless Chromium opens a notebook, runs its cell through the t2j kernel, and the page shows the chart.
 */
class BrowserCheckTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String TOKEN = "t2j-browser-check";

    @Test
    void notebookPageRunsACellAndShowsTheChart(@TempDir Path dir) throws Exception {
        JupyterFixture.assumeNotebookServer();
        assumeTrue(
                Files.isExecutable(CHROMIUM), "needs Debian's chromium (apt-get install chromium fonts-dejavu-core)");
        Path notebooks = Files.createDirectories(dir.resolve("notebooks"));
        Notebooks.write(
                notebooks.resolve("chart.ipynb"),
                "t2j",
                "var chart = new XYChart(500, 300);\nchart.setTitle(\"browser check\");\n"
                        + "chart.addSeries(\"squares\", new double[]{1, 2, 3, 4}, new double[]{1, 4, 9, 16});\nchart");
        int port = freePort();
        ProcessBuilder lab = new ProcessBuilder(
                        "bash", JupyterFixture.script("lab").toString(), "--no-browser")
                .directory(JupyterFixture.REPO.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("lab.log").toFile());
        lab.environment().putAll(JupyterFixture.scriptEnv(dir.resolve("jupyter")));
        // The page driver below reads the classic notebook's page, so this check runs on the system's Jupyter: a
        // project environment marked as failed makes ./t2j lab fall back to it at once (LabSetupTest covers that path
        // and the JupyterLab install itself).
        Files.writeString(dir.resolve("venv.failed"), "BrowserCheckTest drives the classic notebook page");
        lab.environment().put("T2J_VENV", dir.resolve("venv").toString());
        lab.environment().put("T2J_PORT", Integer.toString(port));
        lab.environment().put("T2J_TOKEN", TOKEN);
        lab.environment().put("T2J_NOTEBOOK_DIR", notebooks.toString());
        Process server = lab.start();
        try {
            String base = "http://127.0.0.1:" + port;
            assertTrue(
                    waitForServer(base + "/api/status?token=" + TOKEN, server),
                    () -> "server did not start:\n" + log(dir));
            assertTrue(log(dir).contains(base + "/tree?token=" + TOKEN), "lab prints the URL");

            Path screenshot = dir.resolve("notebook.png");
            JsonObject page = browse(base + "/notebooks/chart.ipynb?token=" + TOKEN, screenshot, dir);
            assertTrue(page.get("connected").getAsBoolean(), () -> "kernel never connected: " + page + "\n" + log(dir));
            assertEquals("t2j", page.get("kernel").getAsString());
            assertEquals(0, page.getAsJsonArray("errors").size(), page.toString());
            assertEquals(1, page.getAsJsonArray("images").size(), page.toString());
            JsonObject image = page.getAsJsonArray("images").get(0).getAsJsonObject();
            assertEquals("data:image/png;base64,", image.get("src").getAsString());
            assertEquals(500, image.get("width").getAsInt(), "the browser decoded the chart");
            assertTrue(Files.size(screenshot) > 10_000, "screenshot taken");
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static JsonObject browse(String url, Path screenshot, Path dir) throws Exception {
        Path script = JupyterFixture.resource("cdp_check.py", dir);
        Process check = new ProcessBuilder(
                        JupyterFixture.PYTHON,
                        script.toString(),
                        url,
                        CHROMIUM.toString(),
                        Integer.toString(freePort()),
                        screenshot.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(300, TimeUnit.SECONDS), "browser check hung");
        assertEquals(0, check.exitValue(), out);
        JsonElement json =
                JsonParser.parseString(out.strip().lines().reduce((a, b) -> b).orElse("{}"));
        return json.getAsJsonObject();
    }

    private static boolean waitForServer(String url, Process server) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && server.isAlive()) {
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
                c.setConnectTimeout(1000);
                if (c.getResponseCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        return false;
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("lab.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
