package t2j.svf;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import t2j.adapter.Adapter;
import t2j.model.Backprop;
import t2j.model.Transformer;
import t2j.tensor.Blas;
import t2j.tensor.Matrix;

/**
 * Singular Value Fine-tuning on a live model: one z-vector per decomposed matrix, composed into the weights as
 * {@code W′ = U·diag(σ′(z))·Vᵀ}.
 *
 * <p>The gradient never forms an m×n matrix: for {@code y = W′x}, {@code dL/dσ′ = Σ_t (Uᵀg_t) ⊙ (Vᵀx_t)}, two thin
 * products per matrix, then the parametrization's chain rule to z.
 *
 * <pre>{@code
 * SvfAdapter svf = new SvfAdapter(model, decomposition, Parametrization.SIGMOID_MASK, 42);
 * svf.apply();     // the model now runs with W′
 * svf.restore();   // and now with W again
 * }</pre>
 */
public final class SvfAdapter implements Adapter {
    private final Transformer model;
    private final Decomposition dec;
    private final Parametrization param;
    private final Map<String, float[]> z = new LinkedHashMap<>();
    private final t2j.adapter.WeightSnapshot base;

    /** z initialised as the parametrization's training start, seeded. */
    public SvfAdapter(Transformer model, Decomposition dec, Parametrization param, long seed) {
        this.model = model;
        this.dec = dec;
        this.param = param;
        if (!dec.fingerprint().equals(model.weights().fingerprint()))
            throw new IllegalStateException(
                    "the decomposition was computed from other weights than this model's (fingerprint "
                            + dec.fingerprint() + " vs " + model.weights().fingerprint()
                            + "); is an adapter already applied?");
        SplittableRandom rnd = new SplittableRandom(seed);
        for (String name : dec.names()) z.put(name, param.initialZ(dec.get(name).rank(), rnd));
        base = new t2j.adapter.WeightSnapshot(model.weights(), dec.names());
    }

    public Parametrization parametrization() {
        return param;
    }

    public Decomposition decomposition() {
        return dec;
    }

    public Transformer model() {
        return model;
    }

    @Override
    public Map<String, float[]> parameters() {
        return z;
    }

    /** Replaces the z-vectors (e.g. with a loaded expert's), checking names and lengths. */
    public void setZ(Map<String, float[]> values) {
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            float[] mine = z.get(e.getKey());
            if (mine == null)
                throw new IllegalArgumentException(
                        "z-vector for '" + e.getKey() + "', which this adapter does not target");
            if (mine.length != e.getValue().length)
                throw new IllegalArgumentException("z-vector for '" + e.getKey() + "' has length " + e.getValue().length
                        + ", expected " + mine.length);
            System.arraycopy(e.getValue(), 0, mine, 0, mine.length);
        }
    }

    @Override
    public void apply() {
        for (Map.Entry<String, float[]> e : z.entrySet()) {
            Svd s = dec.get(e.getKey());
            s.compose(
                    param.adaptedSigma(s.sigma(), e.getValue()), model.weights().matrix(e.getKey()));
        }
    }

    /**
     * Composes weights from per-matrix masks instead of z (a mixture {@code Σ α_k·mask_k} of experts); matrices
     * without a mask keep their base weights.
     */
    public void applyMasks(Map<String, float[]> masks) {
        for (String name : z.keySet()) if (!masks.containsKey(name)) base.restore(name);
        for (Map.Entry<String, float[]> e : masks.entrySet()) {
            Svd s = dec.get(e.getKey());
            s.compose(
                    param.sigmaFromMask(s.sigma(), e.getValue()),
                    model.weights().matrix(e.getKey()));
        }
    }

    @Override
    public void restore() {
        base.restore();
    }

    @Override
    public Backprop.GradientSink gradientSink(Map<String, float[]> grads) {
        return (name, n, x, xOff, ldx, g, gOff, ldg) -> {
            float[] zv = z.get(name);
            if (zv == null) return;
            Svd s = dec.get(name);
            int r = s.rank(), out = s.u().rows(), in = s.vt().cols();
            FloatBuffer xv = Matrix.allocate((long) n * r), gu = Matrix.allocate((long) n * r);
            Blas.gemm(false, true, n, r, in, 1f, x, xOff, ldx, s.vt().blockOf(0), 0, in, 0f, xv, 0, r); // X·V
            Blas.gemm(false, false, n, r, out, 1f, g, gOff, ldg, s.u().blockOf(0), 0, r, 0f, gu, 0, r); // G·U
            float[] gSigma = new float[r];
            for (int t = 0; t < n; t++) for (int k = 0; k < r; k++) gSigma[k] += gu.get(t * r + k) * xv.get(t * r + k);
            float[] gz = param.gradZ(s.sigma(), zv, gSigma);
            float[] acc = grads.get(name);
            for (int k = 0; k < r; k++) acc[k] += gz[k];
        };
    }
}
