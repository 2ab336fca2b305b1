package t2j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Conversions against bit patterns worked out by hand and against a brute-force nearest-value reference. */
class HalfFloatsTest {
    /** {float, expected binary16 bits} for narrowing; each chosen for a rounding or range edge. */
    private static final float[][] F16_CASES = {
        {1.0f, 0x3C00},
        {-2.5f, 0xC100},
        {0f, 0x0000},
        {-0f, 0x8000},
        {65504f, 0x7BFF}, // largest finite half
        {65519.99f, 0x7BFF},
        {65520f, 0x7C00}, // just below the tie / the tie, which rounds to even = infinity
        {1e6f, 0x7C00},
        {-1e6f, 0xFC00},
        {Float.POSITIVE_INFINITY, 0x7C00},
        {Float.NEGATIVE_INFINITY, 0xFC00},
        {0x1p-14f, 0x0400}, // smallest normal
        {0x1p-24f, 0x0001}, // smallest subnormal
        {0x3FFp-24f, 0x03FF}, // largest subnormal
        {0x1p-25f, 0x0000}, // tie between 0 and 2^-24: even is 0
        {0x1.8p-25f, 0x0001}, // above the tie
        {0x3p-25f, 0x0002}, // 1.5 units: tie, rounds to even 2
        {0x5p-25f, 0x0002}, // 2.5 units: tie, rounds to even 2
        {1f + 0x1p-11f, 0x3C00}, // half an ulp above 1: tie, even stays 1
        {1f + 0x3p-11f, 0x3C02}, // 1.5 ulp above 1: tie, rounds to even 0x3C02
        {0x7FFp-25f, 0x0400}, // 1023.5 units: tie above the odd largest subnormal, carries into the first normal
        {1e-10f, 0x0000},
        {Float.MIN_VALUE, 0x0000},
    };

    /** {float, expected bfloat16 bits}. */
    private static final float[][] BF16_CASES = {
        {1.0f, 0x3F80},
        {-2.5f, 0xC020},
        {0f, 0x0000},
        {-0f, 0x8000},
        {Float.intBitsToFloat(0x3F808000), 0x3F80}, // tie, lower neighbour even
        {Float.intBitsToFloat(0x3F818000), 0x3F82}, // tie, lower neighbour odd: up
        {Float.intBitsToFloat(0x3F808001), 0x3F81}, // just above the tie
        {Float.MAX_VALUE, 0x7F80}, // rounds past the largest bf16 to infinity
        {Float.POSITIVE_INFINITY, 0x7F80},
        {Float.NEGATIVE_INFINITY, 0xFF80},
        {Float.MIN_VALUE, 0x0000}, // float subnormal far below half a bf16 ulp
        {Float.intBitsToFloat(0x00018000), 0x0002}, // subnormal tie, odd lower neighbour
    };

    @Test
    void narrowsKnownValuesToF16() {
        for (float[] c : F16_CASES)
            assertEquals(
                    (int) c[1],
                    HalfFloats.floatToF16(c[0]) & 0xFFFF,
                    () -> "f16 of " + c[0] + " (" + Float.toHexString(c[0]) + ")");
    }

    @Test
    void narrowsKnownValuesToBf16() {
        for (float[] c : BF16_CASES)
            assertEquals((int) c[1], HalfFloats.floatToBf16(c[0]) & 0xFFFF, () -> "bf16 of " + Float.toHexString(c[0]));
    }

