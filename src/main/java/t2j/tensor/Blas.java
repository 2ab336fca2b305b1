package t2j.tensor;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas.cblas_sgemv;

import java.nio.FloatBuffer;

/**
 * The matrix products of the decoder: OpenBLAS (through JavaCPP's presets) called directly on off-heap buffers.
 *
 * <p>Why not a tensor library: ND4J, which the engine once declared, adds 40–75 µs of dispatch to every small product
 * (measured), the whole budget of a decode step of a small model. The direct call costs a few µs and reads the
 * weights in place.
 */
public final class Blas {
    private Blas() {}

    /**
     * {@code C[m×n] = alpha · A[m×k] · op(B) + beta · C} on row-major views, where {@code op(B)} is {@code B[k×n]} or, with
     * {@code transB}, {@code B[n×k]ᵀ}. Offsets and leading dimensions are in floats.
     */
    public static void gemm(
            boolean transB,
            int m,
            int n,
            int k,
            float alpha,
            FloatBuffer a,
            int aOff,
            int lda,
            FloatBuffer b,
            int bOff,
            int ldb,
            float beta,
            FloatBuffer c,
            int cOff,
            int ldc) {
        gemm(false, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** As above with {@code op(A)} = {@code A[k×m]ᵀ} when {@code transA} (gradients: {@code dW = Gᵀ·X}). */
    public static void gemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float alpha,
            FloatBuffer a,
            int aOff,
            int lda,
            FloatBuffer b,
            int bOff,
            int ldb,
            float beta,
            FloatBuffer c,
            int cOff,
            int ldc) {
        if (m == 1) {
            // One row (a decode step): sgemm would pack all of B first; sgemv streams it once, several times faster.
            cblas_sgemv(
                    CblasRowMajor,
                    transB ? CblasNoTrans : CblasTrans,
                    transB ? n : k,
                    transB ? k : n,
                    alpha,
                    at(b, bOff),
                    ldb,
                    at(a, aOff),
                    transA ? lda : 1,
                    beta,
                    at(c, cOff),
                    1);
            return;
        }
        cblas_sgemm(
                CblasRowMajor,
                transA ? CblasTrans : CblasNoTrans,
                transB ? CblasTrans : CblasNoTrans,
                m,
                n,
                k,
                alpha,
                at(a, aOff),
                lda,
                at(b, bOff),
                ldb,
                beta,
                at(c, cOff),
                ldc);
    }

    /**
     * {@code Y[n×w.rows] = X[n×w.cols] · Wᵀ} (+ Y when {@code accumulate}): a linear layer applied to {@code n} rows.
     * Row {@code i} of X starts at {@code xOff + i·ldx}; of Y at {@code yOff + i·ldy}.
     */
    public static void linear(
            int n, FloatBuffer x, int xOff, int ldx, Matrix w, FloatBuffer y, int yOff, int ldy, boolean accumulate) {
        if (w.isBf16()) {
            Bf16Products.linear(n, x, xOff, ldx, w, y, yOff, ldy, accumulate);
            return;
        }
        for (int blk = 0; blk < w.blockCount(); blk++) {
            int first = blk * w.blockRows();
            int count = Math.min(w.blockRows(), w.rows() - first);
            gemm(
                    true,
                    n,
                    count,
                    w.cols(),
                    1f,
                    x,
                    xOff,
                    ldx,
                    w.block(blk),
                    0,
                    w.cols(),
                    accumulate ? 1f : 0f,
                    y,
                    yOff + first,
                    ldy);
        }
    }

    /** {@code OUT[n×w.cols] = G[n×w.rows]·W + beta·OUT}: a linear layer's input gradient (W float32 or bf16). */
    public static void linearBackward(
            int n, FloatBuffer g, int gOff, int ldg, Matrix w, FloatBuffer out, int outOff, int ldo, float beta) {
        if (w.isBf16()) {
            Bf16Products.linearBackward(n, g, gOff, ldg, w, out, outOff, ldo, beta);
            return;
        }
        for (int blk = 0; blk < w.blockCount(); blk++) {
            int first = blk * w.blockRows();
            int count = Math.min(w.blockRows(), w.rows() - first);
            gemm(
                    false,
                    false,
                    n,
                    w.cols(),
                    count,
                    1f,
                    g,
                    gOff + first,
                    ldg,
                    w.block(blk),
                    0,
                    w.cols(),
                    first == 0 ? beta : 1f,
                    out,
                    outOff,
                    ldo);
        }
    }

    private static FloatBuffer at(FloatBuffer b, int off) {
        // JavaCPP passes a direct buffer's address plus its position, so a positioned duplicate is a zero-copy view.
        return off == 0 && b.position() == 0 ? b : b.duplicate().position(off);
    }
}
