package t2j.util;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * Keeps a long training loop from holding garbage off-heap. Activations and gradients live in direct buffers, which
 * the JVM frees only when a garbage collection finds them unreachable; a loop that allocates little on the heap rarely
 * triggers one, and with the launcher's large {@code -XX:MaxDirectMemorySize} (sized for real checkpoints) a
 * pretraining run's dead buffers grew to 17 GB of resident memory on a 24 GB machine before anything collected them.
 * Calling {@link #reclaimAbove} once per step bounds that at the threshold, at the cost of an occasional young
 * collection of a small heap.
 *
 * <pre>{@code
 * long baseline = DirectMemory.used();
 * for (int step = 1; step <= steps; step++) { ...; DirectMemory.reclaimAbove(baseline, DirectMemory.TRAINING_SLACK); }
 * }</pre>
 */
public final class DirectMemory {
    /** Direct memory a training loop may hold beyond what it had at the start before a collection is asked for. */
    public static final long TRAINING_SLACK = 1L << 30;

    private static final BufferPoolMXBean DIRECT = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(b -> b.getName().equals("direct"))
            .findFirst()
            .orElse(null);

    private DirectMemory() {}

    /** Bytes of direct buffers allocated and not yet freed. */
    public static long used() {
        return DIRECT == null ? 0 : DIRECT.getMemoryUsed();
    }

    /**
     * Collects, then waits (up to half a second) for the freed buffers' memory to be handed back, as the JDK's direct
     * allocator does before it gives up; for a caller about to refuse work for lack of direct memory.
     */
    public static void collect() {
        long before = used();
        System.gc();
        long last = before;
        for (int i = 0; i < 50; i++) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = used();
            if (now < before && now == last) return; // the cleaner freed buffers and has settled
            last = now;
        }
    }

    /**
     * Asks for a collection when more than {@code bytes} of direct memory are held above {@code baseline} (what the
     * caller's live tensors took when it started); returns whether it did.
     */
    public static boolean reclaimAbove(long baseline, long bytes) {
        if (used() - baseline <= bytes) return false;
        System.gc();
        return true;
    }
}
