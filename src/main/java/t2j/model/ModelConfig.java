package t2j.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.json.Json;

/**
 * The architecture of a Llama- or Mistral-family decoder, read from a Hugging Face {@code config.json}.
 *
 * <p>Only what changes the computation is kept; every field is validated on load and a bad one is reported
 * with the file and the field name, because a silently wrong config gives a silently wrong model.
 *
 * <pre>{@code
 * ModelConfig cfg = ModelConfig.load(Path.of("models/tiny-llama"));
 * System.out.println(cfg.numHiddenLayers() + " layers, d=" + cfg.hiddenSize());
 * }</pre>
 *
 * @param modelType            {@code llama} or {@code mistral}
 * @param slidingWindow        attention window in tokens, 0 for full causal attention (Mistral only)
 * @param ropeScaling          Llama-3 frequency scaling, or null for none
 * @param bosTokenIds          beginning-of-sequence ids (Llama-3 configs may list several)
 * @param eosTokenIds          end-of-sequence ids; generation stops on any of them
 */
public record ModelConfig(
        String modelType,
        int hiddenSize,
        int intermediateSize,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        int numHiddenLayers,
        int vocabSize,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        int slidingWindow,
        boolean tieWordEmbeddings,
        int maxPositionEmbeddings,
        int[] bosTokenIds,
        int[] eosTokenIds) {

    /** Llama-3's {@code rope_scaling} of type {@code llama3}. */
    public record RopeScaling(
            double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rope_type", "llama3");
            m.put("factor", factor);
            m.put("low_freq_factor", lowFreqFactor);
            m.put("high_freq_factor", highFreqFactor);
            m.put("original_max_position_embeddings", originalMaxPositionEmbeddings);
            return m;
        }
    }

    public ModelConfig {
        String where = "config";
        if (!modelType.equals("llama") && !modelType.equals("mistral"))
            throw new ModelFormatException(
                    where + ": model_type '" + modelType + "' is not supported (expected llama or mistral)");
        positive(where, "hidden_size", hiddenSize);
        positive(where, "intermediate_size", intermediateSize);
        positive(where, "num_attention_heads", numAttentionHeads);
        positive(where, "num_key_value_heads", numKeyValueHeads);
        positive(where, "head_dim", headDim);
        positive(where, "num_hidden_layers", numHiddenLayers);
        positive(where, "vocab_size", vocabSize);
        if (numAttentionHeads % numKeyValueHeads != 0)
            throw new ModelFormatException(where + ": num_attention_heads (" + numAttentionHeads
                    + ") must be a multiple of num_key_value_heads (" + numKeyValueHeads + ")");
        if (headDim % 2 != 0)
            throw new ModelFormatException(where + ": head_dim must be even for rotary embeddings, got " + headDim);
        if (!(rmsNormEps > 0)) throw new ModelFormatException(where + ": rms_norm_eps must be > 0, got " + rmsNormEps);
        if (!(ropeTheta > 0)) throw new ModelFormatException(where + ": rope_theta must be > 0, got " + ropeTheta);
        if (slidingWindow < 0)
            throw new ModelFormatException(where + ": sliding_window must be >= 0, got " + slidingWindow);
        bosTokenIds = bosTokenIds == null ? new int[0] : bosTokenIds;
        eosTokenIds = eosTokenIds == null ? new int[0] : eosTokenIds;
    }

    private static void positive(String where, String field, int v) {
        if (v <= 0) throw new ModelFormatException(where + ": " + field + " must be a positive integer, got " + v);
    }

    /** Query heads per key/value head (grouped-query attention). */
    public int groupSize() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** Width of the query projection, {@code num_attention_heads × head_dim}. */
    public int qDim() {
        return numAttentionHeads * headDim;
    }

    /** Width of each of the key and value projections. */
    public int kvDim() {
        return numKeyValueHeads * headDim;
    }

    /** Reads {@code dir/config.json}. */
    public static ModelConfig load(Path dir) {
        Path file = dir.resolve("config.json");
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(dir + ": no config.json (expected a Hugging Face model folder)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return fromJson(Json.parseObject(text, file.toString()), file.toString());
    }

    /** Builds a config from parsed {@code config.json} content; {@code where} names the source in errors. */
    public static ModelConfig fromJson(Map<String, Object> j, String where) {
        Fields f = new Fields(j, where);
        String type = f.string("model_type");
        if (!type.equals("llama") && !type.equals("mistral"))
            throw new ModelFormatException(
                    where + ": model_type '" + type + "' is not supported (expected llama or mistral)");
        if (j.containsKey("hidden_act") && !"silu".equals(j.get("hidden_act")))
            throw new ModelFormatException(
                    where + ": hidden_act '" + j.get("hidden_act") + "' is not supported (expected silu)");
        for (String bias : List.of("attention_bias", "mlp_bias"))
            if (Boolean.TRUE.equals(j.get(bias)))
                throw new ModelFormatException(
                        where + ": " + bias + "=true is not supported (Llama-3 and Mistral have no biases)");
        int hidden = f.integer("hidden_size");
        int heads = f.integer("num_attention_heads");
        int headDim = j.get("head_dim") == null ? -1 : f.integer("head_dim");
        if (headDim < 0) {
            if (hidden % heads != 0)
                throw new ModelFormatException(where + ": hidden_size (" + hidden
                        + ") is not divisible by num_attention_heads (" + heads + ") and head_dim is not given");
            headDim = hidden / heads;
        }
        int slidingWindow = 0;
        if (type.equals("mistral")
                && j.get("sliding_window") != null
                && !Boolean.FALSE.equals(j.get("use_sliding_window"))) slidingWindow = f.integer("sliding_window");
        return new ModelConfig(
                type,
                hidden,
                f.integer("intermediate_size"),
                heads,
                j.get("num_key_value_heads") == null ? heads : f.integer("num_key_value_heads"),
                headDim,
                f.integer("num_hidden_layers"),
                f.integer("vocab_size"),
                j.get("rms_norm_eps") == null ? 1e-6 : f.number("rms_norm_eps"),
                j.get("rope_theta") == null ? 10000.0 : f.number("rope_theta"),
                ropeScaling(j.get("rope_scaling"), where),
                slidingWindow,
                j.get("tie_word_embeddings") == null ? false : f.bool("tie_word_embeddings"),
                j.get("max_position_embeddings") == null ? 2048 : f.integer("max_position_embeddings"),
                f.ids("bos_token_id"),
                f.ids("eos_token_id"));
    }

    @SuppressWarnings("unchecked")
    private static RopeScaling ropeScaling(Object v, String where) {
        if (v == null) return null;
        if (!(v instanceof Map)) throw new ModelFormatException(where + ": rope_scaling must be an object or null");
        Fields f = new Fields((Map<String, Object>) v, where + ": rope_scaling");
        Map<String, Object> m = (Map<String, Object>) v;
        Object type = m.containsKey("rope_type") ? m.get("rope_type") : m.get("type");
        if (!"llama3".equals(type))
            throw new ModelFormatException(
                    where + ": rope_scaling type '" + type + "' is not supported (expected llama3)");
        RopeScaling r = new RopeScaling(
                f.number("factor"),
                f.number("low_freq_factor"),
                f.number("high_freq_factor"),
                f.integer("original_max_position_embeddings"));
        if (!(r.factor() > 0) || !(r.highFreqFactor() > r.lowFreqFactor()) || r.lowFreqFactor() <= 0)
            throw new ModelFormatException(
                    where + ": rope_scaling needs factor > 0 and high_freq_factor > low_freq_factor > 0, got " + m);
        return r;
    }

    /** The {@code config.json} content that {@link #fromJson} reads back to an equal config. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", List.of(modelType.equals("llama") ? "LlamaForCausalLM" : "MistralForCausalLM"));
        m.put("model_type", modelType);
        m.put("hidden_size", hiddenSize);
        m.put("intermediate_size", intermediateSize);
        m.put("num_attention_heads", numAttentionHeads);
        m.put("num_key_value_heads", numKeyValueHeads);
        m.put("head_dim", headDim);
        m.put("num_hidden_layers", numHiddenLayers);
        m.put("vocab_size", vocabSize);
        m.put("rms_norm_eps", rmsNormEps);
        m.put("rope_theta", ropeTheta);
        m.put("rope_scaling", ropeScaling == null ? null : ropeScaling.toJson());
        if (modelType.equals("mistral")) m.put("sliding_window", slidingWindow == 0 ? null : slidingWindow);
        m.put("tie_word_embeddings", tieWordEmbeddings);
        m.put("max_position_embeddings", maxPositionEmbeddings);
        m.put("hidden_act", "silu");
        m.put("attention_bias", false);
        m.put("bos_token_id", bosTokenIds.length == 1 ? (Object) bosTokenIds[0] : List.of(box(bosTokenIds)));
        m.put("eos_token_id", eosTokenIds.length == 1 ? (Object) eosTokenIds[0] : List.of(box(eosTokenIds)));
        m.put("torch_dtype", "float32");
        return m;
    }

    private static Integer[] box(int[] a) {
        Integer[] r = new Integer[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    /** Writes {@code dir/config.json}. */
    public void save(Path dir) throws IOException {
        t2j.io.AtomicFiles.writeString(dir.resolve("config.json"), Json.write(toJson()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig && toJson().equals(((ModelConfig) o).toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return Json.write(toJson());
    }

    /** Typed access to JSON fields with messages that name the file and field. */
    private static final class Fields {
        private final Map<String, Object> j;
        private final String where;

        Fields(Map<String, Object> j, String where) {
            this.j = j;
            this.where = where;
        }

        private Object get(String k) {
            Object v = j.get(k);
            if (v == null) throw new ModelFormatException(where + ": missing field '" + k + "'");
            return v;
        }

        String string(String k) {
            Object v = get(k);
            if (!(v instanceof String))
                throw new ModelFormatException(where + ": field '" + k + "' must be a string, got " + v);
            return (String) v;
        }

        int integer(String k) {
            Object v = get(k);
            if (v instanceof Long && (Long) v >= Integer.MIN_VALUE && (Long) v <= Integer.MAX_VALUE)
                return (int) (long) (Long) v;
            if (v instanceof Double && (Double) v == Math.rint((Double) v)) return (int) (double) (Double) v;
            throw new ModelFormatException(where + ": field '" + k + "' must be an integer, got " + v);
        }

        double number(String k) {
            Object v = get(k);
            if (!(v instanceof Number))
                throw new ModelFormatException(where + ": field '" + k + "' must be a number, got " + v);
            return ((Number) v).doubleValue();
        }

        boolean bool(String k) {
            Object v = get(k);
            if (!(v instanceof Boolean))
                throw new ModelFormatException(where + ": field '" + k + "' must be true or false, got " + v);
            return (Boolean) v;
        }

        /** An id field that may be absent, an integer, or a list of integers. */
        int[] ids(String k) {
            Object v = j.get(k);
            if (v == null) return new int[0];
            if (v instanceof List) {
                List<?> l = (List<?>) v;
                int[] r = new int[l.size()];
                for (int i = 0; i < r.length; i++) {
                    if (!(l.get(i) instanceof Long))
                        throw new ModelFormatException(where + ": field '" + k + "' must hold integers, got " + v);
                    r[i] = (int) (long) (Long) l.get(i);
                }
                return r;
            }
            return new int[] {integer(k)};
        }
    }
}
