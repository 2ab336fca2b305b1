package t2j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AttentionTest {
    @Test
    void aHeadMatchesSoftmaxAttentionInDoubleOverEachQuerysVisibleKeys() {
        for (int hd : new int[] {8, 20, 32}) {
            int past = 5, t = 23, keysLen = past + t, window = 9, qStride = 3 * hd, outStride = hd + 4;
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
                    s -> Math.max(0, s - window + 1),
                    keys,
                    values,
                    kvOff,
                    hd,
                    scale,
                    out,
                    4,
                    outStride);
            for (int i = 0; i < t; i++) {
                int last = past + i, first = Math.max(0, last - window + 1);
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
                            want, out.get(4 + i * outStride + d), 2e-6, "hd=" + hd + ", query " + i + ", dim " + d);
                }
            }
        }
    }

    @Test
    void vectorAndScalarProductsAgreeBitForBit() {
        ElementwiseKernel v = Elementwise.loadKernel(), s = new ElementwiseScalarKernel();
        SplittableRandom r = new SplittableRandom(5);
        int hd = 24, keys = 40, stride = keys + 64;
        float[] q = new float[hd], kT = new float[hd * stride], vals = new float[keys * hd], p = new float[keys];
        for (int i = 0; i < q.length; i++) q[i] = (float) r.nextGaussian();
        for (int i = 0; i < kT.length; i++) kT[i] = (float) r.nextGaussian();
        for (int i = 0; i < vals.length; i++) vals[i] = (float) r.nextGaussian();
        for (int i = 0; i < p.length; i++) p[i] = (float) r.nextDouble();
        float[] sv = new float[stride], ss = new float[stride], ov = new float[hd], os = new float[hd];
        v.scores(q, 0, kT, stride, 3, 29, hd, 0.2f, sv);
        s.scores(q, 0, kT, stride, 3, 29, hd, 0.2f, ss);
        for (int i = 0; i < 29; i++) assertEquals(ss[i], sv[i], "score " + i);
        v.weightedValues(p, 29, vals, 3, hd, ov, 0);
        s.weightedValues(p, 29, vals, 3, hd, os, 0);
        for (int k = 0; k < hd; k++) assertEquals(os[k], ov[k], "output " + k);
    }
}
