package t2j.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import t2j.io.Checkpoint;
import t2j.tensor.Attention;
import t2j.tensor.Blas;
import t2j.tensor.Matrix;
import t2j.tensor.Parallel;

/**
 * A Llama-3 / Mistral decoder with Hugging Face semantics, read top to bottom:
 * embed → L × [RMSNorm → GQA attention with RoPE (causal, optionally sliding-window) → residual →
 * RMSNorm → SwiGLU MLP → residual] → RMSNorm → LM head.
 *
 * <p>The weight products go to OpenBLAS through {@link Blas}; attention and the element-wise steps are SIMD loops in
 * {@code t2j.tensor}. Batches are
 * left-padded, keys and values live in a {@link KVCache}, so the same code serves batched prefill, token-by-token
 * decoding and scoring of given continuations.
 *
 * <pre>{@code
 * Transformer model = Transformer.load(Path.of("models/tiny-llama"));
 * float[][] logits = model.logits(new int[] {1, 2, 3});   // one row of vocab logits per position
 * }</pre>
 */
public final class Transformer {
    private final ModelConfig c;
    private final ModelWeights w;
    private final Rope rope;
    private final float attnScale;

    public Transformer(ModelWeights weights) {
        this.c = weights.config();
        this.w = weights;
        this.rope = new Rope(c);
        this.attnScale = (float) (1.0 / Math.sqrt(c.headDim()));
    }

    /** Loads {@code config.json} and the safetensors of a Hugging Face model folder. */
    public static Transformer load(Path dir) {
        return load(dir, ModelWeights.Storage.AUTO);
    }

