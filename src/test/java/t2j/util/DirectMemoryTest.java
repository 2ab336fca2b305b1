package t2j.util;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Dead direct buffers are handed back once a loop holds more than its slack, and only then. */
class DirectMemoryTest {
    @Test
    void reclaimsDeadDirectBuffersAboveTheSlack() throws Exception {
        // Garbage of earlier tests in this JVM would be freed in the middle of the measurement: free it first.
        DirectMemory.collect();
        long baseline = DirectMemory.used();
        assertFalse(DirectMemory.reclaimAbove(baseline, 64L << 20), "nothing held yet");
        for (int i = 0; i < 16; i++) ByteBuffer.allocateDirect(8 << 20); // 128 MiB, unreachable at once
        long held = DirectMemory.used() - baseline;
        assertTrue(held >= 100L << 20, "the dead buffers are still counted until a collection: " + held);
        assertTrue(DirectMemory.reclaimAbove(baseline, 64L << 20));
        // The cleaner frees them right after the collection, on its own thread.
        long after = Long.MAX_VALUE;
        for (int i = 0; i < 100 && after > 64L << 20; i++) {
            Thread.sleep(20);
            after = DirectMemory.used() - baseline;
        }
        assertTrue(after < 64L << 20, "held after reclaiming: " + after);
    }

    @Test
    void collectHandsDeadBuffersBackBeforeReturning() {
        DirectMemory.collect();
        long baseline = DirectMemory.used();
        for (int i = 0; i < 8; i++) ByteBuffer.allocateDirect(8 << 20); // 64 MiB, unreachable at once
        DirectMemory.collect();
        long held = DirectMemory.used() - baseline;
        assertTrue(held < 32L << 20, "held after collect: " + held);
    }
}
