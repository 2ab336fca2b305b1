package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./t2j lab's first-run set-up (kernel/scripts/lab --setup-only): fallback without a package index, and reuse. */
class LabSetupTest {
    /** Port 9 (discard) refuses connections: an index that cannot be reached. */
    private static final String NO_INDEX = "http://127.0.0.1:9/simple";

    @TempDir
    Path dir;

    @Test
    void withoutThePackageIndexItFallsBackToTheSystemJupyterAndSaysEachStep() throws Exception {
        JupyterFixture.assumeNotebookServer();
        Path venv = dir.resolve("venv");
        for (int run = 1; run <= 2; run++) {
            String err = setup(venv).stderr;
            assertTrue(err.contains("t2j: [1/4] Java: "), err);
            assertTrue(err.contains("t2j: [2/4] kernel: ready"), err);
            assertTrue(err.contains("t2j: [3/4] Jupyter: no project environment (the package index " + NO_INDEX
                    + " is unreachable"), err);
            assertTrue(err.contains("; using /usr/bin/jupyter"), err);
            assertTrue(err.contains("t2j: [4/4] kernelspec \"t2j\" installed in " + dir.resolve("jupyter")), err);
            assertTrue(Files.isRegularFile(dir.resolve("jupyter/share/jupyter/kernels/t2j/kernel.json")), err);
            assertFalse(Files.exists(venv), "run " + run + " must not leave a half-made environment");
        }
    }

    @Test
    void aSecondRunReusesTheProjectEnvironmentWithoutAskingTheIndex() throws Exception {
        // What the first run leaves where the index is reachable: an environment whose jupyter has Lab.
        Path bin = Files.createDirectories(dir.resolve("venv/bin"));
        Path jupyter = bin.resolve("jupyter");
        Files.writeString(jupyter, "#!/bin/sh\n[ \"$1 $2\" = \"lab --version\" ] && echo 4.2.5 && exit 0\nexit 1\n");
        Files.setPosixFilePermissions(jupyter, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result result = setup(dir.resolve("venv"));
        assertEquals(0, result.exitCode, result.stderr);
        assertTrue(result.stderr.contains("t2j: [3/4] Jupyter: reusing the project's Python environment "
                + dir.resolve("venv") + " (JupyterLab 4.2.5)"), result.stderr);
        assertFalse(result.stderr.contains("unreachable"), "the index is not consulted: " + result.stderr);
        assertTrue(result.stderr.contains("t2j: [4/4]"), result.stderr);
    }

    private record Result(int exitCode, String stderr) {
    }

    private Result setup(Path venv) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", JupyterFixture.script("lab").toString(), "--setup-only");
        builder.directory(JupyterFixture.REPO.toFile());
        Map<String, String> env = builder.environment();
        env.putAll(JupyterFixture.scriptEnv(dir.resolve("jupyter")));
        env.put("T2J_VENV", venv.toString());
        env.put("T2J_PYPI_INDEX", NO_INDEX);
        Path stderr = dir.resolve("stderr.txt");
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile());
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "./t2j lab --setup-only hung");
        Result result = new Result(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
        assertEquals(0, result.exitCode, () -> String.join("\n", List.of("exit " + result.exitCode, result.stderr)));
        return result;
    }
}