    /** {@link #load(Path)} with the weights held as {@code storage} says (bf16 halves their memory). */
    public static Transformer load(Path dir, ModelWeights.Storage storage) {
        ModelConfig config = ModelConfig.load(dir);
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            boolean bf16 = ModelWeights.holdsBf16(config, ckpt, storage);
            MemoryPlan.load(config, dir.toString(), bf16).check();
            return new Transformer(
                    ModelWeights.load(config, ckpt, bf16 ? ModelWeights.Storage.BF16 : ModelWeights.Storage.FLOAT32));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    public ModelConfig config() {
        return c;
    }

    public ModelWeights weights() {
        return w;
    }

    /** An empty cache for {@code batch} rows of up to {@code capacity} slots (prompt, padding and new tokens). */
    public KVCache newCache(int batch, int capacity) {
        MemoryPlan.kvCache(c, batch, capacity).check();
        return new KVCache(c, batch, capacity);
    }

    /**
     * Runs a batch of prompts into an empty cache and returns the logits that predict each row's next token.
     * Rows may differ in length; shorter ones are left-padded.
     */
    public float[][] prefill(KVCache cache, int[][] rows) {
        if (rows.length != cache.batch)
            throw new IllegalArgumentException("cache has " + cache.batch + " rows, got " + rows.length);
        if (cache.length != 0) throw new IllegalStateException("prefill needs an empty cache; call clear() first");
        int t = 0;
        for (int[] r : rows) {
            if (r.length == 0) throw new IllegalArgumentException("every row needs at least one token");
            t = Math.max(t, r.length);
        }
        int[] tokens = new int[rows.length * t];
        for (int b = 0; b < rows.length; b++) {
            cache.pad[b] = t - rows[b].length;
            System.arraycopy(rows[b], 0, tokens, b * t + cache.pad[b], rows[b].length);
        }
        FloatBuffer hidden = forward(cache, tokens, t);
        int[] last = new int[rows.length];
        for (int b = 0; b < rows.length; b++) last[b] = b * t + t - 1;
        return logitsAt(hidden, last);
    }

    /** Appends one token per row and returns the logits for the following token. */
    public float[][] step(KVCache cache, int[] next) {
        if (next.length != cache.batch)
            throw new IllegalArgumentException("cache has " + cache.batch + " rows, got " + next.length);
        FloatBuffer hidden = forward(cache, next, 1);
        int[] rows = new int[next.length];
        for (int b = 0; b < rows.length; b++) rows[b] = b;
        return logitsAt(hidden, rows);
    }

    /** Logits at every position of one sequence: {@code [ids.length][vocab]}. */
    public float[][] logits(int[] ids) {
        KVCache cache = newCache(1, ids.length);
        FloatBuffer hidden = forward(cache, ids, ids.length);
        int[] all = new int[ids.length];
        for (int i = 0; i < all.length; i++) all[i] = i;
        return logitsAt(hidden, all);
    }

    /**
     * {@code log p(continuation[b][i] | prompt[b], continuation[b][<i])} for every row, in one batched pass. This is
     * the quantity REINFORCE and few-shot fitness need.
     */
    public float[][] continuationLogProbs(int[][] prompts, int[][] continuations) {
        float[][][] logits = continuationLogits(prompts, continuations);
        float[][] out = new float[prompts.length][];
        for (int b = 0; b < out.length; b++) {
            out[b] = new float[continuations[b].length];
            for (int i = 0; i < out[b].length; i++) out[b][i] = logSoftmaxAt(logits[b][i], continuations[b][i]);
        }
        return out;
    }

    /** The logits that predict each continuation token: {@code [row][token][vocab]}, in one batched pass. */
    public float[][][] continuationLogits(int[][] prompts, int[][] continuations) {
        int n = prompts.length;
        if (continuations.length != n) throw new IllegalArgumentException("prompts and continuations differ in count");
        int[][] rows = new int[n][];
        int t = 0;
        for (int b = 0; b < n; b++) {
            if (prompts[b].length == 0)
                throw new IllegalArgumentException("row " + b + ": a prompt needs at least one token");
            rows[b] = concat(prompts[b], continuations[b]);
            t = Math.max(t, rows[b].length);
        }
        KVCache cache = newCache(n, t);
        int[] tokens = new int[n * t];
        int count = 0;
        for (int b = 0; b < n; b++) {
            cache.pad[b] = t - rows[b].length;
            System.arraycopy(rows[b], 0, tokens, b * t + cache.pad[b], rows[b].length);
            count += continuations[b].length;
        }
        FloatBuffer hidden = forward(cache, tokens, t);
        // Only the positions that predict a continuation token need the (vocab-wide) LM head.
        int[] at = new int[count];
        int k = 0;
        for (int b = 0; b < n; b++)
            for (int i = 0; i < continuations[b].length; i++)
                at[k++] = b * t + cache.pad[b] + prompts[b].length - 1 + i;
        float[][] logits = logitsAt(hidden, at);
        float[][][] out = new float[n][][];
        k = 0;
        for (int b = 0; b < n; b++) {
            out[b] = new float[continuations[b].length][];
            for (int i = 0; i < out[b].length; i++) out[b][i] = logits[k++];
        }
        return out;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = new int[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** {@code log softmax(logits)[target]}, computed stably in double. */
    public static float logSoftmaxAt(float[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) sum += Math.exp(v - max);
        return (float) (logits[target] - max - Math.log(sum));
    }

    /**
     * The decoder proper: appends {@code t} tokens per row ({@code tokens} is {@code [batch][t]} flattened) to the
     * cache and returns the final-normed hidden states {@code [batch·t][hidden]} (a workspace buffer, valid until
     * the next call).
     */
    private FloatBuffer forward(KVCache cache, int[] tokens, int t) {
        // Products on OpenBLAS's threads, the loops between them on this one (see Parallel.onCaller for why).
        return Parallel.onCaller(() -> forwardOnCaller(cache, tokens, t));
    }

    private FloatBuffer forwardOnCaller(KVCache cache, int[] tokens, int t) {
        int batch = cache.batch, n = batch * t, d = c.hiddenSize();
        int past = cache.length, keysLen = past + t;
        if (keysLen > cache.capacity)
            throw new IllegalStateException("KV cache full: " + keysLen + " slots needed, capacity " + cache.capacity);
        for (int tok : tokens)
            if (tok < 0 || tok >= c.vocabSize())
                throw new IllegalArgumentException(
                        "token id " + tok + " outside vocabulary [0, " + c.vocabSize() + ")");
        KVCache.Workspace ws = cache.workspace(c, n, cache.capacity);
        FloatBuffer x = ws.x;

        for (int i = 0; i < n; i++) w.embed().getRow(tokens[i], x, i * d);

        int qkvDim = c.qDim() + 2 * c.kvDim(), ff = c.intermediateSize();
        float eps = (float) c.rmsNormEps();
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            ModelWeights.Layer layer = w.layer(l);
            Ops.rmsNorm(x, ws.h, n, d, layer.inputNorm, eps, null);
            Blas.linear(n, ws.h, 0, d, layer.qkv, ws.qkv, 0, qkvDim, false);
            ropeAndCache(cache, ws, l, t, past);
            attention(cache, ws, l, t, past);
            Blas.linear(n, ws.attn, 0, c.qDim(), layer.o, x, 0, d, true);

            Ops.rmsNorm(x, ws.h, n, d, layer.postNorm, eps, null);
            Blas.linear(n, ws.h, 0, d, layer.gateUp, ws.gateUp, 0, 2 * ff, false);
            Ops.swiglu(ws.gateUp, ws.act, n, ff);
            Blas.linear(n, ws.act, 0, ff, layer.down, x, 0, d, true);
        }
        cache.length = keysLen;
        Ops.rmsNorm(x, ws.h, n, d, w.finalNorm(), eps, null);
        return ws.h;
    }

    /** Rotates the new queries and keys, then copies the new keys and values into the cache. */
    private void ropeAndCache(KVCache cache, KVCache.Workspace ws, int layer, int t, int past) {
        int hd = c.headDim(), kvHeads = c.numKeyValueHeads(), qkvDim = c.qDim() + 2 * c.kvDim();
        FloatBuffer keys = cache.keys[layer], values = cache.values[layer];
        for (int b = 0; b < cache.batch; b++) {
            for (int s = 0; s < t; s++) {
                int slot = past + s;
                int pos = Math.max(0, slot - cache.pad[b]);
                int row = (b * t + s) * qkvDim;
                rope.apply(ws.qkv, row, c.numAttentionHeads(), pos);
                rope.apply(ws.qkv, row + c.qDim(), kvHeads, pos);
                for (int g = 0; g < kvHeads; g++) {
                    int dst = ((b * kvHeads + g) * cache.capacity + slot) * hd;
                    int k = row + c.qDim() + g * hd, v = row + c.qDim() + c.kvDim() + g * hd;
                    keys.put(dst, ws.qkv, k, hd);
                    values.put(dst, ws.qkv, v, hd);
                }
            }
        }
    }

    /**
     * Grouped-query attention of the {@code t} new tokens of every row over all cached slots. A prefill runs head by
     * head in {@link Attention}; heads are independent and compute the same bits on any thread, so the (row, head)
     * pairs are split across threads. A decode step's single query is two matrix-vector products over the cache,
     * which BLAS streams in place without the copies {@link Attention} makes ({@link #attendOne}).
     */
    private void attention(KVCache cache, KVCache.Workspace ws, int layer, int t, int past) {
        int heads = c.numAttentionHeads(), pairs = cache.batch * heads;
        if (t == 1) {
            for (int bh = 0; bh < pairs; bh++) attendOne(cache, ws, layer, past, bh / heads, bh % heads);
            return;
        }
        int hd = c.headDim(), kvHeads = c.numKeyValueHeads(), qkvDim = c.qDim() + 2 * c.kvDim();
        int window = c.slidingWindow();
        Parallel.forRange(pairs, 1, (lo, hi, part) -> {
            for (int bh = lo; bh < hi; bh++) {
                int b = bh / heads, h = bh % heads, pad = cache.pad[b];
                int kvOff = ((b * kvHeads + h / c.groupSize()) * cache.capacity) * hd;
                Attention.head(
                        ws.qkv,
                        (b * t) * qkvDim + h * hd,
                        qkvDim,
                        t,
                        past,
                        q -> Ops.firstVisible(q, pad, window),
                        cache.keys[layer],
                        cache.values[layer],
                        kvOff,
                        hd,
                        attnScale,
                        ws.attn,
                        (b * t) * c.qDim() + h * hd,
                        c.qDim());
            }
        });
    }

    /** One new token's attention for row {@code b}, head {@code h}: s = K·q/√d, softmax, o = Vᵀ·s. */
    private void attendOne(KVCache cache, KVCache.Workspace ws, int layer, int past, int b, int h) {
        int hd = c.headDim(), keysLen = past + 1, qkvDim = c.qDim() + 2 * c.kvDim();
        int kvOff = ((b * c.numKeyValueHeads() + h / c.groupSize()) * cache.capacity) * hd;
        FloatBuffer s = ws.scores;
        Blas.gemm(
                true,
                1,
                keysLen,
                hd,
                attnScale,
                ws.qkv,
                b * qkvDim + h * hd,
                qkvDim,
                cache.keys[layer],
                kvOff,
                hd,
                0f,
                s,
                0,
                keysLen);
        Ops.softmaxRange(s, 0, keysLen, Ops.firstVisible(past, cache.pad[b], c.slidingWindow()), past);
        Blas.gemm(
                false,
                1,
                hd,
                keysLen,
                1f,
                s,
                0,
                keysLen,
                cache.values[layer],
                kvOff,
                hd,
                0f,
                ws.attn,
                b * c.qDim() + h * hd,
                c.qDim());
    }

    /** LM-head logits for the given rows of the hidden-state buffer. */
    private float[][] logitsAt(FloatBuffer hidden, int[] rows) {
        int d = c.hiddenSize(), v = c.vocabSize();
        FloatBuffer picked = Matrix.allocate((long) rows.length * d);
        for (int i = 0; i < rows.length; i++)
            for (int j = 0; j < d; j++) picked.put(i * d + j, hidden.get(rows[i] * d + j));
        FloatBuffer out = Matrix.allocate((long) rows.length * v);
        Blas.linear(rows.length, picked, 0, d, w.lmHead(), out, 0, v, false);
        float[][] r = new float[rows.length][v];
        for (int i = 0; i < rows.length; i++) out.duplicate().position(i * v).get(r[i]);
        return r;
    }
}
