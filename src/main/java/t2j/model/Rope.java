package t2j.model;

import java.nio.FloatBuffer;
import t2j.tensor.Elementwise;

/**
 * Rotary position embeddings in Hugging Face's "rotate half" layout: dimension {@code i} of a head is paired with
 * {@code i + headDim/2} (not with {@code i+1} as in Meta's original code), with Llama-3's frequency scaling.
 *
 * <p>Frequencies and angles are computed in float32 the way HF does, so that logits agree to ~1e-6.
 */
public final class Rope {
    private final int half;
    private final float[] invFreq;
    private float[] cos = new float[0];
    private float[] sin = new float[0];
    private int cached;

    public Rope(ModelConfig c) {
        int dim = c.headDim();
        half = dim / 2;
        invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) dim;
            invFreq[i] = 1f / (float) Math.pow(c.ropeTheta(), exponent);
        }
        if (c.ropeScaling() != null) llama3Scaling(c.ropeScaling());
    }

    /** Llama-3.1's scaling: long wavelengths are slowed by {@code factor}, short ones kept, the band between blended. */
    private void llama3Scaling(ModelConfig.RopeScaling s) {
        double lowWavelen = s.originalMaxPositionEmbeddings() / s.lowFreqFactor();
        double highWavelen = s.originalMaxPositionEmbeddings() / s.highFreqFactor();
        for (int i = 0; i < half; i++) {
            double f = invFreq[i];
            double wavelen = 2 * Math.PI / f;
            double scaled = wavelen > lowWavelen ? f / s.factor() : f;
            if (wavelen >= highWavelen && wavelen <= lowWavelen) {
                double smooth = (s.originalMaxPositionEmbeddings() / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor());
                scaled = (1 - smooth) * scaled / s.factor() + smooth * scaled;
            }
            invFreq[i] = (float) scaled;
        }
    }

    /** The inverse frequencies, one per rotated pair (for tests and plots). */
    public float[] inverseFrequencies() {
        return invFreq.clone();
    }

    private void ensure(int positions) {
        if (positions <= cached) return;
        int n = Math.max(positions, Math.max(64, cached * 2));
        float[] c = new float[n * half], s = new float[n * half];
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < half; i++) {
                float angle = invFreq[i] * (float) p;
                c[p * half + i] = (float) Math.cos(angle);
                s[p * half + i] = (float) Math.sin(angle);
            }
        }
        cos = c;
        sin = s;
        cached = n;
    }

    /** Rotates {@code heads} consecutive head vectors starting at {@code off} in place, for token position {@code pos}. */
    public void apply(FloatBuffer x, int off, int heads, int pos) {
        rotate(x, off, heads, pos, 1f);
    }

    /** The transpose (inverse) rotation: carries a gradient back through {@link #apply}. */
    public void applyTransposed(FloatBuffer x, int off, int heads, int pos) {
        rotate(x, off, heads, pos, -1f);
    }

    private void rotate(FloatBuffer x, int off, int heads, int pos, float direction) {
        ensure(pos + 1);
        Elementwise.rotate(x, off, heads, half, cos, sin, pos * half, direction);
    }
}
