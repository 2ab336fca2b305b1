package t2j.model;

import java.io.IOException;
import java.nio.file.Path;
import t2j.io.DType;

/** Small random checkpoints in Hugging Face layout, written by tests for tests. */
public final class TinyModels {
    private TinyModels() {}

    /** A Llama-3-style config: GQA (4 query heads over 2 KV heads), rope_theta 500000, llama3 rope scaling, untied head. */
    public static ModelConfig llama() {
        return new ModelConfig(
                "llama",
                64,
                160,
                4,
                2,
                16,
                2,
                300,
                1e-5,
                500000.0,
                new ModelConfig.RopeScaling(8.0, 1.0, 4.0, 16),
                0,
                false,
                256,
                new int[] {1},
                new int[] {2, 3});
    }

    /** A Mistral-style config: sliding window of 5 tokens (shorter than the test sequences), tied embeddings. */
    public static ModelConfig mistral() {
        return new ModelConfig(
                "mistral", 48, 96, 6, 2, 8, 2, 250, 1e-6, 1e6, null, 5, true, 256, new int[] {1}, new int[] {2});
    }

    /** Writes {@code config} with seeded random weights into {@code dir}; {@code shardBytes} small forces sharding. */
    public static Path write(Path dir, ModelConfig config, long seed, DType dtype, long shardBytes) throws IOException {
        config.save(dir);
        ModelWeights.random(config, seed, 0.15).save(dir, dtype, shardBytes);
        return dir;
    }
}
