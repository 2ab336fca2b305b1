package t2j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import t2j.io.DType;

class TransformerTest {
    @TempDir
    static Path tmp;

    static Stream<ModelConfig> configs() {
        return Stream.of(TinyModels.llama(), TinyModels.mistral());
    }

    private static Transformer model(ModelConfig c) throws Exception {
        Path dir = tmp.resolve(c.modelType() + "-f32");
        if (!dir.resolve("config.json").toFile().exists()) TinyModels.write(dir, c, 7, DType.F32, 1L << 30);
        return Transformer.load(dir);
    }

    private static int[] randomIds(int n, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = r.nextInt(vocab);
        return ids;
    }

    private static void assertClose(float[] want, float[] got, float tol, String what) {
        assertEquals(want.length, got.length, what + ": length");
        float worst = 0;
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
        assertTrue(worst <= tol, what + ": max |Δ| = " + worst + " > " + tol);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void kvCacheDecodingEqualsFullRecompute(ModelConfig c) throws Exception {
        Transformer m = model(c);
        int[] ids = randomIds(12, c.vocabSize(), 1);
        float[][] full = m.logits(ids);
        KVCache cache = m.newCache(1, ids.length);
        float[][] first = m.prefill(cache, new int[][] {java.util.Arrays.copyOf(ids, 4)});
        assertClose(full[3], first[0], 1e-4f, "prefill last position");
        for (int i = 4; i < ids.length; i++) {
            float[][] step = m.step(cache, new int[] {ids[i]});
            assertClose(full[i], step[0], 1e-4f, "decode step at position " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void batchEqualsEachRowAlone(ModelConfig c) throws Exception {
        Transformer m = model(c);
        int[][] rows = {randomIds(9, c.vocabSize(), 2), randomIds(3, c.vocabSize(), 3), randomIds(6, c.vocabSize(), 4)};
        KVCache cache = m.newCache(rows.length, 9 + 3);
        float[][] batched = m.prefill(cache, rows);
        float[][] next = m.step(cache, new int[] {5, 6, 7});
        float[][] next2 = m.step(cache, new int[] {8, 9, 10});
        int[] extra1 = {5, 6, 7}, extra2 = {8, 9, 10};
        for (int b = 0; b < rows.length; b++) {
            float[][] alone = m.logits(concat(rows[b], new int[] {extra1[b], extra2[b]}));
            int n = rows[b].length;
            assertClose(alone[n - 1], batched[b], 1e-4f, "row " + b + " prefill");
            assertClose(alone[n], next[b], 1e-4f, "row " + b + " first step");
            assertClose(alone[n + 1], next2[b], 1e-4f, "row " + b + " second step");
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void continuationLogProbsMatchLogitsOfTheWholeSequence(ModelConfig c) throws Exception {
        Transformer m = model(c);
        int[][] prompts = {randomIds(5, c.vocabSize(), 5), randomIds(2, c.vocabSize(), 6)};
        int[][] conts = {randomIds(3, c.vocabSize(), 7), randomIds(6, c.vocabSize(), 8)};
        float[][] lp = m.continuationLogProbs(prompts, conts);
        for (int b = 0; b < 2; b++) {
            float[][] logits = m.logits(concat(prompts[b], conts[b]));
            for (int i = 0; i < conts[b].length; i++) {
                float want = Transformer.logSoftmaxAt(logits[prompts[b].length - 1 + i], conts[b][i]);
                assertEquals(want, lp[b][i], 1e-4, "row " + b + " token " + i);
                assertTrue(lp[b][i] < 0);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void bf16CheckpointAgreesWithF32WithinBf16Tolerance(ModelConfig c) throws Exception {
        Path dir = tmp.resolve(c.modelType() + "-bf16-sharded");
        TinyModels.write(dir, c, 7, DType.BF16, 20_000); // tiny shards: also exercises the sharded index
        assertTrue(dir.resolve("model.safetensors.index.json").toFile().exists(), "expected a sharded checkpoint");
        Transformer bf16 = Transformer.load(dir), f32 = model(c);
        int[] ids = randomIds(10, c.vocabSize(), 9);
        float[][] a = f32.logits(ids), b = bf16.logits(ids);
        double scale = 0;
        for (float[] r : a) for (float v : r) scale = Math.max(scale, Math.abs(v));
        // bf16 keeps 8 mantissa bits (relative error 2^-9 per weight); errors add up over layers: allow 3%.
        for (int i = 0; i < ids.length; i++) assertClose(a[i], b[i], (float) (0.03 * scale), "position " + i);
        float diff = 0;
        for (int i = 0; i < ids.length; i++)
            for (int j = 0; j < a[i].length; j++) diff = Math.max(diff, Math.abs(a[i][j] - b[i][j]));
        assertTrue(diff > 0, "bf16 rounding should change something; are both files f32?");
    }

    @org.junit.jupiter.api.Test
    void slidingWindowHidesTokensOutsideTheWindow() throws Exception {
        ModelConfig c = TinyModels.mistral();
        Transformer m = model(c);
        int w = c.slidingWindow();
        int[] a = randomIds(c.numHiddenLayers() * (w - 1) + 6, c.vocabSize(), 10);
        int[] b = a.clone();
        b[0] = (b[0] + 1) % c.vocabSize(); // differs only at position 0
        float[][] la = m.logits(a), lb = m.logits(b);
        assertTrue(maxDiff(la[1], lb[1]) > 1e-4, "position 1 sees position 0 and must change");
        // With L layers, information travels at most L·(w-1) positions back: beyond that nothing can change.
        int reach = c.numHiddenLayers() * (w - 1);
        for (int i = reach + 1; i < a.length; i++)
            assertClose(la[i], lb[i], 1e-5f, "position " + i + " beyond the window's reach");
    }

    private static float maxDiff(float[] x, float[] y) {
        float d = 0;
        for (int i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
        return d;
    }

    static int[] concat(int[] a, int[] b) {
        int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @org.junit.jupiter.api.Test
    void tokenIdsOutsideTheVocabularyAreRejected() throws Exception {
        Transformer m = model(TinyModels.llama());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> m.logits(new int[] {1, 300}));
        assertTrue(e.getMessage().contains("300"), e.getMessage());
    }
}
