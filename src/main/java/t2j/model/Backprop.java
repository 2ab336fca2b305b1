package t2j.model;

import java.nio.FloatBuffer;
import java.util.List;
import t2j.tensor.Blas;
import t2j.tensor.Elementwise;
import t2j.tensor.Matrix;
import t2j.tensor.Parallel;

/**
 * Gradients of a loss on scored tokens through the whole decoder, written by hand.
 *
 * <p>The forward pass is the same math as {@link Transformer} (same {@link Ops}, checked equal by a test) but keeps
 * every activation; the backward pass walks the layers in reverse and hands each linear layer's input and output
 * gradient to a {@link GradientSink}. What a sink does with them is the training method's business: a full weight
 * gradient {@code dW = Gᵀ·X} for pretraining, {@code dL/dσ = colsum((G·U) ⊙ (X·V))} for SVF, or LoRA's factors —
 * none of them needs the model's m×n gradients unless it asks.
 *
 * <p>Why by hand rather than SameDiff: with OpenBLAS called directly a backward costs about two forwards, with no
 * graph to build and none of the M2.1 autodiff bugs (see the benchmark for the measurement).
 */
public final class Backprop {
    private final ModelConfig c;
    private final ModelWeights w;
    private final Rope rope;
    private final float attnScale;

    public Backprop(Transformer model) {
        this.c = model.config();
        this.w = model.weights();
        this.rope = new Rope(c);
        this.attnScale = (float) (1.0 / Math.sqrt(c.headDim()));
    }

    /**
     * The loss of one scored token: given the logits that predict {@code target} (the {@code index}-th completion token
     * of row {@code row}), write dL/dlogits into {@code dLogits} and return the loss contribution.
     */
    @FunctionalInterface
    public interface TokenLoss {
        double apply(int row, int index, int target, float[] logits, float[] dLogits);
    }

    /**
     * Weighted negative log-likelihood: the loss of token i of row b is {@code -rowWeight[b] · log p(target)}. With
     * weights {@code reward_b / batch} this is REINFORCE's loss; with {@code 1 / tokens} it is next-token training.
     */
    public static TokenLoss weightedNll(float[] rowWeight) {
        return (row, index, target, logits, dLogits) -> {
            double max = Double.NEGATIVE_INFINITY;
            for (float l : logits) max = Math.max(max, l);
            // One exp per logit, kept for the gradient (p = e / Σe): the second pass of exps was a visible share of
            // a small model's step.
            double[] e = EXPS.get();
            if (e.length < logits.length) EXPS.set(e = new double[logits.length]);
            double sum = 0;
            for (int j = 0; j < logits.length; j++) sum += e[j] = Math.exp(logits[j] - max);
            double logZ = max + Math.log(sum), wgt = rowWeight[row], scale = wgt / sum;
            for (int j = 0; j < logits.length; j++) dLogits[j] = (float) (scale * e[j]);
            dLogits[target] -= (float) wgt;
            return -wgt * (logits[target] - logZ);
        };
    }

    /** Receives parameter gradients as the backward pass reaches them (last layer first). */
    public interface GradientSink {
        /**
         * For {@code y = x·Wᵀ} with W the named Hugging Face weight: {@code n} rows of x (row i at {@code xOff + i·ldx})
         * and of {@code g = dL/dy} (row i at {@code gOff + i·ldg}).
         */
        void linear(String name, int n, FloatBuffer x, int xOff, int ldx, FloatBuffer g, int gOff, int ldg);

        /** Gradient of a norm weight; called only when {@link #wantsAllParameters()}. */
        default void norm(String name, float[] grad) {}

        /** Gradient of each looked-up embedding row: row i of {@code g} (width hidden) belongs to {@code tokens[i]}. */
        default void embedding(int[] tokens, FloatBuffer g) {}

        /** Whether norm and embedding gradients are wanted (pretraining) or only linear ones (SVF, LoRA). */
        default boolean wantsAllParameters() {
            return false;
        }
    }

