package t2j.svf;

import java.util.SplittableRandom;

/**
 * The released code's parametrization, {@link Parametrization#SIGMOID_MASK}: {@code m = sigmoid(z)},
 * {@code σ′ = σ⊙m · Σσ/Σ(σ⊙m)} (the nuclear norm is kept; only ratios between components matter), with its
 * hand-derived vector-Jacobian product. Not element-wise (the rescale couples all components), so it gives its own.
 */
final class SigmoidMask implements Parametrization {
    @Override
    public String id() {
        return "sigmoid-mask";
    }

    /** Init z = 0.1 + 0.01·N(0,1), as the released code. */
    @Override
    public float[] initialZ(int r, SplittableRandom rnd) {
        float[] z = new float[r];
        for (int i = 0; i < r; i++) z[i] = 0.1f + 0.01f * (float) t2j.util.Seeds.gaussian(rnd);
        return z;
    }

    @Override
    public float[] identityZ(int r) {
        return new float[r]; // any constant mask gives W′ = W after the rescale; z = 0 is the plainest
    }

    @Override
    public float[] masks(float[] z) {
        float[] m = new float[z.length];
        for (int i = 0; i < m.length; i++) m[i] = 1f / (1f + (float) Math.exp(-z[i]));
        return m;
    }

    @Override
    public float[] sigmaFromMask(float[] sigma, float[] m) {
        double sumS = 0, sumSm = 0;
        for (int i = 0; i < sigma.length; i++) {
            sumS += sigma[i];
            sumSm += sigma[i] * m[i];
        }
        float c = (float) (sumS / sumSm);
        float[] out = new float[sigma.length];
        for (int i = 0; i < out.length; i++) out[i] = c * sigma[i] * m[i];
        return out;
    }

    @Override
    public float[] adaptedSigma(float[] sigma, float[] z) {
        return sigmaFromMask(sigma, masks(z));
    }

    @Override
    public float[] gradZ(float[] sigma, float[] z, float[] gSigma) {
        int r = sigma.length;
        float[] m = masks(z);
        double sumS = 0, sumSm = 0, gs = 0;
        for (int i = 0; i < r; i++) {
            sumS += sigma[i];
            sumSm += sigma[i] * m[i];
        }
        double c = sumS / sumSm;
        for (int i = 0; i < r; i++) gs += gSigma[i] * sigma[i] * m[i];
        // σ′_i = c·s_i with s = σ⊙m, c = Σσ/Σs:  dL/ds_i = c·g_i − (c/Σs)·Σ_j g_j s_j
        float[] gz = new float[r];
        for (int i = 0; i < r; i++) {
            double gsI = c * gSigma[i] - c / sumSm * gs;
            gz[i] = (float) (gsI * sigma[i] * m[i] * (1 - m[i]));
        }
        return gz;
    }

    /** The enum constant's name it had before parametrizations became open: printed outputs stay as they were. */
    @Override
    public String toString() {
        return "SIGMOID_MASK";
    }
}
