package t2j.io;

/**
 * Conversions between float32 and the two 16-bit float formats of safetensors files: IEEE 754 binary16
 * ({@link DType#F16}) and bfloat16 ({@link DType#BF16}). Narrowing rounds to nearest, ties to even, as PyTorch and
 * numpy do; overflow gives infinity, NaN stays NaN (sign and top payload bits kept, quiet bit set), ±Inf and ±0
 * are preserved. Java 17 has no {@code Float.floatToFloat16}, hence this class.
 *
 * <pre>{@code
 * short h = HalfFloats.floatToF16(1.0f);      // 0x3C00
 * float f = HalfFloats.bf16ToFloat((short) 0x3F80); // 1.0f
 * }</pre>
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** bfloat16 bits to float: exact, since bfloat16 is the top half of a float32. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /** float to bfloat16 bits, round to nearest even. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFFFFFF) > 0x7F800000)
            return (short) ((bits >>> 16) | 0x0040); // truncation could zero a NaN's payload
        // Adding 0x7FFF plus the lowest kept bit rounds half-way cases to even; a carry into the exponent is the
        // correct result, including overflow of the largest finite values to infinity.
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** binary16 bits to float: exact (every half is a float). */
    public static float f16ToFloat(short bits) {
        return F16Table.VALUES[bits & 0xFFFF];
    }

    /** float to binary16 bits, round to nearest even; |f| ≥ 65520 gives infinity. */
    public static short floatToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs > 0x7F800000) return (short) (sign | 0x7E00 | ((abs >>> 13) & 0x3FF));
        if (abs >= 0x477FF000) return (short) (sign | 0x7C00); // 65520 is the tie between 65504 and 2^16: even is up
        int exp = abs >>> 23;
        int mant = abs & 0x7FFFFF;
        int shift;
        int h;
        if (exp >= 113) { // >= 2^-14: a normal half; rebias the exponent and keep the top 10 mantissa bits
            h = ((exp - 112) << 10) | (mant >>> 13);
            shift = 13;
        } else { // a subnormal half counts units of 2^-24: value / 2^-24 = (1.mant * 2^23) >> (126 - exp)
            shift = 126 - exp;
            if (shift > 24) return (short) sign; // below 2^-25, which itself ties to even zero
            mant |= 0x800000;
            h = mant >>> shift;
        }
        int rem = mant & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rem > half || (rem == half && (h & 1) != 0)) h++; // a carry into the exponent field is the right answer
        return (short) (sign | h);
    }

    /** Decoding by table: 256 KiB once, and the hot loop of reading F16 weights becomes one load per value. */
    private static final class F16Table {
        static final float[] VALUES = new float[1 << 16];

        static {
            for (int i = 0; i < VALUES.length; i++) VALUES[i] = decode(i);
        }

        private static float decode(int h) {
            int sign = (h & 0x8000) << 16;
            int exp = (h >>> 10) & 0x1F;
            int mant = h & 0x3FF;
            if (exp == 0) return sign != 0 ? -(mant * 0x1p-24f) : mant * 0x1p-24f; // exact, and keeps -0
            if (exp == 31) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
            return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
        }
    }
}
