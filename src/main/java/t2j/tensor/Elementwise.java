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
    private static final float[] ZEROS = new float[4096];

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
     * One row of RMSNorm: {@code out = x / sqrt(mean(x²) + eps) · w} over {@code d} values; returns {@code 1/rms}. The
     * sum of squares runs in order, as a plain loop would.
     */
    public static float rmsNorm(FloatBuffer x, int xOff, FloatBuffer w, float eps, FloatBuffer out, int outOff, int d) {
        int p = KERNEL.padded(d);
        float[] xs = scratch(0, p), ws = scratch(1, p), os = scratch(2, p);
        x.get(xOff, xs, 0, d);
        w.get(0, ws, 0, d);
        float ss = 0;
        for (int i = 0; i < d; i++) ss += xs[i] * xs[i];
        float inv = (float) (1.0 / Math.sqrt(ss / d + eps));
        KERNEL.scaleByWeight(xs, ws, inv, os, d);
        out.put(outOff, os, 0, d);
        return inv;
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

    /** {@code b[off..off+n) = 0}. */
    public static void zero(FloatBuffer b, int off, int n) {
        for (int done = 0; done < n; done += ZEROS.length)
            b.put(off + done, ZEROS, 0, Math.min(ZEROS.length, n - done));
    }
}
