package t2j.tensor;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD through the incubating Vector API: a bf16 lane widens to float32 by sign-extending to int and shifting left 16,
 * then one FMA. Loaded only when the JVM was started with {@code --add-modules jdk.incubator.vector}; this class is
 * the only one that names the module. Rows are first copied into a heap {@code short[]} (a memcpy of a few KiB that
 * stays in L1): loads from arrays are the part of the API that every JDK since 17 keeps unchanged.
 */
final class Bf16VectorKernel implements Bf16Kernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> S =
            VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final int LANES = F.length();

    private static FloatVector load(short[] a, int off) {
        IntVector i = (IntVector) ShortVector.fromArray(S, a, off).convertShape(VectorOperators.S2I, I, 0);
        return i.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    @Override
    public void dotRows(ByteBuffer w, int byteOff, int rows, int cols, float[] x, float[] y, int yOff) {
        short[] row = new short[cols];
        ShortBuffer src = w.duplicate().order(w.order()).position(byteOff).asShortBuffer();
        // Four independent sums: an FMA's latency is four cycles, and the widening adds more in between.
        int vecEnd = cols - cols % (4 * LANES);
        for (int j = 0; j < rows; j++) {
            src.get(j * cols, row, 0, cols);
            FloatVector a0 = FloatVector.zero(F),
                    a1 = FloatVector.zero(F),
                    a2 = FloatVector.zero(F),
                    a3 = FloatVector.zero(F);
            int i = 0;
            for (; i < vecEnd; i += 4 * LANES) {
                a0 = load(row, i).fma(FloatVector.fromArray(F, x, i), a0);
                a1 = load(row, i + LANES).fma(FloatVector.fromArray(F, x, i + LANES), a1);
                a2 = load(row, i + 2 * LANES).fma(FloatVector.fromArray(F, x, i + 2 * LANES), a2);
                a3 = load(row, i + 3 * LANES).fma(FloatVector.fromArray(F, x, i + 3 * LANES), a3);
            }
            for (; i + LANES <= cols; i += LANES) a0 = load(row, i).fma(FloatVector.fromArray(F, x, i), a0);
            float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
            for (; i < cols; i++) sum += Bf16.toFloat(row[i]) * x[i];
            y[yOff + j] = sum;
        }
    }

    @Override
    public void widen(ByteBuffer w, int byteOff, int n, float[] dst, int dstOff) {
        short[] chunk = new short[Math.min(n, 1 << 12)];
        ShortBuffer src = w.duplicate().order(w.order()).position(byteOff).asShortBuffer();
        for (int done = 0; done < n; done += chunk.length) {
            int k = Math.min(chunk.length, n - done);
            src.get(done, chunk, 0, k);
            int i = 0;
            for (; i + LANES <= k; i += LANES) load(chunk, i).intoArray(dst, dstOff + done + i);
            for (; i < k; i++) dst[dstOff + done + i] = Bf16.toFloat(chunk[i]);
        }
    }

    @Override
    public String describe() {
        return "Vector API, " + F.vectorBitSize() + "-bit";
    }
}
