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

    @Test
    void forEachPartRunsEveryPartOnceWithSingleThreadedBlasOnAnyThreadCount() {
        for (int threads : new int[] {1, 2}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(5), blas = new AtomicIntegerArray(5);
            Set<String> names = ConcurrentHashMap.newKeySet();
            // With two threads the first two parts must run at the same time on different threads: each waits
            // (at most a few seconds) for the other to arrive.
            java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(threads);
            Parallel.withThreads(threads, () -> {
                Parallel.forEachPart(5, p -> {
                    both.countDown();
                    try {
                        both.await(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    runs.incrementAndGet(p);
                    blas.set(p, org.bytedeco.openblas.global.openblas_full.openblas_get_num_threads());
                    names.add(Thread.currentThread().getName());
                });
                return null;
            });
            for (int p = 0; p < 5; p++) {
                assertEquals(1, runs.get(p), "part " + p + " with " + threads + " thread(s)");
                assertEquals(1, blas.get(p), "OpenBLAS threads inside part " + p + " with " + threads + " thread(s)");
            }
            assertEquals(threads, names.size(), "threads that ran the parts: " + names);
        }
        assertTrue(
                org.bytedeco.openblas.global.openblas_full.openblas_get_num_threads() >= 1,
                "OpenBLAS's own thread count is back after the parts");
    }

    @Test
    void aFailingGroupFailsForEachPartAndThePoolIsFreeAfterwards() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Parallel.withThreads(2, () -> {
                    Parallel.forEachPart(4, p -> {
                        if (p == 2) throw new IllegalArgumentException("group 2 failed");
                    });
                    return null;
                }));
        assertEquals("group 2 failed", e.getMessage());
        AtomicIntegerArray done = new AtomicIntegerArray(2);
        Parallel.withThreads(2, () -> {
            Parallel.forRange(2, 1, (lo, hi, part) -> done.set(part, 1));
            return null;
        });
        assertEquals(1, done.get(1));
    }

    @Test
    void onCallerRunsEverySplitInsideItOnTheCallerAndOnlyThere() {
        Set<Thread> inside = ConcurrentHashMap.newKeySet(), after = ConcurrentHashMap.newKeySet();
        int[] parts = new int[1];
        Parallel.withThreads(2, () -> {
            Parallel.onCaller(() -> {
                Parallel.forRange(1000, 1, (lo, hi, part) -> {
                    inside.add(Thread.currentThread());
                    parts[0]++;
                    assertEquals(0, lo);
                    assertEquals(1000, hi);
                });
                return null;
            });
            Parallel.forRange(1000, 1, (lo, hi, part) -> after.add(Thread.currentThread()));
            return null;
        });
        assertEquals(Set.of(Thread.currentThread()), inside);
        assertEquals(1, parts[0], "one part, the whole range");
        assertEquals(2, after.size(), "splits use the pool again after onCaller returns");
    }
}
