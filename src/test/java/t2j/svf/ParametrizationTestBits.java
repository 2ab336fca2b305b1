package t2j.svf;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bit-for-bit comparison of float vectors, naming the first entry that differs. */
public final class ParametrizationTestBits {
    private ParametrizationTestBits() {}

    public static void bits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++)
            assertEquals(
                    Float.floatToRawIntBits(want[i]),
                    Float.floatToRawIntBits(got[i]),
                    what + " [" + i + "]: " + want[i] + " vs " + got[i]);
    }
}
