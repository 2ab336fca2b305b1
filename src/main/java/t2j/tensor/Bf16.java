package t2j.tensor;

/**
 * bfloat16, the upper half of a float32: widening is exact (a shift), narrowing rounds to nearest even, as PyTorch's
 * {@code tensor.to(torch.bfloat16)} does. NaN stays NaN (quiet), never rounds into infinity.
 */
public final class Bf16 {
    private Bf16() {}

    public static float toFloat(short h) {
        return Float.intBitsToFloat(h << 16);
    }

    public static short round(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) return (short) ((bits >>> 16) | 0x40); // NaN: keep it a quiet NaN
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }
}
