package t2j.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A row-major float32 matrix in off-heap memory, the layout of a Hugging Face {@code nn.Linear} weight
 * ({@code [out_features, in_features]}).
 *
 * <p>Off-heap because OpenBLAS reads it in place: JNI would copy a Java {@code float[]} on every call. A direct
 * buffer holds at most 2³¹−1 bytes, so a larger matrix (Llama-3-8B's 128256×4096 embedding) is stored as several
 * row blocks; {@link Blas} walks them.
 */
public final class Matrix {
    /** Largest block in floats: the biggest whole number of rows under the 2 GiB direct-buffer limit is chosen per matrix. */
    static final long MAX_BLOCK_FLOATS = (Integer.MAX_VALUE - 64) / 4;

    private final int rows;
    private final int cols;
    private final int blockRows;
    private final FloatBuffer[] blocks;

    private Matrix(int rows, int cols, int blockRows, FloatBuffer[] blocks) {
        this.rows = rows;
        this.cols = cols;
        this.blockRows = blockRows;
        this.blocks = blocks;
    }

    /** A zero-filled matrix. */
    public static Matrix zeros(int rows, int cols) {
        if (rows <= 0 || cols <= 0) throw new IllegalArgumentException("matrix shape must be positive, got " + rows + "x" + cols);
        int blockRows = (int) Math.max(1, Math.min(rows, MAX_BLOCK_FLOATS / cols));
        int n = (rows + blockRows - 1) / blockRows;
        FloatBuffer[] blocks = new FloatBuffer[n];
        for (int b = 0; b < n; b++) {
            int r = Math.min(blockRows, rows - b * blockRows);
            blocks[b] = allocate((long) r * cols);
        }
        return new Matrix(rows, cols, blockRows, blocks);
    }

    /** A zero-filled direct float buffer in native byte order. */
    public static FloatBuffer allocate(long floats) {
        if (floats * 4 > Integer.MAX_VALUE) throw new IllegalArgumentException("buffer of " + floats + " floats exceeds 2 GiB");
        return ByteBuffer.allocateDirect((int) (floats * 4)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Rows {@code [from, from+count)} of a single-block matrix, sharing its memory. */
    public Matrix rowSlice(int from, int count) {
        if (blocks.length != 1) throw new UnsupportedOperationException("row slices of a multi-block matrix");
        if (from < 0 || count <= 0 || from + count > rows) throw new IndexOutOfBoundsException("rows " + from + "+" + count + " of " + rows);
        FloatBuffer b = blocks[0].duplicate().position(from * cols).limit((from + count) * cols).slice();
        return new Matrix(count, cols, count, new FloatBuffer[] {b});
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public long numel() {
        return (long) rows * cols;
    }

    int blockCount() {
        return blocks.length;
    }

    int blockRows() {
        return blockRows;
    }

    FloatBuffer block(int b) {
        return blocks[b];
    }

    /** The buffer holding row {@code r}, positioned nowhere in particular; use {@link #offsetInBlock(int)}. */
    public FloatBuffer blockOf(int r) {
        return blocks[r / blockRows];
    }

    /** Offset of row {@code r}'s first element in {@link #blockOf(int)}. */
    public int offsetInBlock(int r) {
        return (r % blockRows) * cols;
    }

    public float get(int r, int c) {
        return blockOf(r).get(offsetInBlock(r) + c);
    }

    public void set(int r, int c, float v) {
        blockOf(r).put(offsetInBlock(r) + c, v);
    }

    /** Copies row {@code r} into {@code dst[dstOff..dstOff+cols)}. */
    public void getRow(int r, FloatBuffer dst, int dstOff) {
        FloatBuffer src = blockOf(r).duplicate();
        int o = offsetInBlock(r);
        src.position(o).limit(o + cols);
        dst.duplicate().position(dstOff).put(src);
    }

    /** Copies all values into a new heap array (for tests and small matrices). */
    public float[] toArray() {
        if (numel() > Integer.MAX_VALUE) throw new IllegalStateException("matrix too large for an array");
        float[] a = new float[(int) numel()];
        int off = 0;
        for (FloatBuffer b : blocks) {
            FloatBuffer d = b.duplicate();
            d.position(0);
            int n = d.remaining();
            d.get(a, off, n);
            off += n;
        }
        return a;
    }

    /** Overwrites all values from {@code a} (length rows×cols). */
    public void copyFrom(float[] a) {
        if (a.length != numel()) throw new IllegalArgumentException("expected " + numel() + " values, got " + a.length);
        int off = 0;
        for (FloatBuffer b : blocks) {
            FloatBuffer d = b.duplicate();
            d.position(0);
            int n = d.remaining();
            d.put(a, off, n);
            off += n;
        }
    }

    /** Overwrites all values from {@code src}, a matrix of the same shape (a memcpy per block). */
    public void copyFrom(Matrix src) {
        if (src.rows != rows || src.cols != cols)
            throw new IllegalArgumentException("copying a " + src.rows + "x" + src.cols + " matrix into a " + rows + "x" + cols + " one");
        for (int r = 0; r < rows; ) {
            int n = Math.min(blockRows - r % blockRows, src.blockRows - r % src.blockRows);
            n = Math.min(n, rows - r);
            FloatBuffer from = src.blockOf(r).duplicate();
            from.position(src.offsetInBlock(r)).limit(src.offsetInBlock(r) + n * cols);
            blockOf(r).duplicate().position(offsetInBlock(r)).put(from);
            r += n;
        }
    }

    /** Visits each block as (first row, buffer holding that block's rows) — for loaders that fill a matrix in place. */
    public void forEachBlock(BlockVisitor v) {
        for (int b = 0; b < blocks.length; b++) v.visit(b * blockRows, Math.min(blockRows, rows - b * blockRows), blocks[b]);
    }

    /** See {@link #forEachBlock}. */
    @FunctionalInterface
    public interface BlockVisitor {
        void visit(int firstRow, int rowCount, FloatBuffer data);
    }

    @Override
    public String toString() {
        return "Matrix[" + rows + "x" + cols + "]";
    }
}
