package t2j.svf;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.CblasUpper;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dsyevd;
import static org.bytedeco.openblas.global.openblas.LAPACK_ROW_MAJOR;
import static org.bytedeco.openblas.global.openblas.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas.cblas_dsyrk;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Locale;
import t2j.tensor.Matrix;

/**
 * Thin SVD through the Gram matrix in double precision: for a tall {@code W} (m ≥ n), {@code G = WᵀW = V·Σ²·Vᵀ} by
 * {@code dsyrk}, its eigenvectors by {@code dsyevd}, then {@code U = W·V·Σ⁻¹} by one product (a wide W uses
 * {@code WWᵀ} and {@code Vᵀ = Σ⁻¹·Uᵀ·W}). Nearly all of it is level-3 BLAS, which is why it is about twice as fast as
 * {@code sgesdd}, whose bidiagonalisation is half matrix-vector work. The product is computed in float for a
 * well-conditioned matrix and in double otherwise (see {@link #FLOAT_PRODUCT_CONDITION}).
 *
 * <p>Why it is accurate: forming G squares the condition number κ, but in double. A float matrix's products are
 * exact in double and the sums round at 1e-16, so σᵢ comes out with relative error about 1e-16·κᵢ², and {@code U}'s
 * columns lose orthogonality by about as much; sgesdd in float has error about 6e-8·κᵢ. Measured on the 1B shape's
 * 8192×2048 matrices (random, κ 3; a spectrum {@code i^-0.7}, κ 208), reconstruction error and max |UᵀU − I| in
 * double: 4e-8 and 3e-9 with the product in double, 3e-7 and 5e-8 (κ 3) or 4.5e-7 (κ 208) in float, against
 * sgesdd's 2.5e-6 and 4e-6; σ within 6e-8 of dgesdd where sgesdd's smallest are 8e-5 off. With κ 8e5 the
 * orthogonality of U degrades to 6e-4, so it is refused before that: {@linkplain #attempt the attempt} declines a
 * matrix whose κ exceeds {@link #MAX_CONDITION} or whose smallest-σ columns fail the orthogonality check, and
 * {@link Svd#of} then uses sgesdd.
 */
final class GramSvd {
    /** Below this rank sgesdd takes milliseconds, and the bundled models' recorded numbers were made with it. */
    static final int MIN_RANK = 512;
    /** 1e-16·κ² stays near 1e-8 here, far under float32's own rounding of the factors. */
    static final double MAX_CONDITION = 1e4;
    /**
     * Up to here the product-built factor is computed in float (0.6 s less per 8192×2048 matrix on one core), its
     * orthogonality error about 2e-9·κ ≤ 2e-7, still a tenth of sgesdd's.
     */
    static final double FLOAT_PRODUCT_CONDITION = 100;
    /** The largest |XᵀX − I| entry allowed on the product-built factor's smallest-σ columns, where errors gather. */
    static final double MAX_ORTHOGONALITY_ERROR = 1e-6;
    /** How many smallest-σ columns the check reads: their errors are the largest (they grow as κᵢ²). */
    private static final int CHECKED = 16;

    private GramSvd() {}

    /** The decomposition, or the reason this route declines the matrix ({@code svd} null). */
    record Attempt(Svd svd, String declined) {}