    @Test
    void widensKnownBitPatterns() {
        assertEquals(1.0f, HalfFloats.f16ToFloat((short) 0x3C00));
        assertEquals(-2.5f, HalfFloats.f16ToFloat((short) 0xC100));
        assertEquals(65504f, HalfFloats.f16ToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, HalfFloats.f16ToFloat((short) 0x0001));
        assertEquals(-0x3FFp-24f, HalfFloats.f16ToFloat((short) 0x83FF));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(HalfFloats.f16ToFloat((short) 0x8000)));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.f16ToFloat((short) 0xFC00));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat((short) 0x7E00)));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat((short) 0x7C01))); // signalling NaN with the smallest payload
        assertEquals(1.0f, HalfFloats.bf16ToFloat((short) 0x3F80));
        assertEquals(-2.5f, HalfFloats.bf16ToFloat((short) 0xC020));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.bf16ToFloat((short) 0x7F80));
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat((short) 0xFFC1)));
    }

    @Test
    void nanStaysNanWhateverItsPayload() {
        for (int bits : new int[] {0x7FC00000, 0xFFC00000, 0x7F800001, 0x7F801000, 0x7FBFFFFF, 0xFF800001}) {
            float nan = Float.intBitsToFloat(bits);
            assertTrue(Float.isNaN(HalfFloats.f16ToFloat(HalfFloats.floatToF16(nan))), () -> Integer.toHexString(bits));
            assertTrue(
                    Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(nan))), () -> Integer.toHexString(bits));
            assertEquals(bits >>> 31, (HalfFloats.floatToF16(nan) & 0x8000) >>> 15, "sign kept");
        }
    }

    @Test
    void everyF16RoundTripsThroughFloat() {
        for (int h = 0; h < 1 << 16; h++) {
            float f = HalfFloats.f16ToFloat((short) h);
            assertEquals(reference16(h), (double) f, 0.0, "value of " + Integer.toHexString(h));
            int back = HalfFloats.floatToF16(f) & 0xFFFF;
            if (!Float.isNaN(f)) assertEquals(h, back, "round trip of " + Integer.toHexString(h));
        }
    }

    @Test
    void randomFloatsRoundToTheNearestF16AndBf16() {
        double[] halves = new double[0x7C01]; // every non-negative finite half, and 2^16 standing in for infinity
        for (int h = 0; h < 0x7C00; h++) halves[h] = reference16(h);
        halves[0x7C00] = 65536.0; // overflow rounds like a next value would: ties at 65520 go to the even 0x7C00
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 200_000; i++) {
            float x = i % 2 == 0
                    ? Float.intBitsToFloat(rnd.nextInt())
                    : (float) (rnd.nextDouble(-70000, 70000) * Math.pow(2, -rnd.nextInt(30)));
            if (Float.isNaN(x)) continue;
            assertEquals(
                    nearestF16(halves, x), HalfFloats.floatToF16(x) & 0xFFFF, () -> "f16 of " + Float.toHexString(x));
            assertEquals(nearestBf16(x), HalfFloats.floatToBf16(x) & 0xFFFF, () -> "bf16 of " + Float.toHexString(x));
        }
    }

    /** The value of a binary16 pattern from the format's definition, in double arithmetic. */
    private static double reference16(int h) {
        int e = (h >>> 10) & 0x1F, m = h & 0x3FF;
        double sign = (h & 0x8000) != 0 ? -1 : 1;
        if (e == 31) return m == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        return sign * (e == 0 ? Math.scalb((double) m, -24) : Math.scalb((double) (1024 + m), e - 25));
    }

    private static int nearestF16(double[] halves, float x) {
        double a = Math.abs((double) x);
        int sign = Float.floatToRawIntBits(x) < 0 ? 0x8000 : 0;
        if (a >= 65536.0) return sign | 0x7C00;
        int lo = 0, hi = halves.length - 1; // invariant: halves[lo] <= a < halves[hi]
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (halves[mid] <= a) lo = mid;
            else hi = mid;
        }
        return sign | pick(a - halves[lo], halves[hi] - a, lo, hi);
    }

    private static int nearestBf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        int lo = (bits & 0x7FFFFFFF) >>> 16, hi = lo + 1; // magnitudes just below and above
        double a = Math.abs((double) x);
        double vlo = Float.intBitsToFloat(lo << 16),
                vhi = hi >= 0x7F80 ? Math.scalb(1.0, 128) : Float.intBitsToFloat(hi << 16);
        return (bits >>> 16 & 0x8000) | pick(a - vlo, vhi - a, lo, hi);
    }

    private static int pick(double below, double above, int lo, int hi) {
        if (below < above) return lo;
        if (above < below) return hi;
        return (lo & 1) == 0 ? lo : hi;
    }
}
