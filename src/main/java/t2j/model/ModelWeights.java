package t2j.model;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import t2j.io.Checkpoint;
import t2j.io.DType;
import t2j.io.SafeTensorsWriter;
import t2j.io.TensorInfo;
import t2j.tensor.Matrix;

/**
 * The parameters of a decoder off-heap, under their Hugging Face names: float32, or bf16 for the linear weights and
 * the embedding of a large bf16 checkpoint ({@link Storage}).
 *
 * <p>Q/K/V are stored as one fused {@code [q+k+v, hidden]} matrix and gate/up as one {@code [2·ff, hidden]} matrix,
 * so each attention and MLP input costs one BLAS call instead of three or two; {@link #matrix(String)} still
 * hands out each HF weight as a view, which is what SVF rewrites.
 */
public final class ModelWeights {
    private static final Pattern LAYER_NAME = Pattern.compile("model\\.layers\\.(\\d+)\\..*");

    /** One decoder block. */
    public static final class Layer {
        public final Matrix inputNorm; // [1, d]
        public final Matrix qkv; // [qDim + 2·kvDim, d]
        public final Matrix o; // [d, qDim]
        public final Matrix postNorm; // [1, d]
        public final Matrix gateUp; // [2·ff, d]
        public final Matrix down; // [d, ff]

        Layer(ModelConfig c, boolean bf16) {
            int d = c.hiddenSize();
            inputNorm = Matrix.zeros(1, d);
            qkv = linear(c.qDim() + 2 * c.kvDim(), d, bf16);
            o = linear(d, c.qDim(), bf16);
            postNorm = Matrix.zeros(1, d);
            gateUp = linear(2 * c.intermediateSize(), d, bf16);
            down = linear(d, c.intermediateSize(), bf16);
        }
    }

    /** Linear weights and the embedding take the chosen storage; norms stay float32 (a few KiB, read by plain loops). */
    private static Matrix linear(int rows, int cols, boolean bf16) {
        return bf16 ? Matrix.zerosBf16(rows, cols) : Matrix.zeros(rows, cols);
    }

    /** How weights are held in memory. */
    public enum Storage {
        /** bf16 for a checkpoint stored in bf16 with more than {@link #BF16_ABOVE_PARAMETERS} parameters, else float32. */
        AUTO,
        FLOAT32,
        BF16;