    static Attempt attempt(Matrix w) {
        int m = w.rows(), n = w.cols(), r = Math.min(m, n);
        boolean tall = m >= n;
        if (r < MIN_RANK) return declined("rank %d below %d", r, MIN_RANK);
        if ((long) m * n * 8 > Integer.MAX_VALUE) return declined("%dx%d in double exceeds one 2 GiB buffer", m, n);
        DoubleBuffer a = doubles((long) m * n);
        FloatBuffer wf = floats((long) m * n);
        float[] row = new float[n];
        for (int i = 0; i < m; i++) {
            w.getValues((long) i * n, row, 0, n);
            wf.put(i * n, row);
            for (int j = 0; j < n; j++) a.put(i * n + j, row[j]);
        }
        DoubleBuffer g = doubles((long) r * r);
        cblas_dsyrk(CblasRowMajor, CblasUpper, tall ? CblasTrans : CblasNoTrans, r, tall ? m : n, 1, a, n, 0, g, r);
        DoubleBuffer lambda = doubles(r);
        int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', r, g, r, lambda);
        if (info != 0) return declined("dsyevd failed (info=%d)", info);

        // Eigenvalues ascend and column j of g is eigenvector j; σ descends, so column k of Q is eigenvector r-1-k.
        double top = lambda.get(r - 1), bottom = lambda.get(0);
        if (!(bottom > 0) || !(top > 0) || Math.sqrt(top / bottom) > MAX_CONDITION)
            return declined(
                    "condition number %s above %.0e",
                    bottom > 0 ? String.format(Locale.ROOT, "%.1e", Math.sqrt(top / bottom)) : "infinite",
                    MAX_CONDITION);
        float[] sigma = new float[r];
        double[] inverse = new double[r];
        for (int k = 0; k < r; k++) {
            double s = Math.sqrt(lambda.get(r - 1 - k));
            sigma[k] = (float) s;
            inverse[k] = 1 / s;
        }
        DoubleBuffer q = doubles((long) r * r), scaled = doubles((long) r * r);
        for (int i = 0; i < r; i++)
            for (int k = 0; k < r; k++) {
                double v = g.get(i * r + (r - 1 - k));
                q.put(i * r + k, v);
                scaled.put(i * r + k, v * inverse[k]);
            }

        // The product-built factor: U (m×r) when tall, Vᵀ (r×n) when wide, m·n values either way. Its error grows
        // with κ: in float about 2e-9·κ (measured), so float up to FLOAT_PRODUCT_CONDITION, double beyond.
        double kappa = Math.sqrt(top / bottom);
        boolean inFloat = kappa <= FLOAT_PRODUCT_CONDITION;
        FloatBuffer f = floats((long) m * n);
        DoubleBuffer built = doubles((long) m * n);
        if (inFloat) {
            FloatBuffer sf = floats((long) r * r);
            for (int i = 0; i < r * r; i++) sf.put(i, (float) scaled.get(i));
            if (tall) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, r, r, 1, wf, n, sf, r, 0, f, r);
            else cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, r, n, m, 1, sf, r, wf, n, 0, f, n);
            for (int i = 0; i < m * n; i++) built.put(i, f.get(i));
        } else {
            if (tall) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, r, r, 1, a, n, scaled, r, 0, built, r);
            else cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, r, n, m, 1, scaled, r, a, n, 0, built, n);
            for (int i = 0; i < m * n; i++) f.put(i, (float) built.get(i));
        }
        String bad = tall ? orthogonality(built, m, r, true) : orthogonality(built, n, r, false);
        if (bad != null) return new Attempt(null, bad);
        Matrix u, vt;
        if (tall) {
            u = Matrix.wrap(m, r, f);
            vt = Matrix.zeros(r, n);
            storeTransposed(q, vt);
        } else {
            u = Matrix.zeros(m, r);
            store(q, u);
            vt = Matrix.wrap(r, n, f);
        }
        String method =
                inFloat ? "gram" : String.format(Locale.ROOT, "gram (product in double, condition number %.1e)", kappa);
        return new Attempt(new Svd(u, sigma, vt, method), null);
    }

    /**
     * Checks the last {@code CHECKED} of the factor's r singular vectors against all of them; null when they are
     * orthonormal within {@link #MAX_ORTHOGONALITY_ERROR}. The vectors are the columns of a row-major {@code len×r} x
     * ({@code columns}, U) or the rows of a row-major {@code r×len} x (Vᵀ).
     */
    static String orthogonality(DoubleBuffer x, int len, int r, boolean columns) {
        int k = Math.min(CHECKED, r), first = r - k;
        DoubleBuffer c = doubles((long) k * r);
        DoubleBuffer last =
                x.duplicate().position(columns ? first : first * len).slice();
        if (columns) cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, r, len, 1, last, r, x, r, 0, c, r);
        else cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, k, r, len, 1, last, len, x, len, 0, c, r);
        double worst = 0;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < r; j++) worst = Math.max(worst, Math.abs(c.get(i * r + j) - (first + i == j ? 1 : 0)));
        return worst <= MAX_ORTHOGONALITY_ERROR
                ? null
                : String.format(
                        Locale.ROOT,
                        "smallest-sigma columns orthogonal only to %.1e (limit %.0e)",
                        worst,
                        MAX_ORTHOGONALITY_ERROR);
    }

    private static void store(DoubleBuffer src, Matrix dst) {
        int cols = dst.cols();
        float[] row = new float[cols];
        for (int i = 0; i < dst.rows(); i++) {
            for (int j = 0; j < cols; j++) row[j] = (float) src.get(i * cols + j);
            dst.putRow(i, row);
        }
    }

    private static void storeTransposed(DoubleBuffer src, Matrix dst) {
        int n = dst.cols();
        float[] row = new float[n];
        for (int i = 0; i < dst.rows(); i++) {
            for (int j = 0; j < n; j++) row[j] = (float) src.get(j * dst.rows() + i);
            dst.putRow(i, row);
        }
    }

    private static FloatBuffer floats(long count) {
        return ByteBuffer.allocateDirect(Math.toIntExact(count * 4))
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    private static DoubleBuffer doubles(long count) {
        return ByteBuffer.allocateDirect(Math.toIntExact(count * 8))
                .order(ByteOrder.nativeOrder())
                .asDoubleBuffer();
    }

    private static Attempt declined(String format, Object... args) {
        return new Attempt(null, String.format(Locale.ROOT, format, args));
    }
}
