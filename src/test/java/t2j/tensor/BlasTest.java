package t2j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The engine's two BLAS entry points against a plain triple loop: every transpose combination, offsets and leading
 * dimensions wider than the data, beta, and the one-row case that takes the sgemv path.
 */
class BlasTest {
    private final SplittableRandom rnd = new SplittableRandom(7);

    @Test
    void gemmMatchesTheDefinitionForEveryTransposeAndOneRow() {
        for (int m : new int[] {1, 5}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    check(m, 4, 3, ta, tb);
                }
            }
        }
    }

    private void check(int m, int n, int k, boolean ta, boolean tb) {
        // Stored shapes: A is m×k (k×m transposed), B is k×n (n×k); each row padded by 2 and the data offset by 3.
        int aRows = ta ? k : m;
        int aCols = ta ? m : k;
        int bRows = tb ? n : k;
        int bCols = tb ? k : n;
        int lda = aCols + 2;
        int ldb = bCols + 2;
        int ldc = n + 1;
        FloatBuffer a = random(3 + aRows * lda);
        FloatBuffer b = random(3 + bRows * ldb);
        FloatBuffer c = random(3 + m * ldc);
        float[][] want = new float[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = ta ? a.get(3 + p * lda + i) : a.get(3 + i * lda + p);
                    float bv = tb ? b.get(3 + j * ldb + p) : b.get(3 + p * ldb + j);
                    s += (double) av * bv;
                }
                want[i][j] = (float) (0.5 * s + 2 * c.get(3 + i * ldc + j));
            }
        }
        Blas.gemm(ta, tb, m, n, k, 0.5f, a, 3, lda, b, 3, ldb, 2f, c, 3, ldc);
        String what = "m=" + m + " transA=" + ta + " transB=" + tb;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++)
                assertEquals(want[i][j], c.get(3 + i * ldc + j), 1e-5, what + " at " + i + "," + j);
        }
    }

    @Test
    void linearIsXTimesWTransposedAndCanAccumulate() {
        Matrix w = Matrix.zeros(3, 4);
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) w.set(r, c, r - c * 0.5f);
        FloatBuffer x = Matrix.allocate(2 * 4);
        for (int i = 0; i < 8; i++) x.put(i, i + 1);
        FloatBuffer y = Matrix.allocate(2 * 3);
        Blas.linear(2, x, 0, 4, w, y, 0, 3, false);
        for (int i = 0; i < 2; i++) {
            for (int o = 0; o < 3; o++) {
                float s = 0;
                for (int c = 0; c < 4; c++) s += x.get(i * 4 + c) * w.get(o, c);
                assertEquals(s, y.get(i * 3 + o), 1e-5, "row " + i + " out " + o);
            }
        }
        float first = y.get(0);
        Blas.linear(2, x, 0, 4, w, y, 0, 3, true);
        assertEquals(2 * first, y.get(0), 1e-5, "accumulate adds to what Y held");
    }

    private FloatBuffer random(int n) {
        FloatBuffer b = Matrix.allocate(n);
        for (int i = 0; i < n; i++) b.put(i, (float) (rnd.nextDouble() * 2 - 1));
        return b;
    }
}
