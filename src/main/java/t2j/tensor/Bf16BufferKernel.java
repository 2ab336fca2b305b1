package t2j.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The decode kernel: reads bf16 rows where they lie (the direct buffer) instead of copying them to the heap first,
 * which a measured copy-then-compute loop left at ~70% of the memory bandwidth float32's sgemv reaches (the copy
 * stalls the stream while the arithmetic runs). Each 32-bit load holds two bf16 values: element 2k is the low half
 * ({@code bits << 16} is its float32), element 2k+1 the high half ({@code bits & 0xFFFF0000}), so widening costs two
 * integer operations and no lane conversion, against an x arranged once per product as evens then odds
 * ({@link #arrange}).
 *
 * <p>{@code IntVector.fromByteBuffer} exists on JDK 17 and 18 only (later JDKs load from a {@code MemorySegment});
 * there the first call fails to link and {@link Bf16Products#loadKernel} falls back to {@link Bf16VectorKernel}.
 */
final class Bf16BufferKernel implements Bf16Kernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();
    private static final int HIGH = 0xFFFF0000;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final Bf16VectorKernel arrays = new Bf16VectorKernel();

    /** {@code [x0, x2, x4, …, x1, x3, x5, …]} (and an odd length's last value at the end): low halves, high halves. */
    @Override
    public float[] arrange(float[] x) {
        int half = x.length / 2;
        float[] a = new float[x.length];
        for (int k = 0; k < half; k++) {
            a[k] = x[2 * k];
            a[half + k] = x[2 * k + 1];
        }
        if (x.length % 2 == 1) a[x.length - 1] = x[x.length - 1];
        return a;
    }

    /**
     * Four streams per pass, from four quarters of the rows asked for: row i, q+i, 2q+i and 3q+i (q = rows/4) share
     * each load of x, and each stream runs on through consecutive rows. Two threads, medians of 9 passes over 600 MB of
     * each real shape, one row at a time / four consecutive rows / four quarters, GB/s: 16384 × 2048 25.0 / 25.6 / 29.2;
     * 128256 × 2048 33.9 / 36.5 / 40.0; 6144 × 4096 23.1 / 28.2 / 32.8; 2048 × 8192 16.4 / 25.9 / 27.1; 4096 × 14336
     * 16.1 / 27.1 / 27.6. Four consecutive rows of 4 KiB (one page each) gained nothing over one row; four quarters are
     * four long streams, which the hardware prefetcher follows. Eight consecutive rows streamed a little more than four
     * in such passes, but in {@code t2j bench scale}'s process decoded the 8B shape at half speed (111–134 ms a token on 2
     * layers against 64–70 in a fresh process), which four never did; the cause was not found.
     */
    @Override
    public void dotRows(ByteBuffer w, int byteOff, int rows, int cols, float[] x, float[] y, int yOff) {
        if (w.order() != LE) {
            for (int j = 0; j < rows; j++) y[yOff + j] = bigEndianRow(w, byteOff + 2 * j * cols, cols, x);
            return;
        }
        // A row's sums are the same in a pass of four or alone (oneRow), so the thread count, which sets the rows each
        // call gets and so the quarters, does not change a bit.
        int q = rows / 4;
        for (int i = 0; i < q; i++) fourRows(w, byteOff + 2 * i * cols, 2 * q * cols, cols, x, y, yOff + i, q);
        for (int j = 4 * q; j < rows; j++) y[yOff + j] = oneRow(w, byteOff + 2 * j * cols, cols, x);
    }

    /**
     * A row of a big-endian matrix, which puts element 2k in the high half of an int: the same ints are read against
     * swapped x halves. Two loads per pass and four independent sums (an FMA's latency is four cycles).
     */
    private static float bigEndianRow(ByteBuffer w, int row, int cols, float[] x) {
        ByteOrder order = ByteOrder.BIG_ENDIAN;
        int half = cols / 2, vecEnd = half - half % (2 * LANES);
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int k = 0; k < vecEnd; k += 2 * LANES) {
            IntVector v = IntVector.fromByteBuffer(I, w, row + 4 * k, order);
            IntVector u = IntVector.fromByteBuffer(I, w, row + 4 * (k + LANES), order);
            a0 = v.lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F, x, half + k), a0);
            a1 = v.and(HIGH).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, k), a1);
            a2 = u.lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F, x, half + k + LANES), a2);
            a3 = u.and(HIGH).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, k + LANES), a3);
        }
        return tail(w, row, a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD), vecEnd, cols, x);
    }

    /**
     * Rows {@code row}, {@code row + stride}, … (byte offsets) of a little-endian matrix (all of this project's weights:
     * native order on x86 and arm64) into {@code y[yOff]}, {@code y[yOff + yStride]}, …. Vectors stay in this method:
     * passed to another, even one as small as {@code a.add(b).reduceLanes()}, they were boxed and the loop ran at a
     * third of its speed. The byte order is a constant so that C2 drops fromByteBuffer's byte-swapping branch.
     */
    private static void fourRows(
            ByteBuffer w, int row, int stride, int cols, float[] x, float[] y, int yOff, int yStride) {
        int half = cols / 2, vecEnd = half - half % LANES;
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F), b0 = FloatVector.zero(F), b1 = FloatVector.zero(F);
        FloatVector b2 = FloatVector.zero(F), b3 = FloatVector.zero(F);
        for (int k = 0; k < vecEnd; k += LANES) {
            FloatVector xl = FloatVector.fromArray(F, x, k), xh = FloatVector.fromArray(F, x, half + k);
            IntVector v0 = IntVector.fromByteBuffer(I, w, row + 4 * k, LE);
            a0 = v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xl, a0);
            b0 = v0.and(HIGH).reinterpretAsFloats().fma(xh, b0);
            IntVector v1 = IntVector.fromByteBuffer(I, w, row + stride + 4 * k, LE);
            a1 = v1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xl, a1);
            b1 = v1.and(HIGH).reinterpretAsFloats().fma(xh, b1);
            IntVector v2 = IntVector.fromByteBuffer(I, w, row + 2 * stride + 4 * k, LE);
            a2 = v2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xl, a2);
            b2 = v2.and(HIGH).reinterpretAsFloats().fma(xh, b2);
            IntVector v3 = IntVector.fromByteBuffer(I, w, row + 3 * stride + 4 * k, LE);
            a3 = v3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xl, a3);
            b3 = v3.and(HIGH).reinterpretAsFloats().fma(xh, b3);
        }
        y[yOff] = tail(w, row, a0.add(b0).reduceLanes(VectorOperators.ADD), vecEnd, cols, x);
        y[yOff + yStride] = tail(w, row + stride, a1.add(b1).reduceLanes(VectorOperators.ADD), vecEnd, cols, x);
        y[yOff + 2 * yStride] = tail(w, row + 2 * stride, a2.add(b2).reduceLanes(VectorOperators.ADD), vecEnd, cols, x);
        y[yOff + 3 * yStride] = tail(w, row + 3 * stride, a3.add(b3).reduceLanes(VectorOperators.ADD), vecEnd, cols, x);
    }

    /** One row of a little-endian matrix, with the same sums as {@link #fourRows}. */
    private static float oneRow(ByteBuffer w, int row, int cols, float[] x) {
        int half = cols / 2, vecEnd = half - half % LANES;
        FloatVector a = FloatVector.zero(F), b = FloatVector.zero(F);
        for (int k = 0; k < vecEnd; k += LANES) {
            IntVector v = IntVector.fromByteBuffer(I, w, row + 4 * k, LE);
            a = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, k), a);
            b = v.and(HIGH).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, half + k), b);
        }
        return tail(w, row, a.add(b).reduceLanes(VectorOperators.ADD), vecEnd, cols, x);
    }

    /** A row's dot product: {@code sum} of its vector part, then the pairs from {@code k} on and an odd last value. */
    private static float tail(ByteBuffer w, int row, float sum, int k, int cols, float[] x) {
        int half = cols / 2;
        for (; k < half; k++) {
            sum += Bf16.toFloat(w.getShort(row + 4 * k)) * x[k]
                    + Bf16.toFloat(w.getShort(row + 4 * k + 2)) * x[half + k];
        }
        if (cols % 2 == 1) sum += Bf16.toFloat(w.getShort(row + 2 * (cols - 1))) * x[cols - 1];
        return sum;
    }

    @Override
    public void widenArranged(ByteBuffer w, int byteOff, int n, ByteBuffer dst, int dstByteOff) {
        int half = n / 2;
        ByteOrder order = w.order(), out = dst.order();
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        int shifted = dstByteOff + 4 * (little ? 0 : half), masked = dstByteOff + 4 * (little ? half : 0);
        int k = 0;
        for (int end = half - half % LANES; k < end; k += LANES) {
            IntVector v = IntVector.fromByteBuffer(I, w, byteOff + 4 * k, order);
            v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoByteBuffer(dst, shifted + 4 * k, out);
            v.and(HIGH).reinterpretAsFloats().intoByteBuffer(dst, masked + 4 * k, out);
        }
        for (; k < half; k++) {
            dst.putFloat(dstByteOff + 4 * k, Bf16.toFloat(w.getShort(byteOff + 4 * k)));
            dst.putFloat(dstByteOff + 4 * (half + k), Bf16.toFloat(w.getShort(byteOff + 4 * k + 2)));
        }
        if (n % 2 == 1) dst.putFloat(dstByteOff + 4 * (n - 1), Bf16.toFloat(w.getShort(byteOff + 2 * (n - 1))));
    }

    @Override
    public void widen(ByteBuffer w, int byteOff, int n, float[] dst, int dstOff) {
        arrays.widen(w, byteOff, n, dst, dstOff);
    }

    @Override
    public String describe() {
        return "Vector API, " + F.vectorBitSize() + "-bit, in place";
    }
}
