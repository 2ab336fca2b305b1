package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Guards the preload list against packages that were renamed or removed. */
class PreloadTest {
    private JShell shell;

    @BeforeEach
    void start() {
        shell = JShell.builder()
                .executionEngine(new InProcessExecutionControl(0, 200, Optional.empty()).provider(), Map.of())
                .build();
    }

    @AfterEach
    void close() {
        shell.close();
    }

    @Test
    void everyPreloadedImportResolvesAndTheDslNeedsNoQualifier() {
        assertEquals(List.of(), Preload.importInto(shell, Preload.IMPORTS));
        assertEquals(
                Snippet.Status.VALID,
                shell.eval("Renderable nothing = null;").get(0).status());
    }

    @Test
    void aMissingPackageIsReported() {
        assertEquals(
                List.of("import no.such.pkg.*;"),
                Preload.importInto(shell, List.of("import java.util.*;", "import no.such.pkg.*;")));
    }
}
