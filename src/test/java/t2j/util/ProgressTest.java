package t2j.util;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** A long loop stops when its thread is interrupted, naming what was stopped. */
class ProgressTest {
    @Test
    void anInterruptedThreadStopsALongLoopNamingIt() {
        Progress.checkInterrupted("search");
        Thread.currentThread().interrupt();
        try {
            CancellationException e =
                    assertThrows(CancellationException.class, () -> Progress.checkInterrupted("search"));
            assertTrue(e.getMessage().contains("search interrupted"), e.getMessage());
        } finally {
            Thread.interrupted();
        }
    }
}
