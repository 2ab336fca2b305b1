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
        int d = 72, half = 12, heads = 3, rows = 7; // seven rows: one group of four, then three alone
        FloatBuffer x = Matrix.allocate(rows * d), w = Matrix.allocate(d), out = Matrix.allocate(rows * d);
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < rows * d; i++) x.put(i, (float) (r.nextGaussian() * (1 + i / d)));
        for (int i = 0; i < d; i++) w.put(i, (float) (1 + 0.1 * r.nextGaussian()));
        float[] inv = new float[rows + 1];
        inv[rows] = -1;
        Elementwise.rmsNormRows(x, w, 1e-5f, out, 0, rows, d, inv);
        for (int row = 0; row < rows; row++) {
            float ss = 0;
            for (int i = 0; i < d; i++) ss += x.get(row * d + i) * x.get(row * d + i);
            float want = (float) (1.0 / Math.sqrt(ss / d + 1e-5f));
            assertEquals(want, inv[row], "1/rms of row " + row);
            for (int i = 0; i < d; i++)
                assertEquals(
                        w.get(i) * (x.get(row * d + i) * want),
                        out.get(row * d + i),
                        "rms-normed row " + row + ", " + i);
        }
        assertEquals(-1, inv[rows], "a row outside the range is left alone");

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

    private static final int[] TAILS = {1, 5, 7, 16, 37, 128, 771};

    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * scale);
        return a;
    }

    @Test
    void vectorAndScalarSwigluBackwardAgreeBitForBitAndMatchTheDerivative() {
        SplittableRandom r = new SplittableRandom(5);
        for (int n : TAILS) {
            int p = VECTOR.padded(n);
            float[] v = new float[6 * p], s = new float[6 * n];
            for (int i = 0; i < n; i++) {
                v[i] = s[i] = (float) (r.nextDouble() * 30 - 15);
                v[p + i] = s[n + i] = (float) r.nextGaussian();
                v[2 * p + i] = s[2 * n + i] = Exp.exp(-s[i]);
                v[3 * p + i] = s[3 * n + i] = (float) r.nextGaussian();
            }
            VECTOR.swigluBackward(v, 0, p, 2 * p, 3 * p, 4 * p, 5 * p, n);
            SCALAR.swigluBackward(s, 0, n, 2 * n, 3 * n, 4 * n, 5 * n, n);
            for (int i = 0; i < n; i++) {
                assertEquals(s[4 * n + i], v[4 * p + i], "dGate, n=" + n + ", i=" + i);
                assertEquals(s[5 * n + i], v[5 * p + i], "dUp, n=" + n + ", i=" + i);
                double g = s[i], u = s[n + i], ga = s[3 * n + i], sig = 1 / (1 + Math.exp(-g));
                double dGate = ga * u * sig * (1 + g * (1 - sig)), dUp = ga * g * sig;
                assertEquals(dGate, s[4 * n + i], 1e-5 * (1 + Math.abs(dGate)), "dGate vs calculus, i=" + i);
                assertEquals(dUp, s[5 * n + i], 1e-5 * (1 + Math.abs(dUp)), "dUp vs calculus, i=" + i);
            }
        }
    }

    @Test
    void softmaxBackwardMatchesDoublePrecisionOnEveryTail() {
        SplittableRandom r = new SplittableRandom(9);
        for (int len : TAILS) {
            int n = Math.max(1, len - len / 3); // probabilities past n are masked to 0
            float[] g = random(r, len, 1), p = new float[len];
            double total = 0;
            for (int i = 0; i < n; i++) total += p[i] = (float) r.nextDouble();
            for (int i = 0; i < n; i++) p[i] /= (float) total;
            double dot = 0;
            for (int i = 0; i < n; i++) dot += (double) g[i] * p[i];
            for (ElementwiseKernel k : new ElementwiseKernel[] {VECTOR, SCALAR}) {
                int pad = k.padded(len);
                float[] gs = java.util.Arrays.copyOf(g, pad), ps = java.util.Arrays.copyOf(p, pad);
                k.softmaxBackward(gs, ps, n, len);
                for (int i = 0; i < len; i++)
                    assertEquals(p[i] * (g[i] - dot), gs[i], 1e-6, k.describe() + ", len=" + len + ", i=" + i);
            }
        }
    }

    @Test
    void rmsNormBackwardMatchesDoublePrecisionAndTheTwoKernelsAgreeToRounding() {
        SplittableRandom r = new SplittableRandom(13);
        for (int n : TAILS) {
            float[] gh = random(r, n, 1), x = random(r, n, 2), w = random(r, n, 1), gx0 = random(r, n, 1);
            float inv = 0.7f;
            double dot = 0;
            for (int i = 0; i < n; i++) dot += (double) gh[i] * w[i] * x[i] * inv;
            dot /= n;
            float[][] got = new float[2][];
            int at = 0;
            for (ElementwiseKernel k : new ElementwiseKernel[] {VECTOR, SCALAR}) {
                int p = k.padded(n);
                float[] gx = java.util.Arrays.copyOf(gx0, p);
                k.rmsNormBackward(
                        java.util.Arrays.copyOf(gh, p),
                        java.util.Arrays.copyOf(x, p),
                        java.util.Arrays.copyOf(w, p),
                        inv,
                        gx,
                        n);
                for (int i = 0; i < n; i++) {
                    double want = gx0[i] + inv * ((double) gh[i] * w[i] - (double) x[i] * inv * dot);
                    assertEquals(want, gx[i], 1e-5 * (1 + Math.abs(want)), k.describe() + ", n=" + n + ", i=" + i);
                }
                got[at++] = gx;
            }
            for (int i = 0; i < n; i++) assertEquals(got[1][i], got[0][i], 1e-6f * (1 + Math.abs(got[1][i])));
        }
    }

    @Test
    void elementWiseAccumulationsGiveTheScalarBitsOnEveryTail() {
        SplittableRandom r = new SplittableRandom(17);
        for (int n : TAILS) {
            float[] gh = random(r, n, 1), x = random(r, n, 3), out = random(r, n + 3, 1);
            float[] v = out.clone(), s = out.clone();
            VECTOR.addScaledProduct(gh, x, 0.37f, v, 3, n);
            SCALAR.addScaledProduct(gh, x, 0.37f, s, 3, n);
            float[] va = out.clone(), sa = out.clone();
            VECTOR.add(gh, va, n);
            SCALAR.add(gh, sa, n);
            for (int i = 0; i < n + 3; i++) {
                float want = i < 3 ? out[i] : out[i] + gh[i - 3] * (x[i - 3] * 0.37f);
                assertEquals(want, s[i], "scalar addScaledProduct, n=" + n + ", i=" + i);
                assertEquals(want, v[i], "vector addScaledProduct, n=" + n + ", i=" + i);
                float sum = i < n ? out[i] + gh[i] : out[i];
                assertEquals(sum, sa[i], "scalar add, n=" + n + ", i=" + i);
                assertEquals(sum, va[i], "vector add, n=" + n + ", i=" + i);
            }
        }
    }

    @Test
    void sumOfSquaresMatchesAnOrderedDoubleSumToRounding() {
        SplittableRandom r = new SplittableRandom(19);
        for (int n : TAILS) {
            float[] a = random(r, n, 5);
            double want = 0;
            for (float f : a) want += (double) f * f;
            assertEquals(want, SCALAR.sumOfSquares(a, n), 0, "scalar, n=" + n);
            assertEquals(want, VECTOR.sumOfSquares(a, n), 1e-14 * want, "vector, n=" + n);
        }
        FloatBuffer b = Matrix.allocate(10_001);
        double want = 0;
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, i * 1e-3f);
            if (i >= 2) want += (double) (i * 1e-3f) * (i * 1e-3f);
        }
        assertEquals(want, Elementwise.sumOfSquares(b, 2, 9_999), 1e-12 * want, "across chunks");
    }

    @Test
    void adamwGivesThePlainLoopsBitsOnEveryTailAndAcrossChunks() {
        SplittableRandom r = new SplittableRandom(23);
        Elementwise.AdamW k = new Elementwise.AdamW(0.8, 3e-3, 0.9, 0.95, 1 - 0.9 * 0.9, 1 - 0.95 * 0.95, 1e-8, 0.01);
        for (int n : new int[] {1, 5, 7, 16, 37, 771, 9_000}) {
            float[] g = random(r, n, 1e-2), w = random(r, n, 0.1), m = random(r, n + 2, 1e-3), v = new float[n + 2];
            for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 1e-5);
            // The loop Pretrainer ran before the kernels, written out here as the reference.
            float[] wantW = w.clone(), wantM = m.clone(), wantV = v.clone();
            for (int i = 0; i < n; i++) {
                double gi = g[i] * 0.8;
                int j = 2 + i;
                wantM[j] = (float) (0.9 * wantM[j] + (1 - 0.9) * gi);
                wantV[j] = (float) (0.95 * wantV[j] + (1 - 0.95) * gi * gi);
                float x = wantW[i];
                wantW[i] = (float) (x
                        - 3e-3 * ((wantM[j] / k.bias1()) / (Math.sqrt(wantV[j] / k.bias2()) + 1e-8) + 0.01 * x));
            }
            for (ElementwiseKernel kernel : new ElementwiseKernel[] {VECTOR, SCALAR}) {
                float[] ww = w.clone(), mm = m.clone(), vv = v.clone();
                kernel.adamw(g, ww, mm, vv, 2, n, k);
                for (int i = 0; i < n; i++) {
                    String at = kernel.describe() + ", n=" + n + ", i=" + i;
                    assertEquals(wantW[i], ww[i], "w, " + at);
                    assertEquals(wantM[2 + i], mm[2 + i], "m, " + at);
                    assertEquals(wantV[2 + i], vv[2 + i], "v, " + at);
                }
            }
            FloatBuffer gb = Matrix.allocate(n + 1), wb = Matrix.allocate(n);
            for (int i = 0; i < n; i++) {
                gb.put(1 + i, g[i]);
                wb.put(i, w[i]);
            }
            float[] mm = m.clone(), vv = v.clone();
            Elementwise.adamw(gb, 1, wb, 0, mm, vv, 2, n, k);
            for (int i = 0; i < n; i++) assertEquals(wantW[i], wb.get(i), "buffers, n=" + n + ", i=" + i);
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
