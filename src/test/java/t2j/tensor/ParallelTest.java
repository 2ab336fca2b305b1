package t2j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void everyIndexRunsOnceInContiguousPartsThatDependOnlyOnTheCount() {
        int threads = Parallel.maxThreads();
        for (int n : new int[] {0, 1, 2, 7, 1000}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(1, n));
            int[][] ranges = new int[threads][];
            Parallel.withThreads(threads, () -> {
                Parallel.forRange(n, 1, (lo, hi, part) -> {
                    ranges[part] = new int[] {lo, hi};
                    for (int i = lo; i < hi; i++) seen.incrementAndGet(i);
                });
                return null;
            });
            for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "n=" + n + ", index " + i);
            int parts = Math.max(1, Math.min(threads, n));
            for (int p = 0; p < parts && n > 0; p++)
                assertArrayEquals(new int[] {n * p / parts, n * (p + 1) / parts}, ranges[p], "n=" + n + ", part " + p);
        }
    }

    @Test
    void smallWorkStaysOnTheCallersThread() {
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        Parallel.withThreads(Parallel.maxThreads(), () -> {
            Parallel.forRange(100, 64, (lo, hi, part) -> ran.add(Thread.currentThread()));
            return null;
        });
        assertEquals(Set.of(Thread.currentThread()), ran);
    }

    @Test
    void aNestedSplitRunsOnItsCallerAndTheOuterOneUsesThePool() {
        Set<String> outer = ConcurrentHashMap.newKeySet(), inner = ConcurrentHashMap.newKeySet();
        Parallel.withThreads(2, () -> {
            Parallel.forRange(2, 1, (lo, hi, part) -> {
                outer.add(Thread.currentThread().getName());
                Thread me = Thread.currentThread();
                Parallel.forRange(100, 1, (a, b, p) -> {
                    if (Thread.currentThread() != me || a != 0 || b != 100) inner.add("split");
                });
            });
            return null;
        });
        assertEquals(2, outer.size(), "the two parts ran on two threads: " + outer);
        assertTrue(inner.isEmpty(), "a nested split was handed to other threads");
    }

    @Test
    void aFailingPartFailsTheCallAfterAllPartsFinish() {
        AtomicIntegerArray done = new AtomicIntegerArray(2);
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> Parallel.withThreads(2, () -> {
                    Parallel.forRange(2, 1, (lo, hi, part) -> {
                        if (part == 1) throw new IllegalStateException("part 1 failed");
                        done.set(part, 1);
                    });
                    return null;
                }));
        assertEquals("part 1 failed", e.getMessage());
        assertEquals(1, done.get(0));
        // The pool is free again: the next split runs normally.
        Parallel.withThreads(2, () -> {
            Parallel.forRange(2, 1, (lo, hi, part) -> done.set(part, 2));
            return null;
        });
        assertEquals(2, done.get(0));
        assertEquals(2, done.get(1));
    }
}
