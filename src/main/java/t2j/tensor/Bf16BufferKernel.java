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
    /**
     * Rows longer than a page are read four at a time, shorter ones one at a time. Two threads, medians of 9 passes
     * over 600 MB of each real shape, one row / four rows in GB/s: 2048 columns 24.0 / 24.4 (MLP) and 28.9 / 28.2
     * (head); 4096 columns 24.9 / 26.0, 23.7 / 26.9 and 27.5 / 27.5; 8192 columns 17.5 / 27.9; 14336 columns 17.8 / 30.3.
     * Our reading, not measured: a 4 KiB row is one page, and one stream runs on into the next row at the hardware
     * prefetcher's pace while several page-long streams keep restarting it; a longer row is a stream of its own, and
     * four of them share each load of x. Eight rows at a time streamed 3–10 % more than four in these passes, but in
     * {@code t2j bench scale}'s process decoded the 8B shape at half speed (111–134 ms a token on 2 layers against
     * 64–70 in a fresh process), which four rows never did; the cause was not found.
     */
    private static final int GROUP = 4, PAGE = 4096;

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

    @Override
    public void dotRows(ByteBuffer w, int byteOff, int rows, int cols, float[] x, float[] y, int yOff) {
        // Big-endian storage puts element 2k in the high half of an int: read the same ints against swapped x halves.
        int half = cols / 2;
        boolean little = w.order() == ByteOrder.LITTLE_ENDIAN;
        int lowX = little ? 0 : half, highX = little ? half : 0;
        int j = 0;
        if (2 * cols <= PAGE || !little) {
            for (; j < rows; j++) y[yOff + j] = pageRow(w, byteOff + 2 * j * cols, cols, x, lowX, highX);
            return;
        }
        // A row's sums are the same whether it is read in a group or alone (oneRow), so the thread count, which sets
        // where groups start, does not change a bit.
        for (; j + GROUP <= rows; j += GROUP) fourRows(w, byteOff + 2 * j * cols, cols, x, y, yOff + j);
        for (; j < rows; j++) y[yOff + j] = oneRow(w, byteOff + 2 * j * cols, cols, x);
    }

    /** A row of at most a page: two loads per pass, four independent sums (an FMA's latency is four cycles). */
    private static float pageRow(ByteBuffer w, int row, int cols, float[] x, int lowX, int highX) {
        ByteOrder order = w.order();
        int half = cols / 2, vecEnd = half - half % (2 * LANES);
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int k = 0; k < vecEnd; k += 2 * LANES) {
            IntVector v = IntVector.fromByteBuffer(I, w, row + 4 * k, order);
            IntVector u = IntVector.fromByteBuffer(I, w, row + 4 * (k + LANES), order);
            a0 = v.lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F, x, lowX + k), a0);
            a1 = v.and(HIGH).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, highX + k), a1);
            a2 = u.lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F, x, lowX + k + LANES), a2);
            a3 = u.and(HIGH).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, highX + k + LANES), a3);
        }
        return tail(w, row, a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD), vecEnd, cols, x);
    }

    /**
     * Four rows of a little-endian matrix (all of this project's weights: native order on x86 and arm64). Vectors stay
     * in this method: passed to another, even one as small as {@code a.add(b).reduceLanes()}, they were boxed and the
     * loop ran at a third of its speed. The byte order is a constant so that C2 drops fromByteBuffer's byte-swapping
     * branch.
     */
    private static void fourRows(ByteBuffer w, int row, int cols, float[] x, float[] y, int yOff) {
        int stride = 2 * cols, half = cols / 2, vecEnd = half - half % LANES;
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
        y[yOff + 1] = tail(w, row + stride, a1.add(b1).reduceLanes(VectorOperators.ADD), vecEnd, cols, x);
        y[yOff + 2] = tail(w, row + 2 * stride, a2.add(b2).reduceLanes(VectorOperators.ADD), vecEnd, cols, x);
        y[yOff + 3] = tail(w, row + 3 * stride, a3.add(b3).reduceLanes(VectorOperators.ADD), vecEnd, cols, x);
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
