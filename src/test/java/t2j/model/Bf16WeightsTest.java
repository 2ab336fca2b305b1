package t2j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.io.DType;
import t2j.lora.LoraAdapter;
import t2j.svf.Targets;

/**
 * Weights held in bf16 against the same bf16 checkpoint held in float32: the values are identical (bf16 widens
 * exactly), so logits differ only by float32 summation order in the products.
 */
class Bf16WeightsTest {
    /** Relative to the largest logit: float32 sums of ~100 terms in another order, with margin for the layers. */
    private static final double LOGIT_TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    private static double worst(float[][] a, float[][] b) {
        double worst = 0, scale = 0;
        for (int t = 0; t < a.length; t++)
            for (int v = 0; v < a[t].length; v++) {
                worst = Math.max(worst, Math.abs(a[t][v] - b[t][v]));
                scale = Math.max(scale, Math.abs(a[t][v]));
            }
        return worst / Math.max(1, scale);
    }

    @Test
    void bf16LogitsAgreeWithFloat32LogitsOfTheSameCheckpoint() throws IOException {
        for (ModelConfig c : List.of(TinyModels.llama(), TinyModels.mistral())) {
            Path dir = TinyModels.write(tmp.resolve(c.modelType()), c, 11, DType.BF16, 1L << 30);
            Transformer f32 = Transformer.load(dir, ModelWeights.Storage.FLOAT32);
            Transformer bf16 = Transformer.load(dir, ModelWeights.Storage.BF16);
            assertTrue(bf16.weights().isBf16() && !f32.weights().isBf16());
            assertEquals(f32.weights().fingerprint(), bf16.weights().fingerprint(), "same values, same fingerprint");
            assertTrue(bf16.weights().bytes()
                    < 0.51 * f32.weights().bytes() + 4L * 2 * c.hiddenSize() * (c.numHiddenLayers() + 1));

            int[] ids = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
            double prefill = worst(f32.logits(ids), bf16.logits(ids)); // 10 rows: widened panels and sgemm
            assertTrue(prefill < LOGIT_TOLERANCE, c.modelType() + " prefill logits differ by " + prefill);

            KVCache a = f32.newCache(2, 16), b = bf16.newCache(2, 16);
            int[][] prompts = {{7, 8, 9}, {10, 11}};
            double decode = worst(f32.prefill(a, prompts), bf16.prefill(b, prompts)); // 2 rows: the direct bf16 kernel
            for (int step = 0; step < 4; step++) {
                int[] next = {20 + step, 30 + step};
                decode = Math.max(decode, worst(f32.step(a, next), bf16.step(b, next)));
            }
            assertTrue(decode < LOGIT_TOLERANCE, c.modelType() + " decode logits differ by " + decode);
        }
    }

    @Test
    void tinyCheckpointsStayFloat32UnlessAsked() throws IOException {
        Path dir = TinyModels.write(tmp.resolve("tiny"), TinyModels.llama(), 12, DType.BF16, 1L << 30);
        assertFalse(Transformer.load(dir).weights().isBf16(), "under 100 M parameters the default is float32");
        assertTrue(Transformer.load(dir, ModelWeights.Storage.BF16).weights().isBf16());
        assertEquals(ModelWeights.Storage.BF16, ModelWeights.Storage.parse("bf16"));
        assertEquals(ModelWeights.Storage.FLOAT32, ModelWeights.Storage.parse("float32"));
    }

    @Test
    void gradientsThroughBf16WeightsMatchFloat32() throws IOException {
        Path dir = TinyModels.write(tmp.resolve("g"), TinyModels.llama(), 13, DType.BF16, 1L << 30);
        Map<String, float[]> want = loraGradients(Transformer.load(dir, ModelWeights.Storage.FLOAT32));
        Map<String, float[]> got = loraGradients(Transformer.load(dir, ModelWeights.Storage.BF16));
        double dot = 0, nw = 0, ng = 0;
        for (String k : want.keySet()) {
            float[] w = want.get(k), g = got.get(k);
            for (int i = 0; i < w.length; i++) {
                dot += (double) w[i] * g[i];
                nw += (double) w[i] * w[i];
                ng += (double) g[i] * g[i];
            }
        }
        assertTrue(nw > 0, "a gradient that is zero proves nothing");
        double cosine = dot / Math.sqrt(nw * ng);
        assertTrue(cosine > 0.99999 && Math.abs(Math.sqrt(ng / nw) - 1) < 1e-4, "cosine " + cosine);
    }

    /**
     * LoRA's gradients at B = 0, where the composed weights are the base weights exactly in both storages (a nonzero B
     * would be rounded to bf16 in one and not the other); B's gradient flows back through every layer's weights.
     */
    private static Map<String, float[]> loraGradients(Transformer m) {
        LoraAdapter lora = new LoraAdapter(m, Targets.ALL_LINEAR.select(m.weights()), 2, 4f, 1);
        Map<String, float[]> grads = new LinkedHashMap<>();
        lora.parameters().forEach((k, v) -> grads.put(k, new float[v.length]));
        lora.apply();
        new Backprop(m)
                .lossAndGradients(
                        new int[][] {{5, 6, 7}, {9, 10}},
                        new int[][] {{11, 12}, {14, 15, 16}},
                        Backprop.weightedNll(new float[] {1f, -0.5f}),
                        lora.gradientSink(grads));
        lora.restore();
        return grads;
    }
}
