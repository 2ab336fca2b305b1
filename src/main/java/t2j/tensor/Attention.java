package t2j.tensor;

import java.nio.FloatBuffer;
import java.util.function.IntUnaryOperator;

/**
 * Causal attention of one head, computed directly rather than as two BLAS products: each query scores only the keys it
 * may see (a causal prefill needs half of {@code Q·Kᵀ}), softmax runs on the scores while they are in L1, and the
 * values are summed with the probabilities as weights. A head's products are a few MFLOP, where a BLAS call costs
 * more in packing and hand-off than in arithmetic. Keys are transposed once per head, so a query's scores are whole
 * vectors of keys; every sum runs in a fixed order with one FMA per term, the same bits on any thread and any JIT tier.
 */
public final class Attention {
    private Attention() {}

    /**
     * For queries {@code i < t} (query {@code i} at {@code q[qOff + i·qStride ..+hd)}, in key slot {@code past + i}):
     * {@code out[outOff + i·outStride ..+hd) = Σ_j softmax_j(scale · q·k_j) · v_j} over the key slots {@code j} from
     * {@code firstVisible(past + i)} to {@code past + i}; key and value {@code j} sit at {@code keys/values[kvOff +
     * j·hd ..+hd)}.
     */
    public static void head(
            FloatBuffer q,
            int qOff,
            int qStride,
            int t,
            int past,
            IntUnaryOperator firstVisible,
            FloatBuffer keys,
            FloatBuffer values,
            int kvOff,
            int hd,
            float scale,
            FloatBuffer out,
            int outOff,
            int outStride) {
        ElementwiseKernel k = Elementwise.KERNEL;
        // A row of kT is read past its keys, as far as the kernel's score span: the slot is kT's alone, so what lies
        // there is zeros or an earlier head's keys, never a subnormal left by another loop (which would slow the FMAs).
        int keysLen = past + t, lanes = k.padded(1), stride = keysLen + k.scoreSpan(1);
        float[] kT = Elementwise.scratch(Elementwise.KEYS_SLOT, hd * stride),
                rows = Elementwise.scratch(1, keysLen * hd);
        keys.get(kvOff, rows, 0, keysLen * hd);
        for (int j = 0; j < keysLen; j++) for (int d = 0; d < hd; d++) kT[d * stride + j] = rows[j * hd + d];
        values.get(kvOff, rows, 0, keysLen * hd);
        int scores = Math.max(k.scoreSpan(keysLen), k.padded(keysLen) + lanes);
        float[] s = Elementwise.scratch(2, scores), s2 = Elementwise.scratch(4, scores);
        float[] qo = Elementwise.scratch(3, 4 * hd);
        for (int i = 0; i < t; ) {
            int last = past + i, from = firstVisible.applyAsInt(last), n = last - from + 1;
            q.get(qOff + i * qStride, qo, 0, hd);
            if (i + 1 < t && firstVisible.applyAsInt(last + 1) == from) {
                // The next query sees the same keys and one more: the two share every key and value read.
                q.get(qOff + (i + 1) * qStride, qo, hd, hd);
                k.scoresOfTwo(qo, 0, hd, kT, stride, from, n + 1, hd, scale, s, s2);
                normalise(k, s, n);
                normalise(k, s2, n + 1);
                k.weightedValuesOfTwo(s, n, s2, n + 1, rows, from, hd, qo, 2 * hd, 3 * hd);
                out.put(outOff + i * outStride, qo, 2 * hd, hd);
                out.put(outOff + (i + 1) * outStride, qo, 3 * hd, hd);
                i += 2;
            } else {
                k.scores(qo, 0, kT, stride, from, n, hd, scale, s);
                normalise(k, s, n);
                k.weightedValues(s, n, rows, from, hd, qo, hd);
                out.put(outOff + i * outStride, qo, hd, hd);
                i++;
            }
        }
    }

    /** Softmax over the first {@code n} scores, the padding up to whole vectors masked out. */
    private static void normalise(ElementwiseKernel k, float[] s, int n) {
        java.util.Arrays.fill(s, n, k.padded(n), Float.NEGATIVE_INFINITY);
        k.softmax(s, n);
    }
}