    /** {@link #weightedNll}'s exps, one array per thread: row groups score their tokens on several at once. */
    private static final ThreadLocal<double[]> EXPS = ThreadLocal.withInitial(() -> new double[0]);

    /** Activations of one layer kept for the backward pass. */
    private static final class LayerActs {
        FloatBuffer xIn, h1, qkv, probs, attn, xMid, h2, gu, act, expNegGate;
        float[] inv1, inv2;
    }

    /**
     * Row groups a training step's batch is cut into (see {@link #lossAndGradients(int[][], int[][], TokenLoss,
     * List)}). A constant, not the core count, so that a step computes the same bits on every machine.
     */
    public static final int GROUPS = 4;

    /**
     * As {@link #lossAndGradients(int[][], int[][], TokenLoss, GradientSink)}, with the batch's rows cut into {@code
     * sinks.size()} groups that run forward and backward each on its own thread, into its own sink, with
     * single-threaded BLAS ({@link Parallel#forEachPart}). At a small model's shapes two threads inside each product
     * cost more in hand-offs than they save; whole groups keep both cores busy. Rows are grouped by length (shortest
     * first, ties in batch order), so each group pads only to its own longest row. {@code loss} still sees every row
     * under its index in the batch. Returns the summed loss, added group by group; the caller adds the sinks up in
     * their order, so the result does not depend on how many threads ran the groups. A group with no rows leaves its
     * sink untouched.
     */
    public double lossAndGradients(
            int[][] prompts, int[][] completions, TokenLoss loss, List<? extends GradientSink> sinks) {
        int[][] groups = groups(prompts, completions, sinks.size());
        double[] losses = new double[groups.length];
        Parallel.forEachPart(groups.length, gi -> {
            int[] rows = groups[gi];
            if (rows.length == 0) return;
            int[][] p = new int[rows.length][], cpl = new int[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                p[i] = prompts[rows[i]];
                cpl[i] = completions[rows[i]];
            }
            TokenLoss inBatch =
                    (row, index, target, logits, dLogits) -> loss.apply(rows[row], index, target, logits, dLogits);
            losses[gi] = lossAndGradients(p, cpl, inBatch, sinks.get(gi));
        });
        double total = 0;
        for (double l : losses) total += l;
        return total;
    }

