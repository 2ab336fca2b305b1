package t2j.svf;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A user's parametrization whose gradient is compared with central finite differences of its own forward map the
 * first time the trainer asks for it (at a real z, σ and dL/dσ′), and refused, naming the worst coordinate and both
 * values, when they disagree. A wrong hand-written chain rule otherwise trains silently in a wrong direction.
 */
final class CheckedParametrization implements Parametrization {
    /** Relative disagreement allowed per coordinate; the forward runs in float, so differences carry ~1e-4 noise. */
    private static final double RELATIVE = 0.05;
    /** Allowed absolute disagreement, as a fraction of the largest gradient entry (entries near 0 are noisy). */
    private static final double FLOOR = 2e-3;

    private final Parametrization inner;
    private volatile boolean checked;

    CheckedParametrization(Parametrization inner) {
        this.inner = inner;
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public float[] adaptedSigma(float[] sigma, float[] z) {
        return inner.adaptedSigma(sigma, z);
    }

    @Override
    public float[] gradZ(float[] sigma, float[] z, float[] gSigma) {
        float[] gz = inner.gradZ(sigma, z, gSigma);
        if (!checked) {
            synchronized (this) {
                // A zero dL/dσ′ (every rollout rewarded alike) tests nothing: wait for one that does.
                if (!checked && !allZero(gSigma)) {
                    check(sigma, z, gSigma, gz);
                    checked = true;
                }
            }
        }
        return gz;
    }

    @Override
    public float[] identityZ(int r) {
        return inner.identityZ(r);
    }

    @Override
    public float[] initialZ(int r, SplittableRandom rnd) {
        return inner.initialZ(r, rnd);
    }

    @Override
    public float[] masks(float[] z) {
        return inner.masks(z);
    }

    @Override
    public float[] sigmaFromMask(float[] sigma, float[] mask) {
        return inner.sigmaFromMask(sigma, mask);
    }

    @Override
    public String toString() {
        return inner.toString();
    }

    private void check(float[] sigma, float[] z, float[] gSigma, float[] given) {
        int r = z.length;
        double[] numeric = new double[r];
        double[] noise = new double[r];
        double largest = 0;
        for (int i = 0; i < r; i++) {
            float[] up = z.clone();
            float[] down = z.clone();
            float h = 1e-3f * Math.max(1f, Math.abs(z[i]));
            up[i] += h;
            down[i] -= h;
            float[] fUp = inner.adaptedSigma(sigma, up);
            float[] fDown = inner.adaptedSigma(sigma, down);
            double dot = 0;
            double rounding = 0;
            for (int j = 0; j < r; j++) {
                dot += (double) gSigma[j] * ((double) fUp[j] - fDown[j]);
                rounding += Math.abs(gSigma[j]) * (Math.ulp(fUp[j]) + Math.ulp(fDown[j]));
            }
            double step = (double) up[i] - down[i];
            numeric[i] = dot / step;
            // What float rounding of the forward alone can put into the difference quotient.
            noise[i] = 4 * rounding / step;
            largest = Math.max(largest, Math.max(Math.abs(numeric[i]), Math.abs(given[i])));
        }
        int worst = -1;
        double worstExcess = 1;
        for (int i = 0; i < r; i++) {
            double difference = Math.abs(given[i] - numeric[i]);
            double allowed = RELATIVE * Math.max(Math.abs(numeric[i]), Math.abs(given[i])) + FLOOR * largest + noise[i];
            double excess = difference == 0 ? 0 : difference / allowed;
            if (!(excess <= worstExcess)) { // also catches NaN
                worst = i;
                worstExcess = excess;
            }
        }
        if (worst >= 0)
            throw new IllegalStateException(String.format(
                    Locale.ROOT,
                    "parametrization '%s': its gradient is wrong at"
                            + " z[%d] of a rank-%d matrix: given dL/dz = %.6g, central finite differences of its forward give"
                            + " %.6g (z = %.4g, σ = %.4g). Fix its vjp, or write it with Parametrization.elementwise so the"
                            + " engine derives the gradient.",
                    id(),
                    worst,
                    r,
                    given[worst],
                    numeric[worst],
                    z[worst],
                    sigma[worst]));
    }

    private static boolean allZero(float[] v) {
        for (float x : v) if (x != 0) return false;
        return true;
    }
}
