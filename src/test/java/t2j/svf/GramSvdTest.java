package t2j.svf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.file.Path;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.model.ModelConfig;
import t2j.model.ModelWeights;
import t2j.tensor.Matrix;
import t2j.util.Progress;

class GramSvdTest {
    @TempDir
    Path tmp;

    /** U·diag(σ)·Vᵀ with random orthonormal U, V and the given spectrum: real weights' decay, not white noise. */
    private static Matrix withSpectrum(int rows, int cols, IntToDoubleFunction sigma, long seed) {
        Svd basis = Svd.gesdd(SvfTest.random(rows, cols, seed), "sgesdd");
        float[] s = new float[basis.rank()];
        for (int k = 0; k < s.length; k++) s[k] = (float) sigma.applyAsDouble(k);
        Matrix w = Matrix.zeros(rows, cols);
        basis.compose(s, w);
        return w;
    }

    /** max |XᵀX − I| over the columns of x (or its rows, for Vᵀ), in double. */
    private static double orthogonality(Matrix x, boolean columns) {
        float[] a = x.toArray();
        int rows = x.rows(), cols = x.cols(), k = columns ? cols : rows, len = columns ? rows : cols;
        double worst = 0;
        for (int i = 0; i < k; i++)
            for (int j = i; j < k; j++) {
                double dot = 0;
                for (int t = 0; t < len; t++)
                    dot += columns
                            ? (double) a[t * cols + i] * a[t * cols + j]
                            : (double) a[i * cols + t] * a[j * cols + t];
                worst = Math.max(worst, Math.abs(dot - (i == j ? 1 : 0)));
            }
        return worst;
    }

    @Test
    void gramRouteIsAtLeastAsAccurateAsSgesddOnTallAndWideMatrices() {
        // Spectra like trained weights' rather than white noise: κ about 80 (the product in float) and about 950
        // (in double).
        for (double decay : new double[] {0.7, 1.1})
            for (int[] shape : new int[][] {{1024, 512}, {512, 1024}}) {
                Matrix w = withSpectrum(shape[0], shape[1], k -> Math.pow(k + 1, -decay), shape[0]);
                String at = shape[0] + "x" + shape[1] + ", σ_k = k^-" + decay;
                Svd gram = Svd.of(w);
                if (decay < 1) assertEquals("gram", gram.method(), at);
                else assertTrue(gram.method().startsWith("gram (product in double, condition number 9."), at);
                assertAsAccurateAsSgesdd(w, gram, at);
            }
    }

    private static void assertAsAccurateAsSgesdd(Matrix w, Svd gram, String at) {
        Svd gesdd = Svd.gesdd(w, "sgesdd");
        assertEquals(512, gram.rank(), at);
        double eg = gram.relativeError(w), es = gesdd.relativeError(w);
        assertTrue(eg < 1e-6 && eg <= es, at + ": reconstruction " + eg + " against sgesdd's " + es);
        for (boolean u : new boolean[] {true, false}) {
            double og = u ? orthogonality(gram.u(), true) : orthogonality(gram.vt(), false);
            double os = u ? orthogonality(gesdd.u(), true) : orthogonality(gesdd.vt(), false);
            assertTrue(og < 1e-6 && og <= os, at + (u ? " U" : " V") + ": " + og + " against sgesdd's " + os);
        }
        for (int k = 0; k < gram.rank(); k++) {
            assertEquals(gesdd.sigma()[k], gram.sigma()[k], 2e-6 * gesdd.sigma()[0], at + " σ" + k);
            if (k > 0) assertTrue(gram.sigma()[k - 1] >= gram.sigma()[k], "σ must descend");
        }
    }

    @Test
    void bf16WeightsAreDecomposedAsTheirFloatValues() {
        Matrix f = SvfTest.random(1024, 512, 5), b = Matrix.zerosBf16(1024, 512);
        b.copyFrom(f);
        Svd s = Svd.of(b);
        assertEquals("gram", s.method());
        assertTrue(s.relativeError(b) < 1e-6, "error " + s.relativeError(b));
    }