    /**
     * The batch's row indices in {@code count} groups of (nearly) equal size, by length: shortest rows first, equal
     * lengths in batch order. The first {@code rows % count} groups take one row more.
     */
    static int[][] groups(int[][] prompts, int[][] completions, int count) {
        if (count < 1) throw new IllegalArgumentException("need at least one group, got " + count);
        if (prompts.length != completions.length)
            throw new IllegalArgumentException(prompts.length + " prompts but " + completions.length + " completions");
        Integer[] order = new Integer[prompts.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> prompts[i].length + completions[i].length));
        int[][] groups = new int[count][];
        for (int g = 0, from = 0; g < count; g++) {
            int size = order.length / count + (g < order.length % count ? 1 : 0);
            groups[g] = new int[size];
            for (int i = 0; i < size; i++) groups[g][i] = order[from + i];
            from += size;
        }
        return groups;
    }

    /**
     * Runs prompt+completion rows forward, scores every completion token with {@code loss}, and back-propagates.
     * Returns the summed loss.
     */
    public double lossAndGradients(int[][] prompts, int[][] completions, TokenLoss loss, GradientSink sink) {
        // Before any allocation: a step too big for the JVM's direct memory fails with the figure and the flag.
        MemoryPlan.backprop(c, prompts, completions).check();
        int batch = prompts.length, t = 0, scored = 0;
        for (int b = 0; b < batch; b++) {
            if (prompts[b].length == 0)
                throw new IllegalArgumentException("row " + b + ": a prompt needs at least one token");
            t = Math.max(t, prompts[b].length + completions[b].length);
            scored += completions[b].length;
        }
        int d = c.hiddenSize(), n = batch * t, v = c.vocabSize();
        int[] pad = new int[batch], tokens = new int[n];
        for (int b = 0; b < batch; b++) {
            int len = prompts[b].length + completions[b].length;
            pad[b] = t - len;
            System.arraycopy(prompts[b], 0, tokens, b * t + pad[b], prompts[b].length);
            System.arraycopy(completions[b], 0, tokens, b * t + pad[b] + prompts[b].length, completions[b].length);
        }
        for (int tok : tokens)
            if (tok < 0 || tok >= v)
                throw new IllegalArgumentException("token id " + tok + " outside vocabulary [0, " + v + ")");

        // ---- forward, keeping activations ----
        float eps = (float) c.rmsNormEps();
        FloatBuffer x = Matrix.allocate((long) n * d);
        for (int i = 0; i < n; i++) w.embed().getRow(tokens[i], x, i * d);
        LayerActs[] acts = new LayerActs[c.numHiddenLayers()];
        for (int l = 0; l < acts.length; l++) acts[l] = forwardLayer(l, x, batch, t, pad);
        float[] invF = new float[n];
        FloatBuffer hF = Matrix.allocate((long) n * d);
        Ops.rmsNorm(x, hF, n, d, w.finalNorm(), eps, invF);

        // ---- logits and loss at scored positions ----
        int[] at = new int[scored];
        int k = 0;
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < completions[b].length; i++) at[k++] = b * t + pad[b] + prompts[b].length - 1 + i;
        FloatBuffer hs = Matrix.allocate((long) Math.max(1, scored) * d);
        for (int i = 0; i < scored; i++) copyRow(hF, at[i] * d, hs, i * d, d);
        FloatBuffer logits = Matrix.allocate((long) Math.max(1, scored) * v);
        FloatBuffer dLogits = Matrix.allocate((long) Math.max(1, scored) * v);
        if (scored > 0) Blas.linear(scored, hs, 0, d, w.lmHead(), logits, 0, v, false);
        double total = 0;
        float[] row = new float[v], grad = new float[v];
        k = 0;
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < completions[b].length; i++, k++) {
                logits.duplicate().position(k * v).get(row);
                java.util.Arrays.fill(grad, 0f);
                total += loss.apply(b, i, completions[b][i], row, grad);
                dLogits.duplicate().position(k * v).put(grad);
            }
        }
        if (scored == 0) return total;

        // ---- backward ----
        sink.linear(
                c.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight",
                scored,
                hs,
                0,
                d,
                dLogits,
                0,
                v);
        FloatBuffer gHs = Matrix.allocate((long) scored * d);
        matmulByWeight(scored, dLogits, v, w.lmHead(), gHs, d);
        FloatBuffer gH = Matrix.allocate((long) n * d);
        for (int i = 0; i < scored; i++) copyRow(gHs, i * d, gH, at[i] * d, d);
        FloatBuffer gX = Matrix.allocate((long) n * d);
        rmsNormBackward(gH, x, invF, w.finalNorm(), gX, n, "model.norm.weight", sink);
        for (int l = acts.length - 1; l >= 0; l--) backwardLayer(l, acts[l], gX, batch, t, pad, sink);
        if (sink.wantsAllParameters()) sink.embedding(tokens, gX);
        return total;
    }

    private static void copyRow(FloatBuffer src, int srcOff, FloatBuffer dst, int dstOff, int len) {
        for (int j = 0; j < len; j++) dst.put(dstOff + j, src.get(srcOff + j));
    }

    /** {@code out[n×w.cols] = g[n×w.rows] · W}: the input gradient of a linear layer. */
    private static void matmulByWeight(int n, FloatBuffer g, int ldg, Matrix weight, FloatBuffer out, int ldo) {
        Blas.linearBackward(n, g, 0, ldg, weight, out, 0, ldo, 0f);
    }

    private static void matmulByWeight(
            int n, FloatBuffer g, int gOff, int ldg, Matrix weight, FloatBuffer out, int ldo, float beta) {
        Blas.linearBackward(n, g, gOff, ldg, weight, out, 0, ldo, beta);
    }

    /** One decoder block forward on {@code x} in place, returning what its backward needs. */
    private LayerActs forwardLayer(int l, FloatBuffer x, int batch, int t, int[] pad) {
        ModelWeights.Layer layer = w.layer(l);
        int n = batch * t,
                d = c.hiddenSize(),
                ff = c.intermediateSize(),
                qDim = c.qDim(),
                qkvDim = qDim + 2 * c.kvDim();
        int hd = c.headDim(), heads = c.numAttentionHeads();
        float eps = (float) c.rmsNormEps();
        LayerActs a = new LayerActs();
        a.xIn = copy(x, (long) n * d);
        a.h1 = Matrix.allocate((long) n * d);
        a.inv1 = new float[n];
        Ops.rmsNorm(x, a.h1, n, d, layer.inputNorm, eps, a.inv1);
        a.qkv = Matrix.allocate((long) n * qkvDim);
        Blas.linear(n, a.h1, 0, d, layer.qkv, a.qkv, 0, qkvDim, false);
        rotate(a.qkv, batch, t, pad, false);
        a.probs = Matrix.allocate((long) batch * heads * t * t);
        a.attn = Matrix.allocate((long) n * qDim);
        // (row, head) pairs are independent: each writes its own probabilities and its own columns of attn.
        int pairs = batch * heads;
        Parallel.forRange(pairs, Ops.splitsExactly(t, hd) ? 1 : pairs, (lo, hi, part) -> {
            for (int bh = lo; bh < hi; bh++) {
                int b = bh / heads, h = bh % heads;
                int pOff = bh * t * t, qOff = b * t * qkvDim + h * hd;
                int kOff = b * t * qkvDim + qDim + (h / c.groupSize()) * hd, vOff = kOff + c.kvDim();
                Blas.gemm(true, t, t, hd, attnScale, a.qkv, qOff, qkvDim, a.qkv, kOff, qkvDim, 0f, a.probs, pOff, t);
                for (int i = 0; i < t; i++)
                    Ops.softmaxRange(a.probs, pOff + i * t, t, Ops.firstVisible(i, pad[b], c.slidingWindow()), i);
                Blas.gemm(
                        false,
                        t,
                        hd,
                        t,
                        1f,
                        a.probs,
                        pOff,
                        t,
                        a.qkv,
                        vOff,
                        qkvDim,
                        0f,
                        a.attn,
                        b * t * qDim + h * hd,
                        qDim);
            }
        });
        Blas.linear(n, a.attn, 0, qDim, layer.o, x, 0, d, true);
        a.xMid = copy(x, (long) n * d);
        a.h2 = Matrix.allocate((long) n * d);
        a.inv2 = new float[n];
        Ops.rmsNorm(x, a.h2, n, d, layer.postNorm, eps, a.inv2);
        a.gu = Matrix.allocate((long) n * 2 * ff);
        Blas.linear(n, a.h2, 0, d, layer.gateUp, a.gu, 0, 2 * ff, false);
        a.act = Matrix.allocate((long) n * ff);
        a.expNegGate = Matrix.allocate((long) n * ff);
        Ops.swiglu(a.gu, a.act, n, ff, a.expNegGate);
        Blas.linear(n, a.act, 0, ff, layer.down, x, 0, d, true);
        return a;
    }

    private static FloatBuffer copy(FloatBuffer src, long len) {
        FloatBuffer dst = Matrix.allocate(len);
        FloatBuffer s = src.duplicate();
        s.position(0).limit((int) len);
        dst.put(s);
        return dst;
    }

    /** One decoder block backward: {@code gX} holds dL/d(block output) and becomes dL/d(block input). */
    private void backwardLayer(int l, LayerActs a, FloatBuffer gX, int batch, int t, int[] pad, GradientSink sink) {
        ModelWeights.Layer layer = w.layer(l);
        String p = "model.layers." + l + ".";
        int n = batch * t, d = c.hiddenSize(), ff = c.intermediateSize(), qDim = c.qDim(), kvDim = c.kvDim();
        int qkvDim = qDim + 2 * kvDim, hd = c.headDim(), heads = c.numAttentionHeads();

        // MLP: x_out = x_mid + down(silu(gate(h2)) · up(h2)), h2 = norm(x_mid)
        sink.linear(p + "mlp.down_proj.weight", n, a.act, 0, ff, gX, 0, d);
        FloatBuffer gAct = Matrix.allocate((long) n * ff);
        matmulByWeight(n, gX, 0, d, layer.down, gAct, ff, 0f);
        FloatBuffer gGu = Matrix.allocate((long) n * 2 * ff);
        Parallel.forRange(n, Ops.minRows(3 * ff), (lo, hi, part) -> swigluBackward(a, gAct, gGu, lo, hi, ff));
        sink.linear(p + "mlp.gate_proj.weight", n, a.h2, 0, d, gGu, 0, 2 * ff);
        sink.linear(p + "mlp.up_proj.weight", n, a.h2, 0, d, gGu, ff, 2 * ff);
        FloatBuffer gH = Matrix.allocate((long) n * d);
        matmulByWeight(n, gGu, 0, 2 * ff, layer.gateUp, gH, d, 0f);
        rmsNormBackward(gH, a.xMid, a.inv2, layer.postNorm, gX, n, p + "post_attention_layernorm.weight", sink);

        // Attention: x_mid = x_in + o(attn(h1)), h1 = norm(x_in)
        sink.linear(p + "self_attn.o_proj.weight", n, a.attn, 0, qDim, gX, 0, d);
        FloatBuffer gAttn = Matrix.allocate((long) n * qDim);
        matmulByWeight(n, gX, 0, d, layer.o, gAttn, qDim, 0f);
        FloatBuffer gQkv = Matrix.allocate((long) n * qkvDim);
        // Split by batch row, not by head: heads sharing a KV group add into the same dK and dV columns, and one
        // thread walking a row's heads in order adds them in the order of a single thread.
        FloatBuffer gP = Matrix.allocate((long) Math.min(batch, Parallel.threads()) * t * t);
        Parallel.forRange(batch, Ops.splitsExactly(t, hd) ? 1 : batch, (lo, hi, part) -> {
            for (int b = lo; b < hi; b++) attentionBackward(a, gAttn, gQkv, gP, part * t * t, b, t);
        });
        rotate(gQkv, batch, t, pad, true);
        sink.linear(p + "self_attn.q_proj.weight", n, a.h1, 0, d, gQkv, 0, qkvDim);
        sink.linear(p + "self_attn.k_proj.weight", n, a.h1, 0, d, gQkv, qDim, qkvDim);
        sink.linear(p + "self_attn.v_proj.weight", n, a.h1, 0, d, gQkv, qDim + kvDim, qkvDim);
        matmulByWeight(n, gQkv, 0, qkvDim, layer.qkv, gH, d, 0f);
        rmsNormBackward(gH, a.xIn, a.inv1, layer.inputNorm, gX, n, p + "input_layernorm.weight", sink);
    }

    /** dL/d(gate, up) from dL/dact for rows {@code [lo, hi)}: act = silu(gate)·up, with exp(-gate) kept by forward. */
    private static void swigluBackward(LayerActs a, FloatBuffer gAct, FloatBuffer gGu, int lo, int hi, int ff) {
        for (int r = lo; r < hi; r++) {
            int g = r * 2 * ff;
            Elementwise.swigluBackward(a.gu, g, g + ff, a.expNegGate, r * ff, gAct, r * ff, gGu, g, g + ff, ff);
        }
    }

    /** One batch row's attention backward, head by head; {@code gP} at {@code gpOff} is this thread's t×t scratch. */
    private void attentionBackward(
            LayerActs a, FloatBuffer gAttn, FloatBuffer gQkv, FloatBuffer gP, int gpOff, int b, int t) {
        int qDim = c.qDim(), kvDim = c.kvDim(), qkvDim = qDim + 2 * kvDim;
        int hd = c.headDim(), heads = c.numAttentionHeads();
        for (int h = 0; h < heads; h++) {
            int pOff = (b * heads + h) * t * t, qOff = b * t * qkvDim + h * hd;
            int kOff = b * t * qkvDim + qDim + (h / c.groupSize()) * hd, vOff = kOff + kvDim;
            int oOff = b * t * qDim + h * hd;
            // O = P·V:  dP = dO·Vᵀ, dV += Pᵀ·dO
            Blas.gemm(false, true, t, t, hd, 1f, gAttn, oOff, qDim, a.qkv, vOff, qkvDim, 0f, gP, gpOff, t);
            Blas.gemm(true, false, t, hd, t, 1f, a.probs, pOff, t, gAttn, oOff, qDim, 1f, gQkv, vOff, qkvDim);
            // P = softmax(S): dS = P ⊙ (dP − rowsum(dP ⊙ P)); masked entries have P = 0.
            for (int i = 0; i < t; i++) Elementwise.softmaxBackward(gP, gpOff + i * t, a.probs, pOff + i * t, i + 1, t);
            // S = scale·Q·Kᵀ:  dQ = scale·dS·K, dK += scale·dSᵀ·Q
            Blas.gemm(false, false, t, hd, t, attnScale, gP, gpOff, t, a.qkv, kOff, qkvDim, 0f, gQkv, qOff, qkvDim);
            Blas.gemm(true, false, t, hd, t, attnScale, gP, gpOff, t, a.qkv, qOff, qkvDim, 1f, gQkv, kOff, qkvDim);
        }
    }

    /** RoPE on the queries and keys of every row of {@code qkv} (its transpose for gradients), split by rows. */
    private void rotate(FloatBuffer qkv, int batch, int t, int[] pad, boolean transposed) {
        int qDim = c.qDim(), qkvDim = qDim + 2 * c.kvDim();
        int heads = c.numAttentionHeads(), kvHeads = c.numKeyValueHeads();
        Parallel.forRange(batch * t, Ops.minRows(qkvDim), (lo, hi, part) -> {
            for (int bs = lo; bs < hi; bs++) {
                int b = bs / t, s = bs % t;
                int pos = Math.max(0, s - pad[b]), r = bs * qkvDim;
                if (transposed) {
                    rope.applyTransposed(qkv, r, heads, pos);
                    rope.applyTransposed(qkv, r + qDim, kvHeads, pos);
                } else {
                    rope.apply(qkv, r, heads, pos);
                    rope.apply(qkv, r + qDim, kvHeads, pos);
                }
            }
        });
    }

    /**
     * Adds to {@code gX} the gradient through {@code h = x·inv·weight} given {@code gH}; reports the weight's gradient
     * to the sink when it wants all parameters.
     */
    private void rmsNormBackward(
            FloatBuffer gH,
            FloatBuffer x,
            float[] inv,
            Matrix weight,
            FloatBuffer gX,
            int n,
            String name,
            GradientSink sink) {
        int d = c.hiddenSize();
        FloatBuffer wt = weight.blockOf(0);
        Parallel.forRange(
                n, Ops.minRows(2 * d), (lo, hi, part) -> Elementwise.rmsNormBackward(gH, x, inv, wt, gX, lo, hi, d));
        // The weight's gradient sums over rows: split by column, each column summed over rows in order, so the split
        // adds exactly what one thread would.
        float[] gW = sink.wantsAllParameters() ? new float[d] : null;
        if (gW != null)
            Parallel.forRange(
                    d,
                    Math.max(1, d / 64),
                    (lo, hi, part) -> Elementwise.rmsNormWeightGradient(gH, x, inv, n, d, gW, lo, hi));
        if (gW != null) sink.norm(name, gW);
    }
}
