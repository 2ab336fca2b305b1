package t2j.svf;

/**
 * What you write to define a parametrization ({@link Parametrization#of}): the forward map (z, σ) → σ′ and,
 * optionally, its vector-Jacobian product. An element-wise map ({@link Elementwise}) needs no gradient: the engine
 * differentiates it exactly with dual numbers.
 */
@FunctionalInterface
public interface ZMap {
    /** σ′ from z and σ, both of the matrix's rank r. */
    float[] forward(float[] z, float[] sigma);

    /** dL/dz from dL/dσ′ ({@code gSigma}) at z; null when this map gives none. */
    default float[] vjp(float[] z, float[] sigma, float[] gSigma) {
        return null;
    }

    /**
     * {@code σ′ᵢ = f(zᵢ, σᵢ)}, written with {@link Dual} arithmetic: evaluating it on a dual z carries dσ′ᵢ/dzᵢ
     * along exactly (forward-mode automatic differentiation), so the vector-Jacobian product is
     * {@code gSigmaᵢ·dσ′ᵢ/dzᵢ} with no finite-difference error. Chosen over a general autodiff library because
     * every map of one z per singular value is element-wise, and one forward pass gives the whole gradient.
     */
    @FunctionalInterface
    interface Elementwise extends ZMap {
        Dual apply(Dual z, double sigma);

        @Override
        default float[] forward(float[] z, float[] sigma) {
            float[] out = new float[z.length];
            for (int i = 0; i < out.length; i++)
                out[i] = (float) apply(Dual.constant(z[i]), sigma[i]).value();
            return out;
        }

        @Override
        default float[] vjp(float[] z, float[] sigma, float[] gSigma) {
            float[] gz = new float[z.length];
            for (int i = 0; i < gz.length; i++)
                gz[i] = (float)
                        (gSigma[i] * apply(Dual.variable(z[i]), sigma[i]).derivative());
            return gz;
        }
    }
}
