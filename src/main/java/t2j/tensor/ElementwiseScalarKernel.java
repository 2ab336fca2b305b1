package t2j.tensor;

/**
 * {@link ElementwiseKernel} in plain Java: for a JVM started without {@code jdk.incubator.vector}. Its exp is {@link
 * Exp}, so SwiGLU agrees with the vector kernel bit for bit; softmax sums in another order.
 */
final class ElementwiseScalarKernel implements ElementwiseKernel {
    @Override
    public int padded(int n) {
        return n;
    }

    @Override
    public void swiglu(float[] a, int gate, int up, int act, int expNeg, int n) {
        for (int i = 0; i < n; i++) {
            float g = a[gate + i], e = Exp.exp(-g);
            if (expNeg >= 0) a[expNeg + i] = e;
            a[act + i] = g / (1f + e) * a[up + i];
        }
    }

    @Override
    public void softmax(float[] a, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, a[i]);
        float sum = 0;
        for (int i = 0; i < n; i++) {
            a[i] = Exp.exp(a[i] - max);
            sum += a[i];
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) a[i] *= inv;
    }

    @Override
    public void scaleByWeight(float[] x, float[] w, float s, float[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = w[i] * (x[i] * s);
    }

    @Override
    public void rotate(float[] a, int off, int half, float[] cos, float[] sin, int base, float sign) {
        rotateFrom(0, a, off, half, cos, sin, base, sign);
    }

    /** The rotation of pairs {@code [from, half)}; the vector kernel's tail runs it too, so both give the same bits. */
    static void rotateFrom(int from, float[] a, int off, int half, float[] cos, float[] sin, int base, float sign) {
        for (int i = from; i < half; i++) {
            float x = a[off + i], y = a[off + half + i];
            float cs = cos[base + i], sn = sign * sin[base + i];
            a[off + i] = x * cs - y * sn;
            a[off + half + i] = y * cs + x * sn;
        }
    }

    @Override
    public void scores(float[] q, int qOff, float[] kT, int stride, int from, int n, int hd, float scale, float[] s) {
        for (int i = 0; i < n; i++) {
            float acc = 0;
            for (int d = 0; d < hd; d++) acc = Math.fma(q[qOff + d], kT[d * stride + from + i], acc);
            s[i] = acc * scale;
        }
    }

    @Override
    public void weightedValues(float[] p, int n, float[] v, int from, int hd, float[] out, int outOff) {
        for (int k = 0; k < hd; k++) {
            float acc = 0;
            for (int i = 0; i < n; i++) acc = Math.fma(p[i], v[(from + i) * hd + k], acc);
            out[outOff + k] = acc;
        }
    }

    @Override
    public int scoreSpan(int n) {
        return n;
    }

    @Override
    public void scoresOfTwo(
            float[] q,
            int qOff,
            int qOff2,
            float[] kT,
            int stride,
            int from,
            int n,
            int hd,
            float scale,
            float[] s,
            float[] s2) {
        scores(q, qOff, kT, stride, from, n, hd, scale, s);
        scores(q, qOff2, kT, stride, from, n, hd, scale, s2);
    }

    @Override
    public void weightedValuesOfTwo(
            float[] p, int n, float[] p2, int n2, float[] v, int from, int hd, float[] out, int outOff, int outOff2) {
        weightedValues(p, n, v, from, hd, out, outOff);
        weightedValues(p2, n2, v, from, hd, out, outOff2);
    }

    @Override
    public void swigluBackward(float[] a, int gate, int up, int expNeg, int gAct, int dGate, int dUp, int n) {
        for (int i = 0; i < n; i++) {
            float z = a[gate + i], u = a[up + i], ga = a[gAct + i];
            float sig = 1f / (1f + a[expNeg + i]);
            a[dGate + i] = ga * u * sig * (1f + z * (1f - sig));
            a[dUp + i] = ga * z * sig;
        }
    }

    @Override
    public void softmaxBackward(float[] g, float[] p, int n, int len) {
        float dot = 0;
        for (int i = 0; i < n; i++) dot += g[i] * p[i];
        for (int i = 0; i < len; i++) g[i] = p[i] * (g[i] - dot);
    }

    @Override
    public void rmsNormBackward(float[] gh, float[] x, float[] w, float inv, float[] gx, int n) {
        float dot = 0;
        for (int i = 0; i < n; i++) dot += gh[i] * w[i] * (x[i] * inv);
        dot /= n;
        for (int i = 0; i < n; i++) gx[i] += inv * (gh[i] * w[i] - x[i] * inv * dot);
    }

    @Override
    public void addScaledProduct(float[] gh, float[] x, float s, float[] out, int off, int n) {
        addScaledProductFrom(0, gh, x, s, out, off, n);
    }

    /** The vector kernel's tail runs this too, so both give the same bits. */
    static void addScaledProductFrom(int from, float[] gh, float[] x, float s, float[] out, int off, int n) {
        for (int i = from; i < n; i++) out[off + i] += gh[i] * (x[i] * s);
    }

    @Override
    public void add(float[] a, float[] out, int n) {
        for (int i = 0; i < n; i++) out[i] += a[i];
    }

    @Override
    public double sumOfSquares(float[] a, int n) {
        return sumOfSquaresFrom(0, a, n, 0);
    }

    static double sumOfSquaresFrom(int from, float[] a, int n, double sum) {
        for (int i = from; i < n; i++) sum += (double) a[i] * a[i];
        return sum;
    }

    @Override
    public void adamw(float[] g, float[] w, float[] m, float[] v, int mOff, int n, Elementwise.AdamW k) {
        adamwFrom(0, g, w, m, v, mOff, n, k);
    }

    /** AdamW on {@code [from, n)}: the vector kernel's tail, so both give the same bits. */
    static void adamwFrom(int from, float[] g, float[] w, float[] m, float[] v, int mOff, int n, Elementwise.AdamW k) {
        double b1 = k.beta1(), b2 = k.beta2();
        for (int i = from; i < n; i++) {
            double gi = g[i] * k.gradScale();
            int j = mOff + i;
            m[j] = (float) (b1 * m[j] + (1 - b1) * gi);
            v[j] = (float) (b2 * v[j] + (1 - b2) * gi * gi);
            float x = w[i];
            w[i] = (float) (x
                    - k.lr() * ((m[j] / k.bias1()) / (Math.sqrt(v[j] / k.bias2()) + k.eps()) + k.decay() * x));
        }
    }

    @Override
    public String describe() {
        return "scalar Java";
    }
}