        /** Parse "auto", "float32"/"f32" or "bf16", as the {@code --dtype} flag takes them. */
        public static Storage parse(String s) {
            switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "auto":
                    return AUTO;
                case "float32":
                case "f32":
                    return FLOAT32;
                case "bf16":
                case "bfloat16":
                    return BF16;
                default:
                    throw new IllegalArgumentException("dtype must be auto, float32 or bf16, got '" + s + "'");
            }
        }
    }

    private final ModelConfig config;
    private final Matrix embed;
    private final Layer[] layers;
    private final Matrix finalNorm;
    private final Matrix lmHead;
    private final Map<String, Matrix> byName = new LinkedHashMap<>();
    private final Map<String, Path> sources = new LinkedHashMap<>();

    private ModelWeights(ModelConfig c) {
        this(c, false);
    }

    private ModelWeights(ModelConfig c, boolean bf16) {
        this.config = c;
        embed = linear(c.vocabSize(), c.hiddenSize(), bf16);
        layers = new Layer[c.numHiddenLayers()];
        for (int i = 0; i < layers.length; i++) layers[i] = new Layer(c, bf16);
        finalNorm = Matrix.zeros(1, c.hiddenSize());
        lmHead = c.tieWordEmbeddings() ? embed : linear(c.vocabSize(), c.hiddenSize(), bf16);
        byName.put("model.embed_tokens.weight", embed);
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            String p = "model.layers." + i + ".";
            int q = c.qDim(), kv = c.kvDim(), ff = c.intermediateSize();
            byName.put(p + "input_layernorm.weight", l.inputNorm);
            byName.put(p + "self_attn.q_proj.weight", l.qkv.rowSlice(0, q));
            byName.put(p + "self_attn.k_proj.weight", l.qkv.rowSlice(q, kv));
            byName.put(p + "self_attn.v_proj.weight", l.qkv.rowSlice(q + kv, kv));
            byName.put(p + "self_attn.o_proj.weight", l.o);
            byName.put(p + "post_attention_layernorm.weight", l.postNorm);
            byName.put(p + "mlp.gate_proj.weight", l.gateUp.rowSlice(0, ff));
            byName.put(p + "mlp.up_proj.weight", l.gateUp.rowSlice(ff, ff));
            byName.put(p + "mlp.down_proj.weight", l.down);
        }
        byName.put("model.norm.weight", finalNorm);
        if (!c.tieWordEmbeddings()) byName.put("lm_head.weight", lmHead);
    }

    public ModelConfig config() {
        return config;
    }

    public Matrix embed() {
        return embed;
    }

    public Layer layer(int i) {
        return layers[i];
    }

    public Matrix finalNorm() {
        return finalNorm;
    }

    public Matrix lmHead() {
        return lmHead;
    }

    /** Hugging Face tensor names in checkpoint order. */
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    /** The weight stored under a Hugging Face name, as a view (writes go to the model). */
    public Matrix matrix(String name) {
        Matrix m = byName.get(name);
        if (m == null)
            throw new IllegalArgumentException(
                    "no weight named '" + name + "' in this " + config.modelType() + " model");
        return m;
    }

    /** Expected HF shape of a tensor: norms are 1-D. */
    private static long[] hfShape(String name, Matrix m) {
        return name.endsWith("norm.weight") ? new long[] {m.cols()} : new long[] {m.rows(), m.cols()};
    }

    /**
     * A fingerprint of these exact weights: SHA-256 over every tensor's name, shape and CRC-32C of its float32 values.
     * Caches and expert files record it so that they are never applied to other weights by accident.
     */
    public String fingerprint() {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, Matrix> e : byName.entrySet()) {
                long crc = crc32c(e.getValue());
                sha.update((e.getKey() + Arrays.toString(hfShape(e.getKey(), e.getValue())) + crc + ";")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * CRC-32C of a matrix's float32 values as little-endian bytes, row-major. Streamed through a 4 MiB window: a
     * whole-block copy (1 GiB for Llama-3.2-1B's embedding) does not fit the launcher's 2 GiB heap beside the rest.
     */
    public static long crc32c(Matrix m) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        int window = 1 << 20;
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(window * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        FloatBuffer asFloats = bytes.asFloatBuffer();
        float[] values = new float[window];
        for (long at = 0; at < m.numel(); ) {
            int k = (int) Math.min(window, m.valuesInBlockFrom(at));
            m.getValues(at, values, 0, k);
            asFloats.clear();
            asFloats.put(values, 0, k);
            crc.update(bytes.clear().limit(k * 4));
            at += k;
        }
        return crc.getValue();
    }

    /** Whether the big matrices are held as bf16. */
    public boolean isBf16() {
        return embed.isBf16();
    }

    /** Bytes the weights occupy in memory. */
    public long bytes() {
        long n = 0;
        for (Matrix m : byName.values()) n += m.numel() * m.bytesPerValue();
        return n;
    }

    /**
     * The safetensors file this weight was loaded from, or null when it was not loaded (random, or built in memory).
     * Its values may have changed since; {@link t2j.adapter.WeightSnapshot} checks before relying on the file.
     */
    public Path sourceFile(String name) {
        matrix(name);
        return sources.get(name);
    }

    /** An independent copy (same config, same values), e.g. to adapt one model while keeping the base. */
    public ModelWeights copy() {
        ModelWeights w = new ModelWeights(config, isBf16());
        for (Map.Entry<String, Matrix> e : byName.entrySet())
            w.byName.get(e.getKey()).copyFrom(e.getValue());
        w.sources.putAll(sources);
        return w;
    }

    /** Number of parameters (tied embeddings counted once). */
    public long parameterCount() {
        long n = 0;
        for (Matrix m : byName.values()) n += m.numel();
        return n;
    }

    /** Loads the weights of {@code config} from a checkpoint folder, checking every tensor's presence and shape. */
    public static ModelWeights load(ModelConfig config, Checkpoint ckpt) {
        return load(config, ckpt, Storage.AUTO);
    }

    /** Parameters above which a bf16 checkpoint stays bf16 by default: the tiny models keep their float32 numbers. */
    public static final long BF16_ABOVE_PARAMETERS = 100_000_000L;

    /** Whether weights of {@code config} from {@code ckpt} are held as bf16 under {@code storage}. */
    public static boolean holdsBf16(ModelConfig config, Checkpoint ckpt, Storage storage) {
        if (storage != Storage.AUTO) return storage == Storage.BF16;
        String probe = "model.embed_tokens.weight";
        return MemoryPlan.parameterCount(config) > BF16_ABOVE_PARAMETERS
                && ckpt.contains(probe)
                && ckpt.info(probe).dtype() == DType.BF16;
    }

    /** {@link #load(ModelConfig, Checkpoint)} holding the linear weights and embedding as {@code storage} says. */
    public static ModelWeights load(ModelConfig config, Checkpoint ckpt, Storage storage) {
        ModelWeights w = new ModelWeights(config, holdsBf16(config, ckpt, storage));
        for (String name : ckpt.names()) {
            Matcher m = LAYER_NAME.matcher(name);
            if (m.matches() && Integer.parseInt(m.group(1)) >= config.numHiddenLayers())
                throw new ModelFormatException(ckpt.fileOf(name) + ": tensor '" + name
                        + "' belongs to a layer beyond num_hidden_layers=" + config.numHiddenLayers() + " in "
                        + ckpt.dir().resolve("config.json") + "; config and weights disagree");
        }
        for (Map.Entry<String, Matrix> e : w.byName.entrySet()) {
            String name = e.getKey();
            Matrix dst = e.getValue();
            long[] want = hfShape(name, dst);
            TensorInfo info;
            try {
                info = ckpt.info(name);
            } catch (RuntimeException notThere) {
                throw new ModelFormatException(
                        ckpt.dir() + ": missing tensor '" + name + "' (shape " + Arrays.toString(want)
                                + ") required by config.json",
                        notThere);
            }
            if (!Arrays.equals(info.shape(), want))
                throw new ModelFormatException(ckpt.fileOf(name) + ": tensor '" + name + "' has shape "
                        + Arrays.toString(info.shape()) + " but config.json implies " + Arrays.toString(want));
            readInto(ckpt, name, dst);
            w.sources.put(name, ckpt.fileOf(name).toAbsolutePath());
        }
        return w;
    }

    /** Fills {@code dst} block by block, so a tensor over 2 GiB in float32 never needs one buffer of its size. */
    private static void readInto(Checkpoint ckpt, String name, Matrix dst) {
        if (dst.isBf16()) {
            for (int r = 0; r < dst.rows(); ) {
                int rowsHere = dst.valuesInBlockFrom((long) r * dst.cols()) / dst.cols();
                ckpt.readRangeBf16(
                        name,
                        (long) r * dst.cols(),
                        rowsHere * dst.cols(),
                        dst.halvesOf(r).duplicate().position(2 * dst.offsetInBlock(r)));
                r += rowsHere;
            }
            return;
        }
        dst.forEachBlock((first, count, data) -> ckpt.readRange(
                name,
                (long) first * dst.cols(),
                count * dst.cols(),
                data.duplicate().position(0)));
    }

    private static boolean singleBlock(Matrix m) {
        int[] blocks = {0};
        m.forEachBlock((f, c, d) -> blocks[0]++);
        return blocks[0] == 1;
    }

    /**
     * Random weights with the initialisation HF uses for these models (normal(0, 0.02) matrices, unit norms), for
     * tests and as the starting point of pretraining. Same seed, same weights.
     */
    public static ModelWeights random(ModelConfig config, long seed) {
        return random(config, seed, 0.02);
    }

    /** Random weights with matrices drawn from normal(0, {@code std}) and unit norms. */
    public static ModelWeights random(ModelConfig config, long seed, double std) {
        ModelWeights w = new ModelWeights(config);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Map.Entry<String, Matrix> e : w.byName.entrySet()) {
            Matrix m = e.getValue();
            boolean norm = e.getKey().endsWith("norm.weight");
            m.forEachBlock((first, count, data) -> {
                int n = count * m.cols();
                for (int i = 0; i < n; i++) data.put(i, norm ? 1f : (float) (t2j.util.Seeds.gaussian(rnd) * std));
            });
        }
        return w;
    }

    /** Writes the weights as a Hugging Face folder's safetensors (sharded when larger than {@code maxShardBytes}). */
    public void save(Path dir, DType dtype, long maxShardBytes) throws IOException {
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Matrix> e : byName.entrySet()) {
            Matrix m = e.getValue();
            if (m.isBf16()) {
                Matrix wide = Matrix.zeros(m.rows(), m.cols()); // exact; the writer narrows again when dtype is BF16
                wide.copyFrom(m);
                m = wide;
            }
            if (!singleBlock(m)) throw new IOException("saving matrices over 2 GiB is not supported: " + e.getKey());
            FloatBuffer[] data = new FloatBuffer[1];
            m.forEachBlock((f, c, d) -> data[0] = d.duplicate().position(0));
            entries.add(new SafeTensorsWriter.Entry(e.getKey(), dtype, hfShape(e.getKey(), m), data[0]));
        }
        Checkpoint.writeSharded(dir, entries, maxShardBytes, Map.of("format", "pt"));
    }
}
