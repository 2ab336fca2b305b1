package t2j.svf;

import java.util.SplittableRandom;

/**
 * The two parametrizations exactly as the engine computed them before parametrizations became open (the enum's
 * code, verbatim), as the reference the new built-ins must match bit for bit.
 */
public final class TodaysParametrizations {
    private TodaysParametrizations() {}

    public static final Parametrization SIGMOID_MASK = new Parametrization() {
        @Override
        public String id() {
            return "todays-sigmoid-mask";
        }

        float mask(float z) {
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
            return new float[r];
        }

        @Override
        public float[] masks(float[] z) {
            float[] m = new float[z.length];
            for (int i = 0; i < m.length; i++) m[i] = mask(z[i]);
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
            float[] gz = new float[r];
            for (int i = 0; i < r; i++) {
                double gsI = c * gSigma[i] - c / sumSm * gs;
                gz[i] = (float) (gsI * sigma[i] * m[i] * (1 - m[i]));
            }
            return gz;
        }
    };

    public static final Parametrization PLAIN_SCALE = new Parametrization() {
        @Override
        public String id() {
            return "todays-plain-scale";
        }

        @Override
        public float[] identityZ(int r) {
            float[] z = new float[r];
            java.util.Arrays.fill(z, 1f);
            return z;
        }

        @Override
        public float[] masks(float[] z) {
            float[] m = new float[z.length];
            for (int i = 0; i < m.length; i++) m[i] = z[i];
            return m;
        }

        @Override
        public float[] sigmaFromMask(float[] sigma, float[] m) {
            float[] out = new float[sigma.length];
            for (int i = 0; i < out.length; i++) out[i] = sigma[i] * m[i];
            return out;
        }

        @Override
        public float[] adaptedSigma(float[] sigma, float[] z) {
            return sigmaFromMask(sigma, masks(z));
        }

        @Override
        public float[] gradZ(float[] sigma, float[] z, float[] gSigma) {
            float[] gz = new float[sigma.length];
            for (int i = 0; i < gz.length; i++) gz[i] = gSigma[i] * sigma[i];
            return gz;
        }
    };
}
