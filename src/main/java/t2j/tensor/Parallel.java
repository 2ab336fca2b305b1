package t2j.tensor;

import java.lang.reflect.Constructor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.presets.openblas_nolapack;

/**
 * Splits the engine's loops over the machine's cores: {@code [0, n)} cut into one contiguous range per thread, the
 * caller running the first. The ranges depend only on {@code n} and the thread count, never on timing, and callers
 * split only work whose results do not depend on the split (rows, heads, batch rows, element ranges; reductions
 * by column rather than by row), so a split computes the same bits as one thread.
 *
 * <p>Inside a split, OpenBLAS runs single-threaded: its threaded path on the small per-head products of attention
 * costs 3× a single thread when the machine is idle and 20–100× when another process holds the other core (it
 * spin-waits for a helper thread), and two callers would contend for its one server. Its single- and multi-threaded
 * kernels agree bit for bit only while a product's reduction fits one K block, so callers split only such products
 * (see {@code t2j.model.Ops.MAX_SPLIT_REDUCTION}).
 *
 * <p>One small pool of daemon threads, sized by {@code availableProcessors()} (or {@code -Dt2j.threads=N}), and no
 * work stealing: a nested split, or one from another thread while a split runs, runs on its caller alone.
 */
public final class Parallel {
    private static final int CORES =
            Math.max(1, Integer.getInteger("t2j.threads", Runtime.getRuntime().availableProcessors()));
    private static final int MAX_THREADS = Math.max(2, CORES);
    // Threads start on first use; a one-core machine still gets one, so tests can compare splits with one thread.
    private static final ExecutorService POOL = Executors.newFixedThreadPool(MAX_THREADS - 1, r -> {
        Thread t = new Thread(r, "t2j-parallel");
        t.setDaemon(true);
        return t;
    });
    private static final AtomicInteger BUSY = new AtomicInteger();
    private static final openblas_nolapack.SetNumThreads BLAS_THREADS = blasFunction("openblas_set_num_threads");
    /**
     * OpenBLAS's {@code blas_thread_shutdown_(void)} (what it calls before a fork), or null where the library lacks it.
     * Called through the {@code void(int)} pointer type the presets provide: on x86-64 and AArch64 the int travels
     * in a register the function never reads.
     */
    private static final openblas_nolapack.SetNumThreads BLAS_SHUTDOWN =
            Loader.addressof("blas_thread_shutdown_") == null ? null : blasFunction("blas_thread_shutdown_");

    private static volatile int threads = CORES;
    /** Set while this thread runs {@link #onCaller}: its splits run on it alone. */
    private static final ThreadLocal<Boolean> CALLER_ONLY = ThreadLocal.withInitial(() -> false);

    private Parallel() {}

    /** Work on the range {@code [lo, hi)}, the {@code part}-th of the split (for per-part scratch memory). */
    @FunctionalInterface
    public interface Range {
        void run(int lo, int hi, int part);
    }

    /** Most threads a split can ever use: the parts' scratch memory is sized for it. */
    public static int maxThreads() {
        return MAX_THREADS;
    }

