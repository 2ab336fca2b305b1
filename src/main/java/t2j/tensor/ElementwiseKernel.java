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

    /** A name for reports ("Vector API, 512-bit" or "scalar Java"). */
    String describe();
}
