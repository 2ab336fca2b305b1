package t2j.tensor;

import java.nio.ByteBuffer;

/** Plain Java: eight independent sums so the loop is not one long dependency chain. */
final class Bf16ScalarKernel implements Bf16Kernel {
    @Override
    public void dotRows(ByteBuffer w, int byteOff, int rows, int cols, float[] x, float[] y, int yOff) {
        short[] row = new short[cols];
        for (int j = 0; j < rows; j++) {
            w.duplicate()
                    .order(w.order())
                    .position(byteOff + 2 * j * cols)
                    .asShortBuffer()
                    .get(row);
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int i = 0;
            for (; i + 8 <= cols; i += 8) {
                s0 += Float.intBitsToFloat(row[i] << 16) * x[i];
                s1 += Float.intBitsToFloat(row[i + 1] << 16) * x[i + 1];
                s2 += Float.intBitsToFloat(row[i + 2] << 16) * x[i + 2];
                s3 += Float.intBitsToFloat(row[i + 3] << 16) * x[i + 3];
                s4 += Float.intBitsToFloat(row[i + 4] << 16) * x[i + 4];
                s5 += Float.intBitsToFloat(row[i + 5] << 16) * x[i + 5];
                s6 += Float.intBitsToFloat(row[i + 6] << 16) * x[i + 6];
                s7 += Float.intBitsToFloat(row[i + 7] << 16) * x[i + 7];
            }
            for (; i < cols; i++) s0 += Float.intBitsToFloat(row[i] << 16) * x[i];
            y[yOff + j] = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        }
    }

    @Override
    public void widen(ByteBuffer w, int byteOff, int n, float[] dst, int dstOff) {
        short[] chunk = new short[Math.min(n, 1 << 14)];
        java.nio.ShortBuffer src =
                w.duplicate().order(w.order()).position(byteOff).asShortBuffer();
        for (int done = 0; done < n; done += chunk.length) {
            int k = Math.min(chunk.length, n - done);
            src.get(chunk, 0, k);
            for (int i = 0; i < k; i++) dst[dstOff + done + i] = Float.intBitsToFloat(chunk[i] << 16);
        }
    }

    @Override
    public String describe() {
        return "scalar Java (start the JVM with --add-modules jdk.incubator.vector for the SIMD kernel)";
    }
}
