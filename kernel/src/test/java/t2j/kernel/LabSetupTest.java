package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./t2j lab's first-run set-up (kernel/scripts/lab --setup-only): the fallback to the system Jupyter where pip cannot
 * install JupyterLab, remembered so the second run falls back at once; and a real project environment, reused.
 */
class LabSetupTest {
    /** Port 9 (discard) refuses connections: an index that cannot be reached. */
    private static final String NO_INDEX = "http://127.0.0.1:9/simple";

    @TempDir
    Path dir;

    @Test
    void withoutThePackageIndexItFallsBackToTheSystemJupyterAndTheSecondRunAtOnce() throws Exception {
        JupyterFixture.assumeNotebookServer();
        Path venv = dir.resolve("venv");
        String first = setup(venv, NO_INDEX).stderr;
        assertTrue(first.contains("t2j: [1/4] Java: "), first);
        assertTrue(first.contains("t2j: [2/4] kernel: ready"), first);
        assertTrue(first.contains("t2j: [3/4] Jupyter: creating the project's Python environment " + venv), first);
        assertTrue(
                first.contains("t2j: [3/4] Jupyter: no project environment (pip could not install JupyterLab from "
                        + NO_INDEX + "); using /usr/bin/jupyter"),
                first);
        assertTrue(first.contains("t2j: [4/4] kernelspec \"t2j\" installed in " + dir.resolve("jupyter")), first);
        assertTrue(Files.isRegularFile(dir.resolve("jupyter/share/jupyter/kernels/t2j/kernel.json")), first);
        assertFalse(Files.exists(venv), "a failed install is removed, or the next run would take it for ready");

        String second = setup(venv, NO_INDEX).stderr;
        assertFalse(second.contains("creating"), "the failure is remembered: " + second);
        assertTrue(second.contains("delete " + venv + ".failed to try again); using /usr/bin/jupyter"), second);
        assertTrue(second.contains("t2j: [4/4]"), second);
    }

    @Test
    void whereJupyterLabCanBeInstalledTheFirstRunMakesTheEnvironmentAndTheSecondReusesIt() throws Exception {
        JupyterFixture.assumeNotebookServer();
        assumeTrue(
                JupyterFixture.pythonCan("import subprocess, sys; subprocess.run([sys.executable, '-m', 'pip', 'index',"
                        + " 'versions', 'jupyterlab'], check=True, capture_output=True, timeout=60)"),
                "pip finds no JupyterLab here (no package index or mirror reachable)");
        Path venv = dir.resolve("venv");
        String first = run(venv, null, 900).stderr;
        assertTrue(first.matches("(?s).*t2j: \\[3/4\\] Jupyter: JupyterLab \\S+ installed in " + venv + "\n.*"), first);
        assertTrue(Files.isExecutable(venv.resolve("bin/jupyter")), first);
        assertTrue(pythonIn(venv, "import nbclient"), "nbclient is installed beside JupyterLab");
        String second = run(venv, null, 120).stderr;
        assertTrue(second.contains("t2j: [3/4] Jupyter: reusing the project's Python environment " + venv), second);
        assertFalse(second.contains("creating"), second);
    }

    private static boolean pythonIn(Path venv, String statement) throws Exception {
        Process p = new ProcessBuilder(venv.resolve("bin/python").toString(), "-c", statement)
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private record Result(int exitCode, String stderr) {}

    private Result setup(Path venv, String index) throws Exception {
        return run(venv, index, 300);
    }

    /** Runs the set-up; {@code index} null leaves pip its own configuration (index, mirrors). */
    private Result run(Path venv, String index, int seconds) throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder("bash", JupyterFixture.script("lab").toString(), "--setup-only");
        builder.directory(JupyterFixture.REPO.toFile());
        Map<String, String> env = builder.environment();
        env.putAll(JupyterFixture.scriptEnv(dir.resolve("jupyter")));
        env.put("T2J_VENV", venv.toString());
        if (index != null) {
            // Only this index: no pip.conf mirror or wheel directory may rescue the install.
            env.keySet().removeIf(k -> k.startsWith("PIP_"));
            env.put("PIP_CONFIG_FILE", "/dev/null");
            env.put("T2J_PYPI_INDEX", index);
        }
        Path stderr = dir.resolve("stderr.txt");
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile());
        Process process = builder.start();
        assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "./t2j lab --setup-only hung");
        Result result = new Result(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
        assertEquals(0, result.exitCode, () -> String.join("\n", List.of("exit " + result.exitCode, result.stderr)));
        return result;
    }
}