    @Test
    void illConditionedMatrixFallsBackToSgesdd() {
        // κ = 1e6: the Gram route's U would lose orthogonality to about 1e-4 (measured 6e-4 at κ 8e5, 8192x2048).
        Matrix w = withSpectrum(1024, 512, k -> Math.pow(1e-6, k / 511.0), 3);
        GramSvd.Attempt attempt = GramSvd.attempt(w);
        assertNull(attempt.svd());
        assertTrue(attempt.declined().startsWith("condition number "), attempt.declined());
        Svd s = Svd.of(w), direct = Svd.gesdd(w, "sgesdd");
        assertEquals("sgesdd (Gram route declined: " + attempt.declined() + ")", s.method());
        assertArrayEquals(direct.sigma(), s.sigma());
        assertArrayEquals(direct.u().toArray(), s.u().toArray());
        assertArrayEquals(direct.vt().toArray(), s.vt().toArray());
    }

    @Test
    void rankDeficientMatrixFallsBackToSgesdd() {
        Matrix w = SvfTest.random(1024, 512, 8);
        for (int i = 0; i < 1024; i++) w.set(i, 7, 0f); // a zero column: σ_min = 0
        Svd s = Svd.of(w);
        assertTrue(s.method().startsWith("sgesdd (Gram route declined: condition number"), s.method());
        assertTrue(s.relativeError(w) < 1e-5, "error " + s.relativeError(w));
    }

    @Test
    void smallMatricesUseSgesddAsBefore() {
        Matrix w = SvfTest.random(256, 128, 2);
        Svd s = Svd.of(w);
        assertEquals("sgesdd", s.method());
        assertArrayEquals(Svd.gesdd(w, "sgesdd").u().toArray(), s.u().toArray());
    }

    @Test
    void orthogonalityCheckFlagsADamagedFactor() {
        int rows = 600, r = 512;
        Svd basis = Svd.gesdd(SvfTest.random(rows, r, 4), "sgesdd");
        DoubleBuffer u = ByteBuffer.allocateDirect(rows * r * 8)
                .order(ByteOrder.nativeOrder())
                .asDoubleBuffer();
        float[] a = basis.u().toArray();
        for (int i = 0; i < a.length; i++) u.put(i, a[i]);
        // sgesdd's float factor is orthonormal to about 1e-6: at the limit; a clean reference must pass, so
        // orthonormalise in double by one Gram–Schmidt pass over the columns first.
        for (int j = 0; j < r; j++) {
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < rows; i++) dot += u.get(i * r + j) * u.get(i * r + p);
                for (int i = 0; i < rows; i++) u.put(i * r + j, u.get(i * r + j) - dot * u.get(i * r + p));
            }
            double norm = 0;
            for (int i = 0; i < rows; i++) norm += u.get(i * r + j) * u.get(i * r + j);
            for (int i = 0; i < rows; i++) u.put(i * r + j, u.get(i * r + j) / Math.sqrt(norm));
        }
        assertNull(GramSvd.orthogonality(u, rows, r, true));
        // Mix a little of the first column into the last: the errors the check exists for sit there.
        for (int i = 0; i < rows; i++) u.put(i * r + r - 1, u.get(i * r + r - 1) + 1e-4 * u.get(i * r));
        String bad = GramSvd.orthogonality(u, rows, r, true);
        assertNotNull(bad);
        assertTrue(bad.startsWith("smallest-sigma columns orthogonal only to 1.0e-04"), bad);
    }

    @Test
    void cacheRecordsTheMethodAndIsReadMapped() throws Exception {
        ModelConfig c = new ModelConfig(
                "llama", 512, 1024, 4, 2, 128, 1, 64, 1e-5, 500000.0, null, 0, false, 256, new int[] {1}, new int[] {2
                });
        ModelWeights w = ModelWeights.random(c, 11, 0.05);
        Decomposition d = Decomposition.compute(w, Targets.MLP, Progress.NONE);
        Path cache = tmp.resolve("gram.safetensors");
        d.save(cache);
        Decomposition back = Decomposition.load(cache, w, Targets.MLP);
        assertEquals(3, back.names().size());
        for (String n : back.names()) {
            assertEquals("gram", back.get(n).method(), n);
            assertTrue(back.get(n).u().blockOf(0).isReadOnly(), n + ": the cache is read memory-mapped, not copied");
            assertTrue(back.get(n).relativeError(w.matrix(n)) < 1e-6, n);
        }
    }
}
