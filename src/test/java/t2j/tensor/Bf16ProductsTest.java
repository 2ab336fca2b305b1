package t2j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Bf16ProductsTest {
    private static Matrix randomBf16(int rows, int cols, long seed) {
        Matrix m = Matrix.zerosBf16(rows, cols);
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[rows * cols];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        m.copyFrom(a);
        return m;
    }

    private static FloatBuffer random(int n, long seed) {
        FloatBuffer b = Matrix.allocate(n);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) b.put(i, (float) r.nextGaussian());
        return b;
    }

    /** Float32 sums of the same products, in another order: within a few ulps of the sum's magnitude per term. */
    private static void assertClose(FloatBuffer want, FloatBuffer got, int n, int k, String what) {
        for (int i = 0; i < n; i++) {
            float tol = 2e-6f * k + 1e-5f * Math.abs(want.get(i));
            assertEquals(want.get(i), got.get(i), tol, what + " at " + i);
        }
    }

    @Test
    void roundingIsToNearestEvenAndWideningIsExact() {
        assertEquals(
                Float.intBitsToFloat(0x3f800000),
                Bf16.toFloat(Bf16.round(Float.intBitsToFloat(0x3f808000)))); // tie, even
        assertEquals(
                Float.intBitsToFloat(0x3f820000),
                Bf16.toFloat(Bf16.round(Float.intBitsToFloat(0x3f818000)))); // tie, up
        assertEquals(Float.intBitsToFloat(0x3f810000), Bf16.toFloat(Bf16.round(Float.intBitsToFloat(0x3f808001))));
        assertTrue(Float.isNaN(Bf16.toFloat(Bf16.round(Float.NaN))));
        assertEquals(Float.POSITIVE_INFINITY, Bf16.toFloat(Bf16.round(Float.POSITIVE_INFINITY)));
        assertEquals(
                Float.NEGATIVE_INFINITY, Bf16.toFloat(Bf16.round(-Float.MAX_VALUE)), "overflow rounds to infinity");
        for (int h = Short.MIN_VALUE; h <= Short.MAX_VALUE; h++) {
            float f = Bf16.toFloat((short) h);
            if (!Float.isNaN(f)) assertEquals((short) h, Bf16.round(f), "bf16 -> float32 -> bf16 is the identity");
        }
    }

    @Test
    void linearMatchesSgemmOnTheWidenedWeightsForEveryRowCount() {
        // The last two shapes give the decode product several row blocks, so helper threads take part.
        for (int[] shape : new int[][] {{300, 64}, {97, 131}, {1024, 40}, {4099, 33}, {2000, 130}}) {
            int rows = shape[0], cols = shape[1];
            Matrix w = randomBf16(rows, cols, rows * 7L + cols);
            Matrix wide = Matrix.zeros(rows, cols);
            wide.copyFrom(w);
            for (int n : new int[] {1, 2, 3, 17}) {
                FloatBuffer x = random(n * cols, n);
                for (boolean acc : new boolean[] {false, true}) {
                    FloatBuffer want = random(n * rows, 99), got = Matrix.allocate(n * rows);
                    got.put(0, want, 0, n * rows);
                    Blas.linear(n, x, 0, cols, wide, want, 0, rows, acc);
                    Blas.linear(n, x, 0, cols, w, got, 0, rows, acc);
                    assertClose(want, got, n * rows, cols, rows + "x" + cols + " n=" + n + " accumulate=" + acc);
                }
            }
        }
    }

    @Test
    void backwardProductMatchesSgemm() {
        int rows = 200, cols = 72, n = 5;
        Matrix w = randomBf16(rows, cols, 3);
        Matrix wide = Matrix.zeros(rows, cols);
        wide.copyFrom(w);
        FloatBuffer g = random(n * rows, 4);
        for (float beta : new float[] {0f, 1f}) {
            FloatBuffer want = random(n * cols, 5), got = Matrix.allocate(n * cols);
            got.put(0, want, 0, n * cols);
            Blas.linearBackward(n, g, 0, rows, wide, want, 0, cols, beta);
            Blas.linearBackward(n, g, 0, rows, w, got, 0, cols, beta);
            assertClose(want, got, n * cols, rows, "beta=" + beta);
        }
    }

    @Test
    void everyKernelAgreesWithADoubleReference() {
        assertTrue(
                Bf16Products.kernel().startsWith("Vector API"),
                "the test JVM runs with --add-modules jdk.incubator.vector (pom test.jvm.args): "
                        + Bf16Products.kernel());
        // IntVector.fromByteBuffer, which the in-place kernel loads with, exists on JDK 17 and 18 only.
        boolean inPlace = Runtime.version().feature() < 19;
        assertEquals(inPlace, Bf16Products.kernel().contains("in place"), Bf16Products.kernel());
        Bf16Kernel[] kernels = inPlace
                ? new Bf16Kernel[] {new Bf16ScalarKernel(), new Bf16VectorKernel(), new Bf16BufferKernel()}
                : new Bf16Kernel[] {new Bf16ScalarKernel(), new Bf16VectorKernel()};
        // Lengths below, at and just past the vector loops' strides, odd and even, so every tail runs; both byte
        // orders, since a big-endian buffer holds each pair's first value in an int's high half. 19 rows: four passes
        // of
        // the in-place kernel's four streams (rows i, 4+i, 8+i, 12+i) and three rows alone.
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN})
            for (int cols : new int[] {1, 2, 31, 32, 33, 63, 64, 65, 96, 517, 2048, 2049, 4096, 4099}) {
                int rows = 19;
                ByteBuffer w = ByteBuffer.allocateDirect(2 * rows * cols + 6).order(order);
                SplittableRandom r = new SplittableRandom(8 + cols);
                for (int i = 0; i < rows * cols + 3; i++) w.putShort(2 * i, Bf16.round((float) r.nextGaussian()));
                float[] x = new float[cols];
                for (int i = 0; i < cols; i++) x[i] = (float) r.nextGaussian();
                for (Bf16Kernel k : kernels) {
                    float[] y = new float[rows + 1];
                    k.dotRows(w, 6, rows, cols, k.arrange(x), y, 1); // an offset of 3 values: rows need not be aligned
                    for (int j = 0; j < rows; j++) {
                        double ref = 0;
                        for (int i = 0; i < cols; i++)
                            ref += (double) Bf16.toFloat(w.getShort(6 + 2 * (j * cols + i))) * x[i];
                        assertEquals(
                                ref,
                                y[j + 1],
                                1e-4 * Math.sqrt(cols),
                                k.describe() + " " + order + " cols " + cols + " row " + j);
                    }
                    float[] wide = new float[cols + 2];
                    k.widen(w, 6, cols, wide, 2);
                    for (int i = 0; i < cols; i++)
                        assertEquals(Bf16.toFloat(w.getShort(6 + 2 * i)), wide[i + 2], k.describe());
                    ByteBuffer panel = ByteBuffer.allocateDirect(4 * (cols + 3)).order(ByteOrder.nativeOrder());
                    k.widenArranged(w, 6, cols, panel, 12);
                    float[] arranged = k.arrange(Arrays.copyOfRange(wide, 2, cols + 2));
                    for (int i = 0; i < cols; i++)
                        assertEquals(arranged[i], panel.getFloat(12 + 4 * i), k.describe() + " arranged at " + i);
                }
            }
    }

    @Test
    void aRowsValueDoesNotDependOnTheRowsReadBesideIt() {
        // Threads take blocks of rows whose bounds depend on the thread count; a row read beside others must give the
        // bits it gives alone, or decode would differ from machine to machine.
        boolean inPlace = Runtime.version().feature() < 19;
        Bf16Kernel[] kernels = inPlace
                ? new Bf16Kernel[] {new Bf16ScalarKernel(), new Bf16VectorKernel(), new Bf16BufferKernel()}
                : new Bf16Kernel[] {new Bf16ScalarKernel(), new Bf16VectorKernel()};
        int rows = 21;
        for (int cols : new int[] {517, 2051, 4096})
            for (Bf16Kernel k : kernels) {
                ByteBuffer w = ByteBuffer.allocateDirect(2 * rows * cols).order(ByteOrder.nativeOrder());
                SplittableRandom r = new SplittableRandom(cols);
                for (int i = 0; i < rows * cols; i++) w.putShort(2 * i, Bf16.round((float) r.nextGaussian()));
                float[] x = new float[cols];
                for (int i = 0; i < cols; i++) x[i] = (float) r.nextGaussian();
                float[] arranged = k.arrange(x), together = new float[rows], alone = new float[rows];
                k.dotRows(w, 0, rows, cols, arranged, together, 0);
                for (int j = 0; j < rows; j++) k.dotRows(w, 2 * j * cols, 1, cols, arranged, alone, j);
                for (int j = 0; j < rows; j++)
                    assertEquals(
                            Float.floatToRawIntBits(alone[j]),
                            Float.floatToRawIntBits(together[j]),
                            k.describe() + " cols " + cols + " row " + j + ": " + alone[j] + " alone, " + together[j]
                                    + " in a group");
            }
    }
}