    /** Threads a split uses (at most the pool's size plus the caller). */
    public static int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} cut into {@code min(threads, n / minPerPart)} contiguous parts (at least
     * one), part {@code p} covering {@code [n·p/parts, n·(p+1)/parts)}. Returns when every part is done; the first
     * failure is rethrown.
     */
    public static void forRange(int n, int minPerPart, Range body) {
        int parts = Math.max(1, Math.min(threads, n / Math.max(1, minPerPart)));
        if (parts == 1 || CALLER_ONLY.get() || !BUSY.compareAndSet(0, 1)) {
            if (n > 0) body.run(0, n, 0);
            return;
        }
        BLAS_THREADS.call(1);
        try {
            Future<?>[] others = new Future<?>[parts - 1];
            for (int p = 1; p < parts; p++) {
                int part = p;
                others[p - 1] = POOL.submit(() -> body.run(bound(n, part, parts), bound(n, part + 1, parts), part));
            }
            Throwable failure = null;
            try {
                body.run(0, bound(n, 1, parts), 0);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            // Every part must be finished before the buffers it writes are handed back, so an interrupt is kept for
            // the caller's next check rather than obeyed here.
            rethrow(joinAll(others, failure));
        } finally {
            BLAS_THREADS.call(0); // below 1: OpenBLAS's own count again (OPENBLAS_NUM_THREADS or the cores)
            BUSY.set(0);
        }
    }

    /**
     * Runs {@code body(0) … body(parts-1)}, each part whole on one thread, the threads taking parts in turn; returns
     * when all are done, rethrowing the first failure. For independent pieces of work that each write their own
     * results (a batch's row groups): the caller fixes {@code parts}, so the results are the same on any machine.
     *
     * <p>OpenBLAS runs single-threaded throughout, even when one thread runs every part (a nested call, or a
     * one-core machine), because its single- and multi-threaded kernels may round a long reduction differently.
     * Splits inside a part run on its thread alone.
     */
    public static void forEachPart(int parts, IntConsumer body) {
        if (parts <= 0) return;
        boolean owner = BUSY.compareAndSet(0, 1);
        if (owner) {
            BLAS_THREADS.call(1);
            // After a threaded product OpenBLAS's helper spins for ~0.1 s (measured: 100-120 ms of CPU), taking a
            // core from the parts; shutting its helpers down stops that at once (~0.1 ms), and its next threaded
            // product starts them again.
            if (BLAS_SHUTDOWN != null) BLAS_SHUTDOWN.call(0);
        }
        try {
            int workers = owner ? Math.min(threads, parts) : 1;
            AtomicInteger next = new AtomicInteger();
            Runnable work = () -> {
                for (int p; (p = next.getAndIncrement()) < parts; ) body.accept(p);
            };
            Future<?>[] others = new Future<?>[workers - 1];
            for (int t = 0; t < others.length; t++) others[t] = POOL.submit(work);
            Throwable failure = null;
            try {
                work.run();
            } catch (RuntimeException | Error e) {
                failure = e;
                next.set(parts); // the other threads stop after their current part
            }
            rethrow(joinAll(others, failure));
        } finally {
            if (owner) {
                BLAS_THREADS.call(0);
                BUSY.set(0);
            }
        }
    }

    /** Waits for every future, keeping an interrupt for the caller's next check; returns the first failure. */
    private static Throwable joinAll(Future<?>[] others, Throwable failure) {
        boolean interrupted = false;
        for (Future<?> f : others) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    if (failure == null) failure = e.getCause();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        return failure;
    }

    private static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error e) throw e;
        if (failure != null) throw new IllegalStateException(failure);
    }

    /**
     * An OpenBLAS function taking an int, looked up once. The presets' {@code blas_set_num_threads} looks up four
     * symbols and wraps a new function pointer on every call: 2 ms measured, more than a prefill's attention.
     */
    private static openblas_nolapack.SetNumThreads blasFunction(String name) {
        Loader.load(openblas.class);
        Pointer symbol = Loader.addressof(name);
        if (symbol == null) throw new IllegalStateException("the loaded OpenBLAS has no " + name);
        try {
            // Its no-argument constructor, the one that allocates the pointer, is protected; the presets call it too.
            Constructor<openblas_nolapack.SetNumThreads> c =
                    openblas_nolapack.SetNumThreads.class.getDeclaredConstructor();
            c.setAccessible(true);
            return c.newInstance().put(symbol);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot bind " + name, e);
        }
    }

    private static int bound(int n, int part, int parts) {
        return (int) ((long) n * part / parts);
    }

    /**
     * Runs {@code body} with every {@link #forRange} split it makes run on this thread alone, OpenBLAS keeping its own
     * threads: for work whose products are large enough for OpenBLAS to use both cores and whose loops between them
     * are small. There a split of those loops loses: after each threaded product OpenBLAS's helper spins on the
     * second core for about 0.1 s, and a Java thread given the same core competes with it (the forward bench's
     * prefill, measured: 11.6-15.2k tokens/s with the loops split, 15.5-15.7k with them on the caller). The body
     * computes what it computes on a one-core machine, where every split is one part: the same bits as a split for
     * the products this class allows to be split (see the class comment).
     */
    public static <T> T onCaller(Supplier<T> body) {
        boolean before = CALLER_ONLY.get();
        CALLER_ONLY.set(true);
        try {
            return body.get();
        } finally {
            CALLER_ONLY.set(before);
        }
    }

    /** Runs {@code body} with splits of at most {@code count} threads: for checks that a split changes no result. */
    public static <T> T withThreads(int count, Supplier<T> body) {
        if (count < 1 || count > MAX_THREADS)
            throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], got " + count);
        int before = threads;
        threads = count;
        try {
            return body.get();
        } finally {
            threads = before;
        }
    }
}
