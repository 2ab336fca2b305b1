package t2j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AttentionTest {
    @Test
    void aHeadMatchesSoftmaxAttentionInDoubleOverEachQuerysVisibleKeys() {
        // With a window, most queries see keys the one before did not (one at a time); without, they go in pairs.
        for (int window : new int[] {9, 0})
            for (int hd : new int[] {8, 20, 32, 64}) headMatchesDoubleAttention(hd, window);
    }

    private static void headMatchesDoubleAttention(int hd, int window) {
        {
            int past = 5, t = 23, keysLen = past + t, qStride = 3 * hd, outStride = hd + 4;
            SplittableRandom r = new SplittableRandom(hd);
            FloatBuffer q = Matrix.allocate((long) t * qStride), out = Matrix.allocate((long) t * outStride);
            FloatBuffer keys = Matrix.allocate((long) (keysLen + 2) * hd),
                    values = Matrix.allocate((long) (keysLen + 2) * hd);
            for (int i = 0; i < q.capacity(); i++) q.put(i, (float) r.nextGaussian());
            for (int i = 0; i < keys.capacity(); i++) {
                keys.put(i, (float) r.nextGaussian());
                values.put(i, (float) r.nextGaussian());
            }
            int kvOff = 2 * hd; // the head's keys start after two slots of another head
            float scale = (float) (1 / Math.sqrt(hd));
            Attention.head(
                    q,
                    hd,
                    qStride,
                    t,
                    past,
                    s -> window > 0 ? Math.max(0, s - window + 1) : 0,
                    keys,
                    values,
                    kvOff,
                    hd,
                    scale,
                    out,
                    4,
                    outStride);
            for (int i = 0; i < t; i++) {
                int last = past + i, first = window > 0 ? Math.max(0, last - window + 1) : 0;
                double[] w = new double[keysLen];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = first; j <= last; j++) {
                    for (int d = 0; d < hd; d++)
                        w[j] += (double) q.get(hd + i * qStride + d) * keys.get(kvOff + j * hd + d);
                    w[j] *= scale;
                    max = Math.max(max, w[j]);
                }
                for (int j = first; j <= last; j++) sum += (w[j] = Math.exp(w[j] - max));
                for (int d = 0; d < hd; d++) {
                    double want = 0;
                    for (int j = first; j <= last; j++) want += w[j] / sum * values.get(kvOff + j * hd + d);
                    assertEquals(
                            want,
                            out.get(4 + i * outStride + d),
                            2e-6,
                            "hd=" + hd + ", window " + window + ", query " + i + ", dim " + d);
                }
            }
        }
    }

    @Test
    void vectorAndScalarProductsAgreeBitForBit() {
        ElementwiseKernel v = Elementwise.loadKernel(), s = new ElementwiseScalarKernel();
        // 24, 32 and 80 leave columns past whole groups of four vectors; 70 keys need two of the paired scores' passes.
        for (int hd : new int[] {24, 32, 64, 80}) {
            for (int n : new int[] {29, 70}) {
                SplittableRandom r = new SplittableRandom(5 + hd + n);
                int keys = n + 4, stride = keys + v.scoreSpan(1);
                float[] q = new float[2 * hd], kT = new float[hd * stride], vals = new float[keys * hd];
                float[] p = new float[keys], p2 = new float[keys];
                for (int i = 0; i < q.length; i++) q[i] = (float) r.nextGaussian();
                for (int i = 0; i < kT.length; i++) kT[i] = (float) r.nextGaussian();
                for (int i = 0; i < vals.length; i++) vals[i] = (float) r.nextGaussian();
                for (int i = 0; i < keys; i++) {
                    p[i] = (float) r.nextDouble();
                    p2[i] = (float) r.nextDouble();
                }
                int size = Math.max(v.scoreSpan(keys), keys);
                float[] sv = new float[size], ss = new float[size], sv2 = new float[size], ss2 = new float[size];
                String at = "hd=" + hd + ", n=" + n + ", ";
                v.scores(q, 0, kT, stride, 3, n, hd, 0.2f, sv);
                s.scores(q, 0, kT, stride, 3, n, hd, 0.2f, ss);
                for (int i = 0; i < n; i++) assertEquals(ss[i], sv[i], at + "score " + i);
                v.scoresOfTwo(q, 0, hd, kT, stride, 3, n, hd, 0.2f, sv, sv2);
                s.scores(q, hd, kT, stride, 3, n, hd, 0.2f, ss2);
                for (int i = 0; i < n; i++) {
                    assertEquals(ss[i], sv[i], at + "first of two, score " + i);
                    assertEquals(ss2[i], sv2[i], at + "second of two, score " + i);
                }
                float[] ov = new float[3 * hd], os = new float[3 * hd];
                v.weightedValues(p, n, vals, 3, hd, ov, 0);
                s.weightedValues(p, n, vals, 3, hd, os, 0);
                for (int k = 0; k < hd; k++) assertEquals(os[k], ov[k], at + "output " + k);
                v.weightedValuesOfTwo(p, n, p2, n + 1, vals, 3, hd, ov, hd, 2 * hd);
                s.weightedValues(p2, n + 1, vals, 3, hd, os, 2 * hd);
                for (int k = 0; k < hd; k++) {
                    assertEquals(os[k], ov[hd + k], at + "first of two, output " + k);
                    assertEquals(os[2 * hd + k], ov[2 * hd + k], at + "second of two, output " + k);
                }
            }
        }
    }
}
