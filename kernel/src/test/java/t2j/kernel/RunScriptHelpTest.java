package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code ./t2j run --help} answers before looking for Jupyter, with the user's options and their defaults only. */
class RunScriptHelpTest {
    @Test
    void helpAnywhereOnTheLineShowsOnlyUserOptionsWithDefaults() throws Exception {
        for (List<String> args : List.of(List.of("--help"), List.of("notebooks/00-tour.ipynb", "-h"))) {
            ProcessBuilder builder =
                    new ProcessBuilder("bash", JupyterFixture.script("run").toString());
            builder.command().addAll(args);
            // No Jupyter on the path: help must not need it.
            builder.environment().put("PATH", "/usr/bin:/bin");
            builder.directory(JupyterFixture.REPO.toFile()).redirectErrorStream(true);
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "help hung");
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.startsWith("usage: ./t2j run NOTEBOOK"), out);
            assertTrue(out.contains("--output") && out.contains("default: out/run/NAME.ipynb"), out);
            assertTrue(out.contains("--timeout") && out.contains("default: no limit"), out);
            assertFalse(out.contains("--kernel"), "the launcher's own option is not the user's: " + out);
        }
    }
}
