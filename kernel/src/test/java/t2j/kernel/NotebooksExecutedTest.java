package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;
import t2j.json.Json;

/**
 * The curated notebooks in notebooks/ run clean: {@code ./t2j demo --quick} executes all of them once, then each
 * executed copy must have every code cell run, no error output, and at least one chart, with its HTML report
 * beside it. No notebooks is a failure, not a pass. Without Jupyter the test skips, except in CI (env CI set, as
 * .ci/run does), where it fails.
 */
class NotebooksExecutedTest {
    static final Path NOTEBOOKS = JupyterFixture.REPO.resolve("notebooks");
    static final Path OUT = JupyterFixture.REPO.resolve("kernel/target/notebooks");
    /** Whole run in quick mode; the surefire fork timeout in kernel/pom.xml leaves room for it. */
    static final long LIMIT_MINUTES = 30;

    private static int exitCode;
    private static String log;

    @BeforeAll
    static void runDemoOnce() throws Exception {
        if (notebooks().isEmpty()) {
            fail("no notebooks in notebooks/ (" + NOTEBOOKS + ")");
        }
        assumeJupyterWithNbconvert();
        deleteTree(OUT);
        List<String> command = List.of(
                "bash", JupyterFixture.REPO.resolve("t2j").toString(), "demo", "--quick", "--out", OUT.toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(JupyterFixture.REPO.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(JupyterFixture.scriptEnv(OUT.resolveSibling("notebooks-jupyter")));
        builder.environment().remove("T2J_NOTEBOOK_DIR");
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        Thread pump = new Thread(() -> echo(process, output), "demo-output");
        pump.start();
        if (!process.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail("./t2j demo --quick ran over " + LIMIT_MINUTES + " minutes:\n" + output);
        }
        pump.join(10_000);
        exitCode = process.exitValue();
        synchronized (output) {
            log = output.toString();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookRanCleanAndDrewAChart() {
        Stream<DynamicTest> index = Stream.of(DynamicTest.dynamicTest("index.html and exit status", () -> {
            String html = Files.readString(OUT.resolve("index.html"));
            for (Path notebook : notebooks()) {
                assertTrue(html.contains(name(notebook) + ".html"), "index.html lists " + notebook.getFileName());
            }
            assertEquals(0, exitCode, "./t2j demo --quick failed:\n" + log);
        }));
        return Stream.concat(
                notebooks().stream()
                        .map(notebook ->
                                DynamicTest.dynamicTest(notebook.getFileName().toString(), () -> check(notebook))),
                index);
    }

    private static void check(Path notebook) throws IOException {
        Path executed = OUT.resolve(name(notebook) + ".ipynb");
        assertTrue(Files.isRegularFile(executed), () -> executed + " was not written:\n" + log);
        List<String> problems = problems(Json.parseObject(Files.readString(executed), executed.toString()));
        assertTrue(problems.isEmpty(), () -> notebook.getFileName() + ":\n  " + String.join("\n  ", problems));
        Path html = OUT.resolve(name(notebook) + ".html");
        assertTrue(Files.isRegularFile(html) && Files.size(html) > 0, html + " (the HTML report) was not written");
    }

    /** Error outputs, code cells that never ran, and a missing chart, one line each. */
    static List<String> problems(Map<String, Object> notebook) {
        List<String> problems = new ArrayList<>();
        boolean image = false;
        List<Map<String, Object>> cells = maps(notebook.get("cells"));
        for (int i = 0; i < cells.size(); i++) {
            Map<String, Object> cell = cells.get(i);
            if (!"code".equals(cell.get("cell_type"))) {
                continue;
            }
            if (cell.get("execution_count") == null) {
                problems.add("cell " + (i + 1) + " was not executed");
            }
            for (Map<String, Object> output : maps(cell.get("outputs"))) {
                Object type = output.get("output_type");
                if ("error".equals(type)) {
                    problems.add("cell " + (i + 1) + " (In [" + cell.get("execution_count") + "]) failed: "
                            + output.get("ename") + ": " + output.get("evalue"));
                } else if (("display_data".equals(type) || "execute_result".equals(type))
                        && output.get("data") instanceof Map<?, ?> data
                        && (data.containsKey("image/png") || data.containsKey("image/svg+xml"))) {
                    image = true;
                }
            }
        }
        if (!image) {
            problems.add("no chart: no image/png or image/svg+xml output in any cell");
        }
        return problems;
    }

    /** Skips without Jupyter (or nbconvert) like the other kernel tests; fails instead in CI. */
    static void assumeJupyterWithNbconvert() {
        try {
            JupyterFixture.assumeJupyterClient();
            assumeTrue(
                    JupyterFixture.pythonCan("import nbconvert"),
                    "needs Debian's jupyter-nbconvert (apt-get install jupyter-nbconvert)");
        } catch (TestAbortedException missing) {
            if (System.getenv("CI") != null) {
                fail("CI must execute the notebooks, but " + missing.getMessage());
            }
            throw missing;
        }
    }

    static List<Path> notebooks() {
        if (!Files.isDirectory(NOTEBOOKS)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".ipynb") && Files.isRegularFile(f))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(Path notebook) {
        String file = notebook.getFileName().toString();
        return file.substring(0, file.length() - ".ipynb".length());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    /** Copies the demo's progress to this test's stderr (the Maven log) as it comes, and keeps it. */
    private static void echo(Process process, StringBuilder output) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                System.err.println(line);
                synchronized (output) {
                    output.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            synchronized (output) {
                output.append("(output lost: ").append(e).append(")\n");
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
