package t2j.svf;

import static org.bytedeco.openblas.global.openblas.LAPACKE_sgesdd;
import static org.bytedeco.openblas.global.openblas.LAPACK_ROW_MAJOR;

import java.nio.FloatBuffer;
import t2j.tensor.Matrix;

/**
 * Thin singular value decomposition {@code W = U·diag(σ)·Vᵀ} of a weight matrix. Matrices of rank 512 and up go
 * through {@link GramSvd} (double-precision Gram matrix and eigensolver: twice as fast as sgesdd and more accurate
 * where it accepts the matrix); smaller ones, and those it declines, through LAPACK's divide-and-conquer
 * {@code sgesdd} from OpenBLAS (through JavaCPP's presets), the same library call numpy makes.
 *
 * @param u      {@code [rows × r]}, orthonormal columns
 * @param sigma  {@code r} singular values, descending
 * @param vt     {@code [r × cols]}, orthonormal rows
 * @param method how it was computed: {@code gram}, {@code sgesdd}, or sgesdd with the reason the Gram route declined
 */
public record Svd(Matrix u, float[] sigma, Matrix vt, String method) {
    /** {@code r = min(rows, cols)}. */
    public int rank() {
        return sigma.length;
    }

    /** Decomposes {@code w} (left untouched). */
    public static Svd of(Matrix w) {
        if (Math.min(w.rows(), w.cols()) < GramSvd.MIN_RANK) return gesdd(w, "sgesdd");
        GramSvd.Attempt gram = GramSvd.attempt(w);
        return gram.svd() != null ? gram.svd() : gesdd(w, "sgesdd (Gram route declined: " + gram.declined() + ")");
    }

    /** By sgesdd alone. */
    static Svd gesdd(Matrix w, String method) {
        int m = w.rows(), n = w.cols(), r = Math.min(m, n);
        Matrix a = Matrix.zeros(m, n);
        a.copyFrom(w); // gesdd destroys its input
        Matrix u = Matrix.zeros(m, r), vt = Matrix.zeros(r, n);
        FloatBuffer s = Matrix.allocate(r);
        int info = LAPACKE_sgesdd(
                LAPACK_ROW_MAJOR, (byte) 'S', m, n, a.blockOf(0), n, s, u.blockOf(0), r, vt.blockOf(0), n);
        if (info != 0)
            throw new ArithmeticException("sgesdd failed on a " + m + "x" + n + " matrix (info=" + info + ")");
        float[] sigma = new float[r];
        s.get(0, sigma);
        return new Svd(u, sigma, vt, method);
    }

    /** {@code U·diag(scaled)·Vᵀ} written into {@code out} (shape rows×cols): how SVF composes adapted weights. */
    public void compose(float[] scaled, Matrix out) {
        int m = u.rows(), n = vt.cols(), r = rank();
        Matrix us = Matrix.zeros(m, r);
        FloatBuffer ub = u.blockOf(0), usb = us.blockOf(0);
        for (int i = 0; i < m; i++) for (int k = 0; k < r; k++) usb.put(i * r + k, ub.get(i * r + k) * scaled[k]);
        // bf16 weights get the float32 product rounded once, as composing in float32 and casting would.
        Matrix target = out.isBf16() ? Matrix.zeros(m, n) : out;
        t2j.tensor.Blas.gemm(false, m, n, r, 1f, usb, 0, r, vt.blockOf(0), 0, n, 0f, target.blockOf(0), 0, n);
        if (target != out) out.copyFrom(target);
    }

    /** ‖W − U·diag(σ)·Vᵀ‖_F / ‖W‖_F. */
    public double relativeError(Matrix w) {
        Matrix back = Matrix.zeros(w.rows(), w.cols());
        compose(sigma, back);
        float[] a = w.toArray(), b = back.toArray();
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            num += d * d;
            den += (double) a[i] * a[i];
        }
        return Math.sqrt(num / den);
    }
}
