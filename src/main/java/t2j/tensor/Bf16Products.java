package t2j.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Products with bf16 weights, which OpenBLAS 0.3.31 as JavaCPP ships it cannot take (its library is built without
 * {@code BUILD_BFLOAT16}: no {@code sbgemm}/{@code sbgemv} symbol). A decode step (one or two rows) is memory-bound,
 * so it reads the bf16 rows directly, half float32's bytes, split across threads ({@link Bf16BufferKernel} where the
 * JDK lets the Vector API load from a buffer). More rows are compute-bound:
 * panels of W are widened to float32 and handed to {@code sgemm}, so prefill keeps OpenBLAS's speed.
 */
public final class Bf16Products {
    /** Up to this many input rows a product streams W once per row; beyond, widening a panel once pays off. */
    static final int DIRECT_ROWS = 2;
    /** 32 MiB of float32 per panel: thousands of rows, so each sgemm is large enough to run at speed. */
    private static final int PANEL_VALUES = 1 << 23;

    private static final ThreadLocal<ByteBuffer> PANEL = new ThreadLocal<>(), INPUT = new ThreadLocal<>();
    private static final Bf16Kernel KERNEL = loadKernel();
    private static final int THREADS = threads();
    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS);

    private Bf16Products() {}

    /** Which inner loop runs: the Vector API's when the JVM has the module, else plain Java. */
    public static String kernel() {
        return KERNEL.describe() + ", " + THREADS + " thread(s)";
    }

    static Bf16Kernel loadKernel() {
        Bf16Kernel scalar = new Bf16ScalarKernel();
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return scalar;
        // In-place loads first (a JDK 17/18 API), then the heap-copy kernel every JDK since 17 can run.
        for (String name : List.of("t2j.tensor.Bf16BufferKernel", "t2j.tensor.Bf16VectorKernel")) {
            Bf16Kernel k = usable(name, scalar);
            if (k != null) return k;
        }
        return scalar;
    }

    /**
     * The named kernel when it loads and agrees with {@code reference} on rows long enough for its vector loop, with
     * tails and unaligned starts; else null. A JDK whose Vector API differs fails here rather than in a forward pass.
     */
    static Bf16Kernel usable(String className, Bf16Kernel reference) {
        try {
            Bf16Kernel v = (Bf16Kernel)
                    Class.forName(className).getDeclaredConstructor().newInstance();
            int rows = 3, cols = 517;
            ByteBuffer w = ByteBuffer.allocateDirect(2 * rows * cols).order(ByteOrder.nativeOrder());
            float[] x = new float[cols], a = new float[rows], b = new float[rows];
            for (int i = 0; i < rows * cols; i++) w.putShort(2 * i, Bf16.round((i % 29) * 0.25f - 3));
            for (int i = 0; i < cols; i++) x[i] = i % 5 - 2;
            v.dotRows(w, 0, rows, cols, v.arrange(x), a, 0);
            reference.dotRows(w, 0, rows, cols, reference.arrange(x), b, 0);
            for (int j = 0; j < rows; j++) if (Math.abs(a[j] - b[j]) > 1e-3f * (1 + Math.abs(b[j]))) return null;
            return v;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException unusable) {
            return null;
        }
    }

    private static int threads() {
        String env = System.getenv("OPENBLAS_NUM_THREADS");
        try {
            if (env != null && Integer.parseInt(env.trim()) > 0) return Integer.parseInt(env.trim());
        } catch (NumberFormatException ignored) {
            // an unparsable setting means OpenBLAS's default too: all processors
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * {@code Y[n×w.rows] = X[n×w.cols]·Wᵀ} (+ Y when {@code accumulate}) for a bf16 {@code w}; see {@link Blas#linear}.
     * Beyond {@link #DIRECT_ROWS}, panels of W are widened with their columns in the kernel's order ({@link
     * Bf16Kernel#arrange}) and X's rows are arranged to match: the dot products are the same sums, and the widening
     * needs no lane shuffles.
     */
    public static void linear(
            int n, FloatBuffer x, int xOff, int ldx, Matrix w, FloatBuffer y, int yOff, int ldy, boolean accumulate) {
        if (n <= DIRECT_ROWS) {
            for (int i = 0; i < n; i++) gemv(x, xOff + i * ldx, w, y, yOff + i * ldy, accumulate);
            return;
        }
        int cols = w.cols();
        FloatBuffer xs = scratch(INPUT, (long) n * cols).asFloatBuffer();
        float[] row = new float[cols];
        for (int i = 0; i < n; i++) {
            x.get(xOff + i * ldx, row);
            xs.put(i * cols, KERNEL.arrange(row));
        }
        int panelRows = Math.max(1, Math.min(w.rows(), PANEL_VALUES / cols));
        ByteBuffer panel = scratch(PANEL, (long) panelRows * cols);
        FloatBuffer panelFloats = panel.asFloatBuffer();
        for (int first = 0; first < w.rows(); first += panelRows) {
            int count = Math.min(panelRows, w.rows() - first);
            widenRows(w, first, count, panel, true);
            Blas.gemm(
                    true,
                    n,
                    count,
                    cols,
                    1f,
                    xs,
                    0,
                    cols,
                    panelFloats,
                    0,
                    cols,
                    accumulate ? 1f : 0f,
                    y,
                    yOff + first,
                    ldy);
        }
    }

    /** {@code OUT[n×w.cols] = G[n×w.rows]·W + beta·OUT}: a linear layer's input gradient with bf16 weights. */
    public static void linearBackward(
            int n, FloatBuffer g, int gOff, int ldg, Matrix w, FloatBuffer out, int outOff, int ldo, float beta) {
        int cols = w.cols();
        int panelRows = Math.max(1, Math.min(w.rows(), PANEL_VALUES / cols));
        ByteBuffer panel = scratch(PANEL, (long) panelRows * cols);
        FloatBuffer panelFloats = panel.asFloatBuffer();
        for (int first = 0; first < w.rows(); first += panelRows) {
            int count = Math.min(panelRows, w.rows() - first);
            widenRows(w, first, count, panel, false);
            Blas.gemm(
                    false,
                    false,
                    n,
                    cols,
                    count,
                    1f,
                    g,
                    gOff + first,
                    ldg,
                    panelFloats,
                    0,
                    cols,
                    first == 0 ? beta : 1f,
                    out,
                    outOff,
                    ldo);
        }
    }

    /** This thread's buffer of {@code floats} float32 values, grown when needed: reused across a prefill's products. */
    private static ByteBuffer scratch(ThreadLocal<ByteBuffer> which, long floats) {
        ByteBuffer b = which.get();
        if (b == null || b.capacity() < 4 * floats) {
            b = ByteBuffer.allocateDirect(Math.toIntExact(4 * floats)).order(ByteOrder.nativeOrder());
            which.set(b);
        }
        return b;
    }

    /**
     * One row: {@code y = W·x}. The caller and {@code THREADS-1} helpers take blocks of rows in turn, so a core that a
     * neighbour slows down does fewer blocks instead of the others waiting for its fixed share.
     */
    private static void gemv(FloatBuffer x, int xOff, Matrix w, FloatBuffer y, int yOff, boolean accumulate) {
        int rows = w.rows(), cols = w.cols();
        float[] xs = new float[cols];
        x.get(xOff, xs);
        float[] arranged = KERNEL.arrange(xs);
        float[] ys = new float[rows];
        // At least 64 KiB of weights per block, so a small product stays on the calling thread.
        int block = Math.max(Math.max(1, (1 << 15) / cols), (rows + 8 * THREADS - 1) / (8 * THREADS));
        int blocks = (rows + block - 1) / block;
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            for (int b; (b = next.getAndIncrement()) < blocks; )
                dotRange(w, b * block, Math.min(rows, (b + 1) * block), arranged, ys);
        };
        ForkJoinTask<?>[] helpers = new ForkJoinTask<?>[Math.min(THREADS, blocks) - 1];
        for (int t = 0; t < helpers.length; t++) helpers[t] = POOL.submit(work);
        work.run();
        for (ForkJoinTask<?> t : helpers) t.join();
        if (accumulate) for (int i = 0; i < rows; i++) y.put(yOff + i, y.get(yOff + i) + ys[i]);
        else y.put(yOff, ys);
    }

    /** Rows {@code [from, to)} of W·x, block by block. */
    private static void dotRange(Matrix w, int from, int to, float[] x, float[] y) {
        for (int r = from; r < to; ) {
            int inBlock = Math.min(to - r, w.valuesInBlockFrom((long) r * w.cols()) / w.cols());
            KERNEL.dotRows(w.halvesOf(r), 2 * w.offsetInBlock(r), inBlock, w.cols(), x, y, r);
            r += inBlock;
        }
    }

    /**
     * Rows {@code [first, first+count)} of W as float32 into {@code panel}, split across the threads: columns in the
     * kernel's order when {@code arranged}, else in W's.
     */
    private static void widenRows(Matrix w, int first, int count, ByteBuffer panel, boolean arranged) {
        int cols = w.cols();
        int chunks = count >= 16 * THREADS ? THREADS : 1;
        List<ForkJoinTask<?>> tasks = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
            int from = first + (int) ((long) count * c / chunks), to = first + (int) ((long) count * (c + 1) / chunks);
            Runnable part = () -> {
                FloatBuffer floats = panel.asFloatBuffer();
                float[] buf = arranged ? null : new float[cols];
                for (int r = from; r < to; r++) {
                    int at = 2 * w.offsetInBlock(r), row = (r - first) * cols;
                    if (arranged) KERNEL.widenArranged(w.halvesOf(r), at, cols, panel, 4 * row);
                    else {
                        KERNEL.widen(w.halvesOf(r), at, cols, buf, 0);
                        floats.put(row, buf);
                    }
                }
            };
            if (chunks == 1) part.run();
            else tasks.add(POOL.submit(part));
        }
        for (ForkJoinTask<?> t : tasks) t.join();
    }
}
