package t2j.model;

import java.nio.FloatBuffer;
import t2j.tensor.Matrix;

/** The element-wise pieces of the decoder, shared by inference ({@link Transformer}) and training ({@link Backprop}). */
final class Ops {
    private Ops() {}

    /** {@code out = x / sqrt(mean(x²) + eps) · weight} for {@code n} rows of width {@code d}; returns nothing, stores 1/rms per row in {@code invRms} when given. */
    static void rmsNorm(FloatBuffer x, FloatBuffer out, int n, int d, Matrix weight, float eps, float[] invRms) {
        FloatBuffer w = weight.blockOf(0);
        for (int r = 0; r < n; r++) {
            int o = r * d;
            float ss = 0;
            for (int i = 0; i < d; i++) {
                float v = x.get(o + i);
                ss += v * v;
            }
            float inv = (float) (1.0 / Math.sqrt(ss / d + eps));
            if (invRms != null) invRms[r] = inv;
            for (int i = 0; i < d; i++) out.put(o + i, w.get(i) * (x.get(o + i) * inv));
        }
    }

    /** Softmax over {@code row[lo..hi]} of a row at {@code off} of length {@code len}; every other entry becomes 0. */
    static void softmaxRange(FloatBuffer s, int off, int len, int lo, int hi) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = lo; j <= hi; j++) max = Math.max(max, s.get(off + j));
        float sum = 0;
        for (int j = 0; j < len; j++) {
            float e = j >= lo && j <= hi ? (float) Math.exp(s.get(off + j) - max) : 0f;
            s.put(off + j, e);
            sum += e;
        }
        float inv = 1f / sum;
        for (int j = lo; j <= hi; j++) s.put(off + j, s.get(off + j) * inv);
    }

    /** {@code act = silu(gate) · up}, with gate and up side by side in each row of {@code gu}. */
    static void swiglu(FloatBuffer gu, FloatBuffer act, int n, int ff) {
        for (int r = 0; r < n; r++) {
            int g = r * 2 * ff, a = r * ff;
            for (int i = 0; i < ff; i++) {
                float x = gu.get(g + i);
                act.put(a + i, x / (1f + (float) Math.exp(-x)) * gu.get(g + ff + i));
            }
        }
    }

    /** First key slot a query in slot {@code q} may attend to: real tokens of its row inside the sliding window. */
    static int firstVisible(int q, int pad, int window) {
        if (q < pad) return q; // a padding query attends to itself only; its output is never read
        return Math.max(pad, window > 0 ? q - window + 1 : 0);
    }
}
