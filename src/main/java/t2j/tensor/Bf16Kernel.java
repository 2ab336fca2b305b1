package t2j.tensor;

import java.nio.ByteBuffer;

/** The two inner loops of products with bf16 weights; a Vector-API implementation when the JVM has the module. */
interface Bf16Kernel {
    /** The order in which {@link #dotRows} reads x: once per product, not once per row block. */
    default float[] arrange(float[] x) {
        return x;
    }

    /**
     * {@code y[yOff+j] = Σ_i W[j,i]·x[i]} for {@code rows} rows of {@code cols} bf16 values from byte {@code byteOff},
     * with {@code x} as {@link #arrange} returned it.
     */
    void dotRows(ByteBuffer w, int byteOff, int rows, int cols, float[] x, float[] y, int yOff);

    /** {@code dst[dstOff..+n) = float32(W[byteOff/2 ..+n))}. */
    void widen(ByteBuffer w, int byteOff, int n, float[] dst, int dstOff);

    /**
     * A row of {@code n} values as native-order float32 into {@code dst} from byte {@code dstByteOff}, in the order
     * {@link #arrange} puts x, so that a product of arranged rows with it is the row's dot product.
     */
    default void widenArranged(ByteBuffer w, int byteOff, int n, ByteBuffer dst, int dstByteOff) {
        float[] row = new float[n];
        widen(w, byteOff, n, row, 0);
        dst.asFloatBuffer().put(dstByteOff / 4, arrange(row));
    }

    /** A name for reports ("Vector API, 512-bit" or "scalar Java"). */
    String describe();
}
