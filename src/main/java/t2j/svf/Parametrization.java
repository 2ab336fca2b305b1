package t2j.svf;

import java.util.SplittableRandom;

/**
 * How a z-vector turns singular values σ into the adapted ones σ′ of {@code W′ = U·diag(σ′)·Vᵀ}: the forward map
 * {@link #adaptedSigma} and its vector-Jacobian product {@link #gradZ}, which the trainer uses.
 *
 * <p>Two are built in: {@link #SIGMOID_MASK}, the released code's {@code σ′ = c·σ⊙m} with {@code m = sigmoid(z)}
 * and {@code c = Σσ / Σ(σ⊙m)}, and {@link #PLAIN_SCALE}, the paper's {@code σ′ = σ⊙z}. Your own is made with
 * {@link #elementwise} (σ′ᵢ = f(zᵢ, σᵢ); the engine derives the gradient exactly) or {@link #of} (any map, with
 * or without its gradient); either way it is registered under its id, so experts trained with it save and load
 * by name, and its gradient is checked against central finite differences on first use:
 *
 * <pre>{@code
 * var additive = Parametrization.elementwise("additive", (z, s) -> z.clamp(-1, 1).plus(1).times(s), 0f);
 * Expert e = Training.of(model, task).parametrization(additive).run().expert();
 * }</pre>
 *
 * <p>Experts mix by summing z ({@code z′ = Σ α_k·z_k}) and taking {@code sigmaFromMask(σ, masks(z′))}, which is
 * {@code adaptedSigma(σ, z′)}; a parametrization with a mask of its own (the sigmoid) overrides both.
 */
public interface Parametrization {
    /** The released code's: {@code m = sigmoid(z)}, {@code σ′ = σ⊙m · Σσ/Σ(σ⊙m)}; init z = 0.1 + 0.01·N(0,1). */
    Parametrization SIGMOID_MASK = Parametrizations.builtIn(new SigmoidMask());

    /**
     * The paper's: {@code σ′ = σ⊙z}; init z = 1 (the base model). Defined like a user's, element-wise, with its
     * gradient from dual numbers: the single product rounds to the same float as the hand-written one did.
     */
    Parametrization PLAIN_SCALE = Parametrizations.builtIn(
            new MapParametrization("plain-scale", (ZMap.Elementwise) (z, s) -> z.times(s), 1f, "PLAIN_SCALE"));

    /** Name in expert files, e.g. {@code sigmoid-mask}. */
    String id();

    /** The forward map: σ′ from σ and z (both of the matrix's rank r). */
    float[] adaptedSigma(float[] sigma, float[] z);

    /** The vector-Jacobian product: dL/dz from dL/dσ′. */
    float[] gradZ(float[] sigma, float[] z, float[] gSigma);

    /** A z that leaves the weights exactly as they are. */
    float[] identityZ(int r);

    /** Training's starting point for a matrix of rank r; the identity unless the parametrization says otherwise. */
    default float[] initialZ(int r, SplittableRandom rnd) {
        return identityZ(r);
    }

    /** The mask vector of z: what mixtures and charts see; z itself unless the parametrization has a mask. */
    default float[] masks(float[] z) {
        return z.clone();
    }

    /** σ′ from σ and a mask vector (of a mixed z′). */
    default float[] sigmaFromMask(float[] sigma, float[] mask) {
        return adaptedSigma(sigma, mask);
    }

    /**
     * An element-wise parametrization {@code σ′ᵢ = f(zᵢ, σᵢ)} written with {@link Dual} arithmetic, so the engine
     * obtains the exact derivative (forward-mode automatic differentiation) with no gradient from you. Registered
     * under {@code id}, replacing an earlier definition of the same id (re-running a cell).
     *
     * @param identity the z value that leaves σ unchanged (1 for a scale, 0 for an additive map)
     */
    static Parametrization elementwise(String id, ZMap.Elementwise f, float identity) {
        return Parametrizations.register(new CheckedParametrization(new MapParametrization(id, f, identity, id)));
    }

    /**
     * Any parametrization: {@code map}'s forward, and its vector-Jacobian product when it gives one; a map that gives
     * none must be {@link ZMap.Elementwise}. Registered under {@code id} like {@link #elementwise}.
     */
    static Parametrization of(String id, ZMap map, float identity) {
        return Parametrizations.register(new CheckedParametrization(new MapParametrization(id, map, identity, id)));
    }

    /** The registered parametrization named {@code id}. */
    static Parametrization fromId(String id) {
        return Parametrizations.byId(id);
    }
}
