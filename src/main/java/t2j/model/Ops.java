package t2j.model;

import java.nio.FloatBuffer;
import t2j.tensor.Elementwise;
import t2j.tensor.Matrix;
import t2j.tensor.Parallel;

/**
 * The element-wise pieces of the decoder, shared by inference ({@link Transformer}) and training ({@link Backprop}).
 * Rows are independent, so they are split across threads ({@link Parallel}) with every row computed as by one thread.
 */
final class Ops {
    /** Fewest floats a thread's share of an element-wise loop should hold: below it the hand-off costs more. */
    static final int MIN_FLOATS_PER_THREAD = 16_384;

    /**
     * Longest reduction a product may have to be split over threads. Inside a split OpenBLAS runs single-threaded, and
     * its single- and multi-threaded kernels cut a reduction longer than one K block (256 floats or more, by CPU)
     * into different pieces: a 400-token prompt's P·V product differed in the last bits (measured on Cooper Lake).
     * Attention whose products reduce over no more than this runs split, with the bits of one thread; longer runs
     * head by head on OpenBLAS's threads, as before the split.
     */
    static final int MAX_SPLIT_REDUCTION = 256;

    private Ops() {}

    /** Whether attention over {@code keys} slots with heads of {@code headDim} may be split (see above). */
    static boolean splitsExactly(int keys, int headDim) {
        return keys <= MAX_SPLIT_REDUCTION && headDim <= MAX_SPLIT_REDUCTION;
    }

    /** Rows per thread so that each share holds at least {@link #MIN_FLOATS_PER_THREAD} floats of width {@code d}. */
    static int minRows(int d) {
        return Math.max(1, MIN_FLOATS_PER_THREAD / Math.max(1, d));
    }

    /** {@code out = x / sqrt(mean(x²) + eps) · weight} for {@code n} rows of width {@code d}; returns nothing, stores 1/rms per row in {@code invRms} when given. */
    static void rmsNorm(FloatBuffer x, FloatBuffer out, int n, int d, Matrix weight, float eps, float[] invRms) {
        FloatBuffer w = weight.blockOf(0);
        Parallel.forRange(n, minRows(d), (lo, hi, part) -> Elementwise.rmsNormRows(x, w, eps, out, lo, hi, d, invRms));
    }

    /** Softmax over {@code row[lo..hi]} of a row at {@code off} of length {@code len}; every other entry becomes 0. */
    static void softmaxRange(FloatBuffer s, int off, int len, int lo, int hi) {
        Elementwise.zero(s, off, lo);
        Elementwise.softmax(s, off + lo, hi - lo + 1);
        Elementwise.zero(s, off + hi + 1, len - hi - 1);
    }

    /** {@code act = silu(gate) · up}, with gate and up side by side in each row of {@code gu}. */
    static void swiglu(FloatBuffer gu, FloatBuffer act, int n, int ff) {
        swiglu(gu, act, n, ff, null);
    }

    /** As above, keeping {@code exp(-gate)} in {@code expNeg} when given: the backward pass needs it again. */
    static void swiglu(FloatBuffer gu, FloatBuffer act, int n, int ff, FloatBuffer expNeg) {
        Parallel.forRange(n, minRows(2 * ff), (lo, hi, part) -> swigluRows(gu, act, lo, hi, ff, expNeg));
    }

    private static void swigluRows(FloatBuffer gu, FloatBuffer act, int lo, int hi, int ff, FloatBuffer expNeg) {
        for (int r = lo; r < hi; r++)
            Elementwise.swiglu(gu, r * 2 * ff, r * 2 * ff + ff, act, r * ff, expNeg, r * ff, ff);
    }

    /** First key slot a query in slot {@code q} may attend to: real tokens of its row inside the sliding window. */
    static int firstVisible(int q, int pad, int window) {
        if (q < pad) return q; // a padding query attends to itself only; its output is never read
        return Math.max(pad, window > 0 ? q - window + 1 : 0);
    }
}
