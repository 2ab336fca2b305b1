package t2j.tensor;

/**
 * {@code exp} for float32 from additions, products and FMAs only (Cephes' {@code expf}: {@code x = n·ln2 + r}, a
 * degree-5 polynomial for {@code e^r}, {@code 2^n} put into the exponent bits), within 2 ulp of the true value.
 *
 * <p>Why not {@code Math.exp} or the Vector API's {@code EXP}: the first is a call per element; the second runs Intel's
 * SVML once HotSpot's C2 has compiled a loop but {@code Math.exp} per lane before, so a value's last bits would depend
 * on how warm the JIT is. Every operation here is one IEEE rounding whatever compiles it, so {@link
 * ElementwiseScalarKernel} (this method) and {@link ElementwiseVectorKernel} (the same steps on vectors) agree bit for
 * bit, on every run.
 */
final class Exp {
    /** Below this, {@code exp} is taken as 0 (the smallest normal float is {@code e^-87.34}). */
    static final float LOW = -87f;
    /** Above this, {@code exp} is taken as +∞ ({@code e^88} is still finite; {@code e^88.73} is not). */
    static final float HIGH = 88f;

    static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer, kept in the low mantissa bits. */
    static final float ROUNDER = 12582912f;
    /** ln 2 split so that {@code n·LN2_HI} is exact for the n that occur. */
    static final float LN2_HI = 0.693359375f;

    static final float LN2_LO = -2.12194440e-4f;
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;

    private Exp() {}

    static float exp(float x) {
        if (x < LOW) return 0f;
        if (x > HIGH) return Float.POSITIVE_INFINITY;
        if (x != x) return x;
        float t = x * LOG2E + ROUNDER;
        float n = t - ROUNDER;
        int bits = Float.floatToRawIntBits(t) - Float.floatToRawIntBits(ROUNDER);
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(P0, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = Math.fma(p, r * r, r) + 1f;
        return y * Float.intBitsToFloat((bits + 127) << 23);
    }
}
