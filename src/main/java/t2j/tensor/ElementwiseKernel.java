package t2j.tensor;

/**
 * The inner loops of the decoder's element-wise operations on heap arrays; a Vector-API implementation when the JVM
 * has the module ({@link Elementwise} picks one). A kernel may read and write every array up to
 * {@link #padded(int)} elements past an offset, so callers hand it scratch arrays padded that far.
 */
interface ElementwiseKernel {
    /** Elements a kernel may touch for a range of {@code n}: {@code n} rounded up to a whole vector. */
    int padded(int n);

    /**
     * SwiGLU's product {@code a[act+i] = g / (1 + exp(-g)) · a[up+i]} with {@code g = a[gate+i]}, for {@code i < n};
     * {@code a[expNeg+i] = exp(-g)} too when {@code expNeg ≥ 0}.
     */
    void swiglu(float[] a, int gate, int up, int act, int expNeg, int n);

    /**
     * Softmax in place over {@code a[0..n)}, whose padding up to {@link #padded(int)} holds {@code -∞}: {@code exp(a -
     * max)}, each divided by their sum. The next {@code padded(1)} floats are scratch.
     */
    void softmax(float[] a, int n);

    /** {@code out[i] = w[i] · (x[i] · s)} for {@code i < n}: RMSNorm's scaling, each product rounded as written. */
    void scaleByWeight(float[] x, float[] w, float s, float[] out, int n);

    /**
     * The rotary rotation of one head at {@code a[off..off+2·half)}: {@code (x, y) ← (x·cos − y·sin', y·cos + x·sin')}
     * with {@code sin' = sign · sin}, pairing {@code i} with {@code i + half}; each product rounded as written.
     */
    void rotate(float[] a, int off, int half, float[] cos, float[] sin, int base, float sign);

    /**
     * Attention scores of one query against keys stored transposed ({@code kT[d·stride + j]} is dimension {@code d}
     * of key {@code j}): {@code s[i] = scale · Σ_d q[qOff+d] · kT[d·stride + from + i]}, the sum in order of {@code
     * d} with one FMA each, for {@code i < n}; up to {@code padded(n)} entries of {@code s} are written and {@code kT}
     * is read that far.
     */
    void scores(float[] q, int qOff, float[] kT, int stride, int from, int n, int hd, float scale, float[] s);

    /**
     * {@code out[outOff+k] = Σ_i p[i] · v[(from+i)·hd + k]} for {@code k < hd}, the sum in order of {@code i} with one
     * FMA each: the probability-weighted values of one query.
     */
    void weightedValues(float[] p, int n, float[] v, int from, int hd, float[] out, int outOff);

    /**
     * {@link #scores} of two queries (at {@code qOff} and {@code qOff2}) over the same {@code n} keys, into {@code s}
     * and {@code s2}: the same bits as two calls. The first {@link #scoreSpan scoreSpan(n)} entries of
     * each are written, and each row of {@code kT} is read that far from {@code from}.
     */
    void scoresOfTwo(
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
            float[] s2);

    /** How many scores {@link #scoresOfTwo} writes for {@code n} keys ({@code n} or more), and how far it reads keys. */
    int scoreSpan(int n);

    /**
     * {@link #weightedValues} of two queries over keys from {@code from}, the first with {@code n} probabilities
     * {@code p}, the second with {@code n2 ≥ n} probabilities {@code p2}, into {@code out} at {@code outOff} and {@code
     * outOff2}: the same bits as two calls.
     */
    void weightedValuesOfTwo(
            float[] p, int n, float[] p2, int n2, float[] v, int from, int hd, float[] out, int outOff, int outOff2);

    /**
     * SwiGLU's backward from the forward's {@code g = a[gate+i]}, {@code u = a[up+i]}, {@code e = a[expNeg+i] =
     * exp(-g)} and {@code γ = a[gAct+i] = dL/dact}: with {@code σ = 1/(1+e)}, {@code a[dGate+i] = γ·u·σ·(1 + g·(1−σ))}
     * and {@code a[dUp+i] = γ·g·σ}, for {@code i < n}; each product rounded as written, left to right.
     */
    void swigluBackward(float[] a, int gate, int up, int expNeg, int gAct, int dGate, int dUp, int n);

    /**
     * Softmax's backward in place for one row: {@code g[i] ← p[i]·(g[i] − Σ_{j<n} g[j]·p[j])} for {@code i < len}
     * ({@code n ≤ len}: entries past {@code n} have {@code p = 0}). Both arrays hold {@link #padded(int)} of {@code
     * len}; the sum's order is the kernel's.
     */
    void softmaxBackward(float[] g, float[] p, int n, int len);

    /**
     * RMSNorm's input gradient for one row of {@code n}: with {@code gn = gh·w}, {@code y = x·inv} and {@code dot =
     * Σ gn·y / n}, {@code gx[i] += inv·(gn − y·dot)}. Arrays hold {@link #padded(int)} of {@code n}; the sum's order is
     * the kernel's.
     */
    void rmsNormBackward(float[] gh, float[] x, float[] w, float inv, float[] gx, int n);

    /** {@code out[off+i] += gh[i]·(x[i]·s)} for {@code i < n}; each product rounded as written; {@code out} unpadded. */
    void addScaledProduct(float[] gh, float[] x, float s, float[] out, int off, int n);

    /** {@code out[i] += a[i]} for {@code i < n}; neither array padded. */
    void add(float[] a, float[] out, int n);

    /** {@code Σ a[i]²} for {@code i < n} in double (each square exact); the order of the sum is the kernel's. */
    double sumOfSquares(float[] a, int n);

    /**
     * One AdamW update of {@code n} parameters {@code w[0..n)} with gradients {@code g[0..n)} and moments {@code
     * m, v} at {@code mOff}, in double as {@link Elementwise.AdamW} writes it; neither array padded.
     */
    void adamw(float[] g, float[] w, float[] m, float[] v, int mOff, int n, Elementwise.AdamW k);

    /** A name for reports ("Vector API, 512-bit" or "scalar Java"). */
    String describe();
}
