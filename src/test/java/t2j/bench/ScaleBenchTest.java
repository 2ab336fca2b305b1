package t2j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.io.Checkpoint;
import t2j.io.DType;
import t2j.model.MemoryPlan;
import t2j.model.ModelConfig;
import t2j.model.ModelWeights;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Targets;
import t2j.util.Progress;

class ScaleBenchTest {
    @TempDir
    Path tmp;

    @Test
    void shapesHaveThePublishedParameterCounts() {
        assertEquals(1_235_814_400L, MemoryPlan.parameterCount(ScaleBench.shape("llama-3.2-1b", 0)));
        assertEquals(8_030_261_248L, MemoryPlan.parameterCount(ScaleBench.shape("llama-3-8b", 0)));
        assertEquals(2, ScaleBench.shape("llama-3-8b", 2).numHiddenLayers());
        assertThrows(IllegalArgumentException.class, () -> ScaleBench.shape("gpt-2", 0));
    }

    @Test
    void randomCheckpointLoadsAsTheConfigSaysAndIsReused() throws Exception {
        ModelConfig c = new ModelConfig(
                "llama", 64, 128, 4, 2, 16, 2, 500, 1e-5, 500000.0, null, 0, false, 256, new int[] {1}, new int[] {2});
        Path dir = tmp.resolve("ckpt");
        assertTrue(RandomCheckpoint.ensure(dir, c, 7));
        assertFalse(RandomCheckpoint.ensure(dir, c, 7), "a matching checkpoint is reused, not rewritten");
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertEquals(
                    DType.BF16, ckpt.info("model.layers.1.mlp.down_proj.weight").dtype());
        }
        Transformer m = Transformer.load(dir, ModelWeights.Storage.BF16);
        float[] w = m.weights().matrix("model.layers.0.mlp.up_proj.weight").toArray();
        double sum = 0, sq = 0;
        for (float v : w) {
            assertTrue(Math.abs(v) <= 0.0347f, "uniform within ±0.02·√3: " + v);
            sum += v;
            sq += (double) v * v;
        }
        assertEquals(0.02, Math.sqrt(sq / w.length - Math.pow(sum / w.length, 2)), 0.001, "HF's initializer_range");
        assertEquals(1f, m.weights().matrix("model.norm.weight").get(0, 5));
        assertTrue(Float.isFinite(m.logits(new int[] {3, 4, 5})[2][7]));
    }

    @Test
    void switchAndCemLeaveTheBaseWeightsAndReportTheHeap() throws Exception {
        ModelConfig c = new ModelConfig(
                "llama", 64, 128, 4, 2, 16, 2, 500, 1e-5, 500000.0, null, 0, false, 256, new int[] {1}, new int[] {2});
        Path dir = tmp.resolve("ckpt");
        RandomCheckpoint.ensure(dir, c, 3);
        Transformer m = Transformer.load(dir, ModelWeights.Storage.BF16);
        float[][] before = new float[3][];
        String[] names = {"gate", "up", "down"};
        for (int i = 0; i < 3; i++)
            before[i] = m.weights()
                    .matrix("model.layers.0.mlp." + names[i] + "_proj.weight")
                    .toArray();
        Decomposition dec =
                Decomposition.compute(m.weights(), Targets.matching("model\\.layers\\.0\\.mlp\\..*"), Progress.NONE);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ScaleBench.switchAndCem(m, dec, 2, new PrintStream(text, true, StandardCharsets.UTF_8));
        String printed = text.toString(StandardCharsets.UTF_8);
        assertTrue(
                printed.contains("expert switch")
                        && printed.contains("one CEM evaluation (mixture of 2 experts, 4 shots"),
                printed);
        assertTrue(printed.matches("(?s).*heap peak [0-9.]+ [KMG]iB of its .*"), printed);
        for (int i = 0; i < 3; i++)
            assertArrayEquals(
                    before[i],
                    m.weights()
                            .matrix("model.layers.0.mlp." + names[i] + "_proj.weight")
                            .toArray(),
                    names[i] + ": the scope and the evaluation restore the base weights");
    }
}
