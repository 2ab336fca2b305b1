package t2j.svf;

import java.util.SplittableRandom;

/**
 * How a z-vector turns singular values σ into the adapted ones σ′ of {@code W′ = U·diag(σ′)·Vᵀ}.
 *
 * <p>Two are built in: {@link #SIGMOID_MASK}, the released code's {@code σ′ = c·σ⊙m} with {@code m = maxMult·sigmoid(z)}
 * and {@code c = Σσ / Σ(σ⊙m)} (the nuclear norm is kept; only ratios between components matter), and
 * {@link #PLAIN_SCALE}, the paper's {@code σ′ = σ⊙z}. Experts mix in <em>mask</em> space, so a one-hot mixture
 * reproduces an expert exactly.
 */
public enum Parametrization {
    /** The released code's: {@code m = sigmoid(z)}, {@code σ′ = σ⊙m · Σσ/Σ(σ⊙m)}; init z = 0.1 + 0.01·N(0,1). */
    SIGMOID_MASK {
        @Override
        public float mask(float z) {
            return 1f / (1f + (float) Math.exp(-z));
        }

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
    },

    /** The paper's: {@code σ′ = σ⊙z}; init z = 1 (the base model). */
    PLAIN_SCALE {
        @Override
        public float mask(float z) {
            return z;
        }

        @Override
        public float[] initialZ(int r, SplittableRandom rnd) {
            return identityZ(r);
        }

        @Override
        public float[] identityZ(int r) {
            float[] z = new float[r];
            java.util.Arrays.fill(z, 1f);
            return z;
        }

        @Override
        public float[] sigmaFromMask(float[] sigma, float[] m) {
            float[] out = new float[sigma.length];
            for (int i = 0; i < out.length; i++) out[i] = sigma[i] * m[i];
            return out;
        }

        @Override
        public float[] gradZ(float[] sigma, float[] z, float[] gSigma) {
            float[] gz = new float[sigma.length];
            for (int i = 0; i < gz.length; i++) gz[i] = gSigma[i] * sigma[i];
            return gz;
        }
    };

    /** The multiplier one z entry puts on its singular value before any rescaling. */
    public abstract float mask(float z);

    /** Training's starting point for a matrix of rank r. */
    public abstract float[] initialZ(int r, SplittableRandom rnd);

    /** A z that leaves the weights exactly as they are. */
    public abstract float[] identityZ(int r);

    /** σ′ from σ and a mask vector (for mixtures: {@code Σ α_k·mask_k}). */
    public abstract float[] sigmaFromMask(float[] sigma, float[] mask);

    /** dL/dz from dL/dσ′. */
    public abstract float[] gradZ(float[] sigma, float[] z, float[] gSigma);

    /** The mask vector of z. */
    public float[] masks(float[] z) {
        float[] m = new float[z.length];
        for (int i = 0; i < m.length; i++) m[i] = mask(z[i]);
        return m;
    }

    /** σ′ from σ and z. */
    public float[] adaptedSigma(float[] sigma, float[] z) {
        return sigmaFromMask(sigma, masks(z));
    }

    /** Name used in expert files: {@code sigmoid-mask} or {@code plain-scale}. */
    public String id() {
        return name().toLowerCase().replace('_', '-');
    }

    /** Parses {@link #id()}. */
    public static Parametrization fromId(String id) {
        for (Parametrization p : values()) if (p.id().equals(id)) return p;
        throw new IllegalArgumentException("unknown parametrization '" + id + "' (expected sigmoid-mask or plain-scale)");
    }

}
