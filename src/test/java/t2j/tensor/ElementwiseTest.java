package t2j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ElementwiseTest {
    private static final ElementwiseKernel VECTOR = Elementwise.loadKernel();
    private static final ElementwiseKernel SCALAR = new ElementwiseScalarKernel();

    @Test
    void theVectorKernelIsTheOneThatRuns() {
        // Surefire, the launcher and the kernelspec all start the JVM with the module: a fallback here is a bug.
        assertTrue(VECTOR instanceof ElementwiseVectorKernel, "kernel in use: " + VECTOR.describe());
        assertEquals(VECTOR.describe(), Elementwise.kernel());
    }

    @Test
    void expIsWithinTwoUlpOfTheTrueValueAndSaturatesOutsideTheFloatRange() {
        for (float x = -87f; x <= 88f; x += 0.001f) {
            double want = Math.exp(x);
            float got = Exp.exp(x);
            assertTrue(
                    Math.abs(got - want) <= 2 * Math.ulp((float) want), "exp(" + x + ") = " + got + ", want " + want);
        }
        assertEquals(1f, Exp.exp(0f));
        assertEquals(0f, Exp.exp(Float.NEGATIVE_INFINITY));
        assertEquals(0f, Exp.exp(-200f));
        assertEquals(Float.POSITIVE_INFINITY, Exp.exp(100f));
        assertTrue(Float.isNaN(Exp.exp(Float.NaN)));
    }

    @Test
    void vectorAndScalarSwigluAgreeBitForBitOnEveryLaneAndTail() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n : new int[] {1, 5, 16, 37, 768}) {
            int p = VECTOR.padded(n);
            float[] v = new float[4 * p], s = new float[4 * n];
            for (int i = 0; i < n; i++) {
                v[i] = s[i] = (float) (r.nextDouble() * 40 - 20);
                v[p + i] = s[n + i] = (float) r.nextGaussian();
            }
            v[0] = s[0] = -100f; // exp(100) overflows: silu must still be -0, not NaN
            VECTOR.swiglu(v, 0, p, 2 * p, 3 * p, n);
            SCALAR.swiglu(s, 0, n, 2 * n, 3 * n, n);
            for (int i = 0; i < n; i++) {
                assertEquals(s[2 * n + i], v[2 * p + i], "act, n=" + n + ", i=" + i);
                assertEquals(s[3 * n + i], v[3 * p + i], "exp(-gate), n=" + n + ", i=" + i);
                float g = s[i];
                double want = g / (1 + Math.exp(-g)) * s[n + i];
                assertEquals(want, s[2 * n + i], 1e-6 * (1 + Math.abs(want)), "silu·up, n=" + n + ", i=" + i);
            }
        }
    }

    @Test
    void swigluOnBuffersReadsGateAndUpAndKeepsExpNegWhenAsked() {
        int n = 21;
        FloatBuffer gu = Matrix.allocate(2 * n), act = Matrix.allocate(n), e = Matrix.allocate(n);
        for (int i = 0; i < n; i++) {
            gu.put(i, i - 10f);
            gu.put(n + i, 0.5f * i);
        }
        Elementwise.swiglu(gu, 0, n, act, 0, e, 0, n);
        for (int i = 0; i < n; i++) {
            assertEquals(Exp.exp(10f - i), e.get(i), "exp(-gate) at " + i);
            assertEquals((i - 10f) / (1f + Exp.exp(10f - i)) * (0.5f * i), act.get(i), "act at " + i);
        }
    }

    @Test
    void softmaxMatchesDoublePrecisionAndLeavesTheRestOfTheBuffer() {
        SplittableRandom r = new SplittableRandom(7);
        for (int n : new int[] {1, 3, 16, 17, 129}) {
            FloatBuffer b = Matrix.allocate(n + 2);
            b.put(0, 42f);
            b.put(n + 1, -42f);
            double[] x = new double[n];
            for (int i = 0; i < n; i++) b.put(1 + i, (float) (x[i] = (float) (r.nextDouble() * 30 - 15)));
            Elementwise.softmax(b, 1, n);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (double v : x) max = Math.max(max, v);
            for (double v : x) sum += Math.exp(v - max);
            for (int i = 0; i < n; i++)
                assertEquals(Math.exp(x[i] - max) / sum, b.get(1 + i), 1e-6, "n=" + n + ", entry " + i);
            assertEquals(42f, b.get(0));
            assertEquals(-42f, b.get(n + 1));
        }
    }

    @Test
    void rmsNormAndRotationComputeTheBitsOfThePlainLoops() {
        int d = 72, half = 12, heads = 3;
        FloatBuffer x = Matrix.allocate(d), w = Matrix.allocate(d), out = Matrix.allocate(d);
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < d; i++) {
            x.put(i, (float) r.nextGaussian());
            w.put(i, (float) (1 + 0.1 * r.nextGaussian()));
        }
        float inv = Elementwise.rmsNorm(x, 0, w, 1e-5f, out, 0, d);
        float ss = 0;
        for (int i = 0; i < d; i++) ss += x.get(i) * x.get(i);
        float want = (float) (1.0 / Math.sqrt(ss / d + 1e-5f));
        assertEquals(want, inv);
        for (int i = 0; i < d; i++) assertEquals(w.get(i) * (x.get(i) * want), out.get(i), "rms-normed " + i);

        float[] cos = new float[2 * half], sin = new float[2 * half];
        for (int i = 0; i < cos.length; i++) {
            cos[i] = (float) Math.cos(0.3 * i);
            sin[i] = (float) Math.sin(0.3 * i);
        }
        FloatBuffer y = Matrix.allocate(d);
        for (int i = 0; i < d; i++) y.put(i, x.get(i));
        Elementwise.rotate(y, 0, heads, half, cos, sin, half, -1f);
        for (int h = 0; h < heads; h++)
            for (int i = 0; i < half; i++) {
                int o = h * 2 * half;
                float a = x.get(o + i), b = x.get(o + half + i), cs = cos[half + i], sn = -sin[half + i];
                assertEquals(a * cs - b * sn, y.get(o + i), "head " + h + ", " + i);
                assertEquals(b * cs + a * sn, y.get(o + half + i), "head " + h + ", " + (half + i));
            }
    }

    @Test
    void zeroClearsExactlyTheRange() {
        FloatBuffer b = Matrix.allocate(10_000);
        for (int i = 0; i < b.capacity(); i++) b.put(i, 1f);
        Elementwise.zero(b, 3, 9_000);
        for (int i = 0; i < b.capacity(); i++) assertEquals(i >= 3 && i < 9_003 ? 0f : 1f, b.get(i), "index " + i);
    }
}
