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
 * <p>One row at a time, on purpose. Eight rows per pass (eight W streams sharing each x load) streamed 2.7× faster on
 * one core over 16 KiB rows, yet decoded the Llama-3.2-1B shape no faster (paired bf16/float32 medians 1.59–1.75
 * against 1.72–1.77 for this loop): most of its rows are 4 KiB, one page, and eight page-long streams keep restarting
 * the hardware prefetcher where one long stream does not.
 *
 * <p>{@code IntVector.fromByteBuffer} exists on JDK 17 and 18 only (later JDKs load from a {@code MemorySegment});
 * there the first call fails to link and {@link Bf16Products#loadKernel} falls back to {@link Bf16VectorKernel}.
 */
final class Bf16BufferKernel implements Bf16Kernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();
    private static final int HIGH = 0xFFFF0000;

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
        int half = cols / 2;
        // Big-endian storage puts element 2k in the high half of an int: read the same ints against swapped x halves.
        ByteOrder order = w.order();
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        int lowX = little ? 0 : half, highX = little ? half : 0;
        int vecEnd = half - half % (2 * LANES);
        for (int j = 0; j < rows; j++) {
            int row = byteOff + 2 * j * cols;
            // Four independent sums: an FMA's latency is four cycles.
            FloatVector a0 = FloatVector.zero(F),
                    a1 = FloatVector.zero(F),
                    a2 = FloatVector.zero(F),
                    a3 = FloatVector.zero(F);
            int k = 0;
            for (; k < vecEnd; k += 2 * LANES) {
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
            float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
            for (; k < half; k++) {
                sum += Bf16.toFloat(w.getShort(row + 4 * k)) * x[k]
                        + Bf16.toFloat(w.getShort(row + 4 * k + 2)) * x[half + k];
            }
            if (cols % 2 == 1) sum += Bf16.toFloat(w.getShort(row + 2 * (cols - 1))) * x[cols - 1];
            y[yOff + j] = sum;
        }
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
