package t2j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.json.Json;

class ModelConfigTest {
    @TempDir
    Path dir;

    /** A trimmed copy of Llama-3.1-8B-Instruct's config.json. */
    static final String LLAMA31 =
            "{\"architectures\":[\"LlamaForCausalLM\"],\"attention_bias\":false,\"bos_token_id\":128000,"
                    + "\"eos_token_id\":[128001,128008,128009],\"hidden_act\":\"silu\",\"hidden_size\":4096,\"intermediate_size\":14336,"
                    + "\"max_position_embeddings\":131072,\"model_type\":\"llama\",\"num_attention_heads\":32,\"num_hidden_layers\":32,"
                    + "\"num_key_value_heads\":8,\"rms_norm_eps\":1e-05,\"rope_scaling\":{\"factor\":8.0,\"low_freq_factor\":1.0,"
                    + "\"high_freq_factor\":4.0,\"original_max_position_embeddings\":8192,\"rope_type\":\"llama3\"},\"rope_theta\":500000.0,"
                    + "\"tie_word_embeddings\":false,\"torch_dtype\":\"bfloat16\",\"vocab_size\":128256}";

    /** A trimmed copy of Mistral-7B-Instruct-v0.3's config.json. */
    static final String MISTRAL = "{\"architectures\":[\"MistralForCausalLM\"],\"bos_token_id\":1,\"eos_token_id\":2,"
            + "\"hidden_act\":\"silu\",\"hidden_size\":4096,\"intermediate_size\":14336,\"max_position_embeddings\":32768,"
            + "\"model_type\":\"mistral\",\"num_attention_heads\":32,\"num_hidden_layers\":32,\"num_key_value_heads\":8,"
            + "\"rms_norm_eps\":1e-05,\"rope_theta\":1000000.0,\"sliding_window\":null,\"tie_word_embeddings\":false,"
            + "\"vocab_size\":32768}";

    @Test
    void readsRealLlama31Config() {
        ModelConfig c = ModelConfig.fromJson(Json.parseObject(LLAMA31, "config.json"), "config.json");
        assertEquals(128, c.headDim());
        assertEquals(4, c.groupSize());
        assertArrayEquals(new int[] {128001, 128008, 128009}, c.eosTokenIds());
        assertEquals(8192, c.ropeScaling().originalMaxPositionEmbeddings());
        assertEquals(0, c.slidingWindow());
    }

    @Test
    void readsRealMistralConfigWithNullWindow() {
        ModelConfig c = ModelConfig.fromJson(Json.parseObject(MISTRAL, "config.json"), "config.json");
        assertEquals(0, c.slidingWindow());
        assertNull(c.ropeScaling());
        assertArrayEquals(new int[] {2}, c.eosTokenIds());
    }

    @Test
    void roundTripsThroughConfigJson() throws Exception {
        for (ModelConfig c : new ModelConfig[] {TinyModels.llama(), TinyModels.mistral()}) {
            c.save(dir);
            assertEquals(c, ModelConfig.load(dir));
        }
    }

    private ModelFormatException bad(String edit, String key, Object value) throws Exception {
        Map<String, Object> j = Json.parseObject(LLAMA31, "x");
        if (value == null) j.remove(key);
        else j.put(key, value);
        Files.writeString(dir.resolve("config.json"), Json.write(j));
        return assertThrows(ModelFormatException.class, () -> ModelConfig.load(dir), edit);
    }

    @Test
    void badFieldsNameTheFileAndField() throws Exception {
        ModelFormatException e = bad("unknown model_type", "model_type", "gpt2");
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("gpt2"), e.getMessage());
        e = bad("missing hidden_size", "hidden_size", null);
        assertTrue(e.getMessage().contains("hidden_size") && e.getMessage().contains("config.json"), e.getMessage());
        e = bad("string where int", "num_hidden_layers", "thirty-two");
        assertTrue(e.getMessage().contains("num_hidden_layers"), e.getMessage());
        e = bad("heads not a multiple", "num_key_value_heads", 5L);
        assertTrue(e.getMessage().contains("num_key_value_heads"), e.getMessage());
        e = bad("unsupported activation", "hidden_act", "gelu");
        assertTrue(e.getMessage().contains("hidden_act"), e.getMessage());
        e = bad("unsupported rope scaling", "rope_scaling", Map.of("type", "yarn", "factor", 2.0));
        assertTrue(e.getMessage().contains("yarn"), e.getMessage());
    }

    @Test
    void missingConfigAndMalformedJsonAreExplained() throws Exception {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelConfig.load(dir));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\",\n \"hidden_size\": }");
        RuntimeException j = assertThrows(RuntimeException.class, () -> ModelConfig.load(dir));
        assertTrue(j.getMessage().contains("config.json") && j.getMessage().contains("line 2"), j.getMessage());
    }
}
