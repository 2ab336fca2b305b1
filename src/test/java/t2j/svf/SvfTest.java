package t2j.svf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import t2j.model.ModelWeights;
import t2j.model.TinyModels;
import t2j.model.Transformer;
import t2j.tensor.Matrix;
import t2j.util.Progress;

class SvfTest {
    static java.util.List<Parametrization> builtIns() {
        return java.util.List.of(Parametrization.SIGMOID_MASK, Parametrization.PLAIN_SCALE);
    }

    @TempDir
    Path tmp;

    /** Uniform in [-1, 1), seeded; GramSvdTest uses it too. */
    static Matrix random(int rows, int cols, long seed) {
        Matrix m = Matrix.zeros(rows, cols);
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[rows * cols];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        m.copyFrom(a);
        return m;
    }

    @Test
    void svdReconstructsTallWideAndSquareMatrices() {
        for (int[] shape : new int[][] {{40, 40}, {96, 48}, {48, 96}, {160, 64}}) {
            Matrix w = random(shape[0], shape[1], shape[0] * 31L + shape[1]);
            Svd s = Svd.of(w);
            assertEquals(Math.min(shape[0], shape[1]), s.rank());
            assertTrue(s.relativeError(w) <= 1e-5, shape[0] + "x" + shape[1] + ": error " + s.relativeError(w));
            for (int k = 1; k < s.rank(); k++)
                assertTrue(s.sigma()[k - 1] >= s.sigma()[k], "singular values must descend");
        }
    }

    @ParameterizedTest
    @MethodSource("builtIns")
    void identityZReproducesTheBaseModel(Parametrization p) {
        Transformer m = new Transformer(ModelWeights.random(TinyModels.llama(), 5, 0.15));
        int[] ids = {3, 1, 4, 1, 5, 9, 2, 6};
        float[][] before = m.logits(ids);
        SvfAdapter svf = new SvfAdapter(m, Decomposition.compute(m.weights(), Targets.ALL_LINEAR, Progress.NONE), p, 0);
        Map<String, float[]> identity = new LinkedHashMap<>();
        svf.parameters().forEach((k, v) -> identity.put(k, p.identityZ(v.length)));
        svf.setZ(identity);
        svf.apply();
        float[][] after = m.logits(ids);
        float worst = 0;
        for (int t = 0; t < ids.length; t++)
            for (int v = 0; v < before[t].length; v++) worst = Math.max(worst, Math.abs(before[t][v] - after[t][v]));
        assertTrue(worst < 1e-4, "identity z changed logits by " + worst);
        svf.restore();
        float[][] restored = m.logits(ids);
        for (int t = 0; t < ids.length; t++)
            org.junit.jupiter.api.Assertions.assertArrayEquals(before[t], restored[t], "restore must be exact");
    }

    @ParameterizedTest
    @MethodSource("builtIns")
    void zGradientMatchesFiniteDifferences(Parametrization p) {
        Transformer m = new Transformer(ModelWeights.random(TinyModels.mistral(), 9, 0.15));
        SvfAdapter svf = new SvfAdapter(m, Decomposition.compute(m.weights(), Targets.ALL_LINEAR, Progress.NONE), p, 3);
        // Move z off its start so the check is not at a special point.
        SplittableRandom r = new SplittableRandom(4);
        svf.parameters().values().forEach(z -> {
            for (int i = 0; i < z.length; i++) z[i] += (float) (0.3 * (r.nextDouble() - 0.5));
        });
        t2j.train.AdapterGradientCheck.check(m, svf, 2e-2f);
    }

    @Test
    void cacheRoundTripsAndRefusesOtherWeights() throws Exception {
        ModelWeights w = ModelWeights.random(TinyModels.llama(), 1, 0.1);
        Path cache = tmp.resolve("svd.safetensors");
        Decomposition d = Decomposition.loadOrCompute(w, Targets.MLP, cache, Progress.NONE);
        assertTrue(Files.exists(cache));
        Decomposition again = Decomposition.loadOrCompute(w, Targets.MLP, cache, Progress.NONE);
        assertEquals(d.names(), again.names());
        for (String n : d.names())
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    d.get(n).sigma(), again.get(n).sigma());
        again.reconstructionErrors(w).forEach((n, e) -> assertTrue(e < 1e-5, n + " reconstructs with error " + e));

        ModelWeights other = ModelWeights.random(TinyModels.llama(), 2, 0.1);
        IllegalStateException stale =
                assertThrows(IllegalStateException.class, () -> Decomposition.load(cache, other, Targets.MLP));
        assertTrue(
                stale.getMessage().contains("stale") && stale.getMessage().contains(cache.toString()),
                stale.getMessage());
        IllegalStateException targets =
                assertThrows(IllegalStateException.class, () -> Decomposition.load(cache, w, Targets.ATTENTION));
        assertTrue(targets.getMessage().contains("attention"), targets.getMessage());
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temp files may be left beside the cache");
        }
    }

    @Test
    void parallelDecompositionMatchesOneAtATimeAndPutsBlasThreadsBack() throws Exception {
        ModelWeights w = ModelWeights.random(TinyModels.llama(), 21, 0.1);
        int threads = org.bytedeco.openblas.global.openblas_full.openblas_get_num_threads();
        Decomposition one = Decomposition.compute(w, Targets.ALL_LINEAR, Progress.NONE, 1);
        java.util.concurrent.atomic.AtomicInteger last = new java.util.concurrent.atomic.AtomicInteger();
        Decomposition three = Decomposition.compute(
                w, Targets.ALL_LINEAR, (what, done, total) -> last.accumulateAndGet((int) done, Math::max), 3);
        assertEquals(
                threads,
                org.bytedeco.openblas.global.openblas_full.openblas_get_num_threads(),
                "OpenBLAS threads restored");
        assertEquals(one.names(), three.names());
        assertEquals(one.names().size(), last.get(), "progress reaches the total");
        for (String n : one.names()) {
            float[] a = one.get(n).sigma(), b = three.get(n).sigma();
            for (int k = 0; k < a.length; k++) assertEquals(a[k], b[k], 1e-5f * a[0], n);
            assertTrue(three.get(n).relativeError(w.matrix(n)) < 1e-5, n);
        }
        Path cache = tmp.resolve("par.safetensors");
        three.save(cache);
        Decomposition mapped = Decomposition.load(cache, w, Targets.ALL_LINEAR);
        String n = one.names().get(0);
        assertTrue(mapped.get(n).u().blockOf(0).isReadOnly(), "the cache is read memory-mapped, not copied");
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                three.get(n).u().toArray(), mapped.get(n).u().toArray());
        assertTrue(mapped.get(n).relativeError(w.matrix(n)) < 1e-5);
    }
}
