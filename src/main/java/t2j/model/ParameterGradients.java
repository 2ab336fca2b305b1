package t2j.model;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import t2j.tensor.Blas;
import t2j.tensor.Elementwise;
import t2j.tensor.Matrix;

/**
 * A {@link Backprop.GradientSink} that accumulates the gradient of every parameter, for full-parameter training.
 * Gradients are kept under the Hugging Face names, in matrices shaped like the weights.
 */
public final class ParameterGradients implements Backprop.GradientSink {
    private final ModelWeights weights;
    private static final float[] ZEROS = new float[8192];
    private final Map<String, Matrix> grads = new LinkedHashMap<>();

    public ParameterGradients(ModelWeights weights) {
        this.weights = weights;
        for (String name : weights.names()) {
            Matrix m = weights.matrix(name);
            grads.put(name, Matrix.zeros(m.rows(), m.cols()));
        }
    }

    /** The gradient of the named weight (same shape). */
    public Matrix get(String name) {
        Matrix g = grads.get(name);
        if (g == null) throw new IllegalArgumentException("no parameter named '" + name + "'");
        return g;
    }

    /** All gradients by name, in checkpoint order. */
    public Map<String, Matrix> all() {
        return grads;
    }

    /** Sets every gradient to zero. */
    public void zero() {
        for (Matrix g : grads.values())
            g.forEachBlock((f, count, data) -> {
                // Bulk writes from a shared zero array: a put per float was a visible share of a small model's step.
                int n = count * g.cols();
                FloatBuffer d = data.duplicate().clear();
                for (int i = 0; i < n; i += ZEROS.length) d.put(ZEROS, 0, Math.min(ZEROS.length, n - i));
            });
    }

    /**
     * Adds {@code other}'s gradients to these, element by element: how a batch's row groups are combined (in group
     * order, so the sum does not depend on which thread computed which group).
     */
    public void add(ParameterGradients other) {
        if (other.weights != weights) throw new IllegalArgumentException("gradients of a different model");
        for (Map.Entry<String, Matrix> e : grads.entrySet()) {
            Matrix g = e.getValue(), o = other.grads.get(e.getKey());
            g.forEachBlock((first, count, data) ->
                    Elementwise.add(o.blockOf(first), o.offsetInBlock(first), data, 0, count * g.cols()));
        }
    }

    @Override
    public boolean wantsAllParameters() {
        return true;
    }

    @Override
    public void linear(String name, int n, FloatBuffer x, int xOff, int ldx, FloatBuffer g, int gOff, int ldg) {
        Matrix dw = get(name);
        // dW[out×in] += Gᵀ[out×n] · X[n×in], block by block for matrices stored in several blocks.
        dw.forEachBlock((first, count, data) -> Blas.gemm(
                true, false, count, dw.cols(), n, 1f, g, gOff + first, ldg, x, xOff, ldx, 1f, data, 0, dw.cols()));
    }

    @Override
    public void norm(String name, float[] grad) {
        Matrix g = get(name);
        for (int i = 0; i < grad.length; i++) g.set(0, i, g.get(0, i) + grad[i]);
    }

    @Override
    public void embedding(int[] tokens, FloatBuffer g) {
        Matrix e = get("model.embed_tokens.weight");
        int d = e.cols();
        for (int i = 0; i < tokens.length; i++) {
            FloatBuffer blk = e.blockOf(tokens[i]);
            int o = e.offsetInBlock(tokens[i]);
            Elementwise.add(g, i * d, blk, o, d);
        }
    }

    /**
     * The global L2 norm of all gradients: summed in double, in checkpoint order, each block a vector of lanes at a
     * time (a few floats at a time copied to the heap, not the whole gradient).
     */
    public double norm() {
        double ss = 0;
        for (Matrix g : grads.values()) {
            double[] sum = {ss};
            g.forEachBlock((f, count, data) -> sum[0] += Elementwise.sumOfSquares(data, 0, count * g.cols()));
            ss = sum[0];
        }
        return Math.sqrt(ss);
    }

    ModelWeights weights() {
        return weights;
    }
}
