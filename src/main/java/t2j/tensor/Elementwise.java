package t2j.tensor;

import java.nio.FloatBuffer;

/**
 * The decoder's element-wise operations on direct buffers: a row is copied into a per-thread heap array in bulk (a
 * memcpy that stays in L1), computed there by an {@link ElementwiseKernel}, and copied back. With the Vector API the
 * kernel runs whole vectors and {@code exp} is a SIMD routine; without it, plain Java. Both training and inference call
 * these, so the two compute the same bits.
 */
public final class Elementwise {
    static final ElementwiseKernel KERNEL = loadKernel();
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[6][0]);
    /** The scratch slot {@link Attention} keeps its transposed keys in; no other loop writes it. */
    static final int KEYS_SLOT = 5;

    private static final float[] ZEROS = new float[4096];
    /** Floats a long range is copied to the heap in at a time: big enough to amortise a call, small enough for L1/L2. */
    private static final int CHUNK = 4096;

    private Elementwise() {}

    /** Which kernel runs: the Vector API's when the JVM has the module, else plain Java. */
    public static String kernel() {
        return KERNEL.describe();
    }

    static ElementwiseKernel loadKernel() {
        ElementwiseKernel scalar = new ElementwiseScalarKernel();
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return scalar;
        try {
            ElementwiseKernel v = (ElementwiseKernel) Class.forName("t2j.tensor.ElementwiseVectorKernel")
                    .getDeclaredConstructor()
                    .newInstance();
            // A JDK whose Vector API differs fails here rather than in a model's forward pass.
            return agree(v, scalar) ? v : scalar;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException unusable) {
            return scalar;
        }
    }

    /** Whether {@code v} computes what {@code scalar} does on a small case, to float rounding. */
    static boolean agree(ElementwiseKernel v, ElementwiseKernel scalar) {
        int n = 37;
        float[] a = new float[4 * v.padded(n)], b = new float[4 * n];
        for (int i = 0; i < n; i++) {
            a[i] = b[i] = i * 0.37f - 6;
            a[v.padded(n) + i] = b[n + i] = 1.5f - i * 0.1f;
        }
        v.swiglu(a, 0, v.padded(n), 2 * v.padded(n), 3 * v.padded(n), n);
        scalar.swiglu(b, 0, n, 2 * n, 3 * n, n);
        for (int i = 0; i < n; i++)
            if (!close(a[2 * v.padded(n) + i], b[2 * n + i]) || !close(a[3 * v.padded(n) + i], b[3 * n + i]))
                return false;
        float[] s = new float[v.padded(n) + v.padded(1)], t = new float[n + scalar.padded(1)];
        java.util.Arrays.fill(s, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) s[i] = t[i] = (i % 7) * 1.3f - 4;
        v.softmax(s, n);
        scalar.softmax(t, n);
        for (int i = 0; i < n; i++) if (!close(s[i], t[i])) return false;
        return true;
    }

    private static boolean close(float a, float b) {
        return Math.abs(a - b) <= 1e-5f * (1 + Math.abs(b));
    }

    /** This thread's scratch array {@code slot}, at least {@code n} floats. */
    static float[] scratch(int slot, int n) {
        float[][] s = SCRATCH.get();
        if (s[slot].length < n) s[slot] = new float[Math.max(n, 2 * s[slot].length)];
        return s[slot];
    }

    /**
     * One row of SwiGLU: {@code act[i] = silu(g[i]) · u[i]} for {@code i < n}, gate at {@code gOff} and up at {@code
     * uOff} of {@code gu}; also {@code expNeg[i] = exp(-g[i])} when {@code expNeg} is not null (the backward pass needs
     * it).
     */
    public static void swiglu(
            FloatBuffer gu, int gOff, int uOff, FloatBuffer act, int aOff, FloatBuffer expNeg, int eOff, int n) {
        int p = KERNEL.padded(n);
        float[] a = scratch(0, 4 * p);
        gu.get(gOff, a, 0, n);
        gu.get(uOff, a, p, n);
        KERNEL.swiglu(a, 0, p, 2 * p, expNeg == null ? -1 : 3 * p, n);
        act.put(aOff, a, 2 * p, n);
        if (expNeg != null) expNeg.put(eOff, a, 3 * p, n);
    }

    /** Softmax in place over {@code s[off..off+n)}. */
    public static void softmax(FloatBuffer s, int off, int n) {
        int p = KERNEL.padded(n);
        float[] a = scratch(0, p + KERNEL.padded(1));
        s.get(off, a, 0, n);
        java.util.Arrays.fill(a, n, p, Float.NEGATIVE_INFINITY);
        KERNEL.softmax(a, n);
        s.put(off, a, 0, n);
    }

    /**
     * RMSNorm of rows {@code [lo, hi)} of width {@code d}: {@code out = x / sqrt(mean(x²) + eps) · w}, storing
     * {@code 1/rms} per row in {@code invRms} when given. Each row's sum of squares runs in order, as a plain loop
     * would; that makes it one chain of dependent adds, so four rows' chains run side by side.
     */
    public static void rmsNormRows(
            FloatBuffer x, FloatBuffer w, float eps, FloatBuffer out, int lo, int hi, int d, float[] invRms) {
        int p = KERNEL.padded(d);
        float[] ws = scratch(1, p), a = scratch(0, p), b = scratch(2, p), c = scratch(3, p), e = scratch(4, p);
        w.get(0, ws, 0, d);
        int r = lo;
        for (; r + 4 <= hi; r += 4) {
            x.get(r * d, a, 0, d);
            x.get((r + 1) * d, b, 0, d);
            x.get((r + 2) * d, c, 0, d);
            x.get((r + 3) * d, e, 0, d);
            float sa = 0, sb = 0, sc = 0, se = 0;
            for (int i = 0; i < d; i++) {
                sa += a[i] * a[i];
                sb += b[i] * b[i];
                sc += c[i] * c[i];
                se += e[i] * e[i];
            }
            normaliseRow(a, sa, ws, eps, out, r, d, invRms);
            normaliseRow(b, sb, ws, eps, out, r + 1, d, invRms);
            normaliseRow(c, sc, ws, eps, out, r + 2, d, invRms);
            normaliseRow(e, se, ws, eps, out, r + 3, d, invRms);
        }
        for (; r < hi; r++) {
            x.get(r * d, a, 0, d);
            float sa = 0;
            for (int i = 0; i < d; i++) sa += a[i] * a[i];
            normaliseRow(a, sa, ws, eps, out, r, d, invRms);
        }
    }

    /** Scales row {@code r} (in {@code xs}, its sum of squares {@code ss}) by its 1/rms and the weights, into out. */
    private static void normaliseRow(
            float[] xs, float ss, float[] ws, float eps, FloatBuffer out, int r, int d, float[] invRms) {
        float inv = (float) (1.0 / Math.sqrt(ss / d + eps));
        KERNEL.scaleByWeight(xs, ws, inv, xs, d); // in place: each element reads only itself
        out.put(r * d, xs, 0, d);
        if (invRms != null) invRms[r] = inv;
    }

    /**
     * Rotates {@code heads} consecutive heads of {@code 2·half} values from {@code off} in place by the angles at
     * {@code cos/sin[base..base+half)}, with {@code sin} times {@code sign} (−1: the transposed rotation).
     */
    public static void rotate(
            FloatBuffer x, int off, int heads, int half, float[] cos, float[] sin, int base, float sign) {
        int n = heads * 2 * half;
        float[] a = scratch(0, n);
        x.get(off, a, 0, n);
        for (int h = 0; h < heads; h++) KERNEL.rotate(a, h * 2 * half, half, cos, sin, base, sign);
        x.put(off, a, 0, n);
    }

    /**
     * One row of SwiGLU's backward: from the forward's gate and up (at {@code gOff}, {@code uOff} of {@code gu}), its
     * {@code exp(-gate)} and {@code dL/dact}, writes {@code dL/dgate} and {@code dL/dup} to {@code dGu} at {@code
     * dgOff} and {@code duOff}; the bits of the plain loop it replaced.
     */
    public static void swigluBackward(
            FloatBuffer gu,
            int gOff,
            int uOff,
            FloatBuffer expNeg,
            int eOff,
            FloatBuffer gAct,
            int aOff,
            FloatBuffer dGu,
            int dgOff,
            int duOff,
            int n) {
        int p = KERNEL.padded(n);
        float[] a = scratch(0, 6 * p);
        gu.get(gOff, a, 0, n);
        gu.get(uOff, a, p, n);
        expNeg.get(eOff, a, 2 * p, n);
        gAct.get(aOff, a, 3 * p, n);
        KERNEL.swigluBackward(a, 0, p, 2 * p, 3 * p, 4 * p, 5 * p, n);
        dGu.put(dgOff, a, 4 * p, n);
        dGu.put(duOff, a, 5 * p, n);
    }

    /**
     * Softmax's backward for one row of {@code len}: {@code g ← p ⊙ (g − Σ_{j<n} g_j·p_j)}, with {@code g} (dL/dp in,
     * dL/dscores out) at {@code gOff} and the probabilities at {@code pOff}; {@code p} is 0 from {@code n} on. The sum
     * runs a vector of lanes at a time, so its rounding differs from a plain loop's.
     */
    public static void softmaxBackward(FloatBuffer g, int gOff, FloatBuffer p, int pOff, int n, int len) {
        int pad = KERNEL.padded(len);
        float[] gs = scratch(0, pad), ps = scratch(1, pad);
        g.get(gOff, gs, 0, len);
        p.get(pOff, ps, 0, len);
        KERNEL.softmaxBackward(gs, ps, n, len);
        g.put(gOff, gs, 0, len);
    }

    /**
     * RMSNorm's input gradient for rows {@code [lo, hi)} of {@code d}: adds {@code inv·(gh·w − y·mean(gh·w·y))} to
     * {@code gx}, where {@code y = x·inv} is the normalised row. The mean's sum runs a vector of lanes at a time.
     */
    public static void rmsNormBackward(
            FloatBuffer gh, FloatBuffer x, float[] inv, FloatBuffer w, FloatBuffer gx, int lo, int hi, int d) {
        int p = KERNEL.padded(d);
        float[] ghs = scratch(0, p), xs = scratch(1, p), ws = scratch(2, p), gxs = scratch(3, p);
        w.get(0, ws, 0, d);
        for (int r = lo; r < hi; r++) {
            int o = r * d;
            gh.get(o, ghs, 0, d);
            x.get(o, xs, 0, d);
            gx.get(o, gxs, 0, d);
            KERNEL.rmsNormBackward(ghs, xs, ws, inv[r], gxs, d);
            gx.put(o, gxs, 0, d);
        }
    }

    /**
     * RMSNorm's weight gradient on columns {@code [lo, hi)}: {@code gw[i] += Σ_r gh[r,i]·(x[r,i]·inv[r])} over rows
     * {@code r < rows} of {@code d}, added row by row in order, as the plain loop did.
     */
    public static void rmsNormWeightGradient(
            FloatBuffer gh, FloatBuffer x, float[] inv, int rows, int d, float[] gw, int lo, int hi) {
        int n = hi - lo;
        float[] ghs = scratch(0, n), xs = scratch(1, n);
        for (int r = 0; r < rows; r++) {
            gh.get(r * d + lo, ghs, 0, n);
            x.get(r * d + lo, xs, 0, n);
            KERNEL.addScaledProduct(ghs, xs, inv[r], gw, lo, n);
        }
    }

    /** {@code dst[dOff..dOff+n) += src[sOff..sOff+n)}, element by element. */
    public static void add(FloatBuffer src, int sOff, FloatBuffer dst, int dOff, int n) {
        float[] a = scratch(0, n), b = scratch(1, n);
        src.get(sOff, a, 0, n);
        dst.get(dOff, b, 0, n);
        KERNEL.add(a, b, n);
        dst.put(dOff, b, 0, n);
    }

    /** {@code Σ b[i]²} over {@code [off, off+n)} in double, a vector of lanes at a time. */
    public static double sumOfSquares(FloatBuffer b, int off, int n) {
        double s = 0;
        float[] a = scratch(0, Math.min(n, CHUNK));
        for (int done = 0; done < n; done += CHUNK) {
            int len = Math.min(CHUNK, n - done);
            b.get(off + done, a, 0, len);
            s += KERNEL.sumOfSquares(a, len);
        }
        return s;
    }

    /**
     * AdamW's update (bias-corrected moments, decoupled decay) in double, each float rounded where the plain loop
     * rounded it: {@code m ← β1·m + (1−β1)·g'}, {@code v ← β2·v + (1−β2)·g'·g'} (stored as floats, {@code g' =
     * g·gradScale}), {@code w ← w − lr·((m/bias1)/(√(v/bias2) + eps) + decay·w)}.
     */
    public record AdamW(
            double gradScale,
            double lr,
            double beta1,
            double beta2,
            double bias1,
            double bias2,
            double eps,
            double decay) {}

    /**
     * AdamW on {@code n} parameters of {@code w} from {@code wOff}, with gradients in {@code g} from {@code gOff} and
     * moments {@code m, v} from {@code mOff}; the bits of the plain loop, so any split of a range gives the same.
     */
    public static void adamw(
            FloatBuffer g, int gOff, FloatBuffer w, int wOff, float[] m, float[] v, int mOff, int n, AdamW k) {
        float[] gs = scratch(0, Math.min(n, CHUNK)), ws = scratch(1, Math.min(n, CHUNK));
        for (int done = 0; done < n; done += CHUNK) {
            int len = Math.min(CHUNK, n - done);
            g.get(gOff + done, gs, 0, len);
            w.get(wOff + done, ws, 0, len);
            KERNEL.adamw(gs, ws, m, v, mOff + done, len, k);
            w.put(wOff + done, ws, 0, len);
        }
    }

    /** {@code b[off..off+n) = 0}. */
    public static void zero(FloatBuffer b, int off, int n) {
        for (int done = 0; done < n; done += ZEROS.length)
            b.put(off + done, ZEROS, 0, Math.min(ZEROS.length, n - done));
    }
}
