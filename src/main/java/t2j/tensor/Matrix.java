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
 *
 * <p>A matrix may instead hold bfloat16 values ({@link #zerosBf16}), half the bytes: how large checkpoints stored in
 * bf16 stay in their dtype. Its values read as float32 exactly (bf16 is float32's upper half); writes round to nearest
 * even. It has no float32 buffer ({@link #blockOf} refuses); {@link Blas#linear} and {@link Bf16} read it directly.
 */
public final class Matrix {
    /** Largest block in floats: the biggest whole number of rows under the 2 GiB direct-buffer limit is chosen per matrix. */
    static final long MAX_BLOCK_FLOATS = (Integer.MAX_VALUE - 64) / 4;

    private final int rows;
    private final int cols;
    private final int blockRows;
    private final FloatBuffer[] blocks;
    private final ByteBuffer[] halves; // bf16 values, native byte order

    private Matrix(int rows, int cols, int blockRows, FloatBuffer[] blocks) {
        this(rows, cols, blockRows, blocks, null);
    }

    private Matrix(int rows, int cols, int blockRows, FloatBuffer[] blocks, ByteBuffer[] halves) {
        this.rows = rows;
        this.cols = cols;
        this.blockRows = blockRows;
        this.blocks = blocks;
        this.halves = halves;
    }

    /**
     * A matrix over {@code data}'s first rows×cols floats (row-major, one block, not copied): e.g. a read-only mapping
     * of a cache file, which products read in place and any write refuses.
     */
    public static Matrix wrap(int rows, int cols, FloatBuffer data) {
        if (rows <= 0 || cols <= 0)
            throw new IllegalArgumentException("matrix shape must be positive, got " + rows + "x" + cols);
        if (!data.isDirect()) throw new IllegalArgumentException("OpenBLAS reads direct buffers only");
        if (data.capacity() < (long) rows * cols)
            throw new IllegalArgumentException("a " + rows + "x" + cols + " matrix needs " + (long) rows * cols
                    + " floats, the buffer has " + data.capacity());
        return new Matrix(rows, cols, rows, new FloatBuffer[] {
            data.duplicate().position(0).limit(rows * cols).slice()
        });
    }

    /** A zero-filled bfloat16 matrix, in row blocks under 2 GiB like {@link #zeros}. */
    public static Matrix zerosBf16(int rows, int cols) {
        if (rows <= 0 || cols <= 0)
            throw new IllegalArgumentException("matrix shape must be positive, got " + rows + "x" + cols);
        int blockRows = (int) Math.max(1, Math.min(rows, 2 * MAX_BLOCK_FLOATS / cols));
        int n = (rows + blockRows - 1) / blockRows;
        ByteBuffer[] halves = new ByteBuffer[n];
        for (int b = 0; b < n; b++) {
            int r = Math.min(blockRows, rows - b * blockRows);
            halves[b] = ByteBuffer.allocateDirect(r * cols * 2).order(ByteOrder.nativeOrder());
        }
        return new Matrix(rows, cols, blockRows, null, halves);
    }

    /** A zero-filled matrix of the same shape and storage (float32 or bf16). */
    public Matrix zerosLike() {
        return isBf16() ? zerosBf16(rows, cols) : zeros(rows, cols);
    }

    /** Whether values are stored as bfloat16. */
    public boolean isBf16() {
        return halves != null;
    }

    /** Bytes of storage per value: 4 or 2. */
    public int bytesPerValue() {
        return isBf16() ? 2 : 4;
    }

    /** The bf16 bytes holding row {@code r}, value {@code i} at byte {@code 2·i} (see {@link #offsetInBlock}). */
    public ByteBuffer halvesOf(int r) {
        if (halves == null) throw new IllegalStateException("a float32 matrix has no bf16 buffer");
        return halves[r / blockRows];
    }

    /** A zero-filled matrix. */
    public static Matrix zeros(int rows, int cols) {
        if (rows <= 0 || cols <= 0)
            throw new IllegalArgumentException("matrix shape must be positive, got " + rows + "x" + cols);
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
        if (floats * 4 > Integer.MAX_VALUE)
            throw new IllegalArgumentException("buffer of " + floats + " floats exceeds 2 GiB");
        return ByteBuffer.allocateDirect((int) (floats * 4))
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    /** Rows {@code [from, from+count)} of a single-block matrix, sharing its memory. */
    public Matrix rowSlice(int from, int count) {
        if (blockCount() != 1) throw new UnsupportedOperationException("row slices of a multi-block matrix");
        if (from < 0 || count <= 0 || from + count > rows)
            throw new IndexOutOfBoundsException("rows " + from + "+" + count + " of " + rows);
        if (isBf16()) {
            ByteBuffer h = halves[0]
                    .duplicate()
                    .position(2 * from * cols)
                    .limit(2 * (from + count) * cols)
                    .slice()
                    .order(ByteOrder.nativeOrder());
            return new Matrix(count, cols, count, null, new ByteBuffer[] {h});
        }
        FloatBuffer b = blocks[0]
                .duplicate()
                .position(from * cols)
                .limit((from + count) * cols)
                .slice();
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
        return isBf16() ? halves.length : blocks.length;
    }

    int blockRows() {
        return blockRows;
    }

    FloatBuffer block(int b) {
        return float32().blocks[b];
    }

    /** The buffer holding row {@code r}, positioned nowhere in particular; use {@link #offsetInBlock(int)}. */
    public FloatBuffer blockOf(int r) {
        return float32().blocks[r / blockRows];
    }

    private Matrix float32() {
        if (blocks == null)
            throw new IllegalStateException(
                    "this " + rows + "x" + cols + " matrix holds bf16 values and has no float32 buffer;"
                            + " this operation needs float32 weights (load the model with dtype float32)");
        return this;
    }

    /** Offset of row {@code r}'s first element in {@link #blockOf(int)}. */
    public int offsetInBlock(int r) {
        return (r % blockRows) * cols;
    }

    public float get(int r, int c) {
        if (isBf16()) return Bf16.toFloat(halvesOf(r).getShort(2 * (offsetInBlock(r) + c)));
        return blockOf(r).get(offsetInBlock(r) + c);
    }

    public void set(int r, int c, float v) {
        if (isBf16()) halvesOf(r).putShort(2 * (offsetInBlock(r) + c), Bf16.round(v));
        else blockOf(r).put(offsetInBlock(r) + c, v);
    }

    /**
     * Reads {@code n} values from flat row-major index {@code index} (within one row block) into {@code dst}, as
     * float32: how code that handles both storages walks a matrix in chunks.
     */
    public void getValues(long index, float[] dst, int off, int n) {
        int r = (int) (index / cols);
        int at = offsetInBlock(r) + (int) (index % cols);
        if (isBf16()) {
            // A bulk copy then a shift per value: a getShort per value costs several times more (bounds checks).
            java.nio.ShortBuffer h = halvesOf(r)
                    .duplicate()
                    .order(ByteOrder.nativeOrder())
                    .position(2 * at)
                    .asShortBuffer();
            short[] chunk = new short[Math.min(n, 1 << 14)];
            for (int done = 0; done < n; done += chunk.length) {
                int k = Math.min(chunk.length, n - done);
                h.get(chunk, 0, k);
                for (int i = 0; i < k; i++) dst[off + done + i] = Bf16.toFloat(chunk[i]);
            }
        } else blockOf(r).get(at, dst, off, n);
    }

    /** Number of values from flat index {@code index} to the end of its row block. */
    public int valuesInBlockFrom(long index) {
        int r = (int) (index / cols);
        int blockEnd = Math.min(rows, (r / blockRows + 1) * blockRows);
        return (int) ((long) blockEnd * cols - index);
    }

    /** Copies row {@code r} into {@code dst[dstOff..dstOff+cols)}. */
    public void getRow(int r, FloatBuffer dst, int dstOff) {
        if (isBf16()) {
            ByteBuffer h = halvesOf(r);
            int o = offsetInBlock(r);
            for (int i = 0; i < cols; i++) dst.put(dstOff + i, Bf16.toFloat(h.getShort(2 * (o + i))));
            return;
        }
        FloatBuffer src = blockOf(r).duplicate();
        int o = offsetInBlock(r);
        src.position(o).limit(o + cols);
        dst.duplicate().position(dstOff).put(src);
    }

    /** Copies all values into a new heap array (for tests and small matrices). */
    public float[] toArray() {
        if (numel() > Integer.MAX_VALUE) throw new IllegalStateException("matrix too large for an array");
        float[] a = new float[(int) numel()];
        if (isBf16()) {
            for (long i = 0; i < a.length; ) {
                int n = valuesInBlockFrom(i);
                getValues(i, a, (int) i, n);
                i += n;
            }
            return a;
        }
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
        if (isBf16()) {
            for (int r = 0; r < rows; r++) {
                ByteBuffer h = halvesOf(r);
                int o = offsetInBlock(r);
                for (int i = 0; i < cols; i++) h.putShort(2 * (o + i), Bf16.round(a[r * cols + i]));
            }
            return;
        }
        int off = 0;
        for (FloatBuffer b : blocks) {
            FloatBuffer d = b.duplicate();
            d.position(0);
            int n = d.remaining();
            d.put(a, off, n);
            off += n;
        }
    }

    /**
     * Overwrites all values from {@code src}, a matrix of the same shape: a memcpy per block when both store the same
     * type, exact widening from bf16 to float32, rounding to nearest even from float32 to bf16.
     */
    public void copyFrom(Matrix src) {
        if (src.rows != rows || src.cols != cols)
            throw new IllegalArgumentException(
                    "copying a " + src.rows + "x" + src.cols + " matrix into a " + rows + "x" + cols + " one");
        float[] chunk = null;
        for (int r = 0; r < rows; ) {
            int n = Math.min(blockRows - r % blockRows, src.blockRows - r % src.blockRows);
            n = Math.min(n, rows - r);
            if (isBf16() && src.isBf16()) {
                ByteBuffer from = src.halvesOf(r).duplicate();
                from.position(2 * src.offsetInBlock(r)).limit(2 * (src.offsetInBlock(r) + n * cols));
                halvesOf(r).duplicate().position(2 * offsetInBlock(r)).put(from);
            } else if (!isBf16() && !src.isBf16()) {
                FloatBuffer from = src.blockOf(r).duplicate();
                from.position(src.offsetInBlock(r)).limit(src.offsetInBlock(r) + n * cols);
                blockOf(r).duplicate().position(offsetInBlock(r)).put(from);
            } else {
                if (chunk == null) chunk = new float[cols];
                for (int i = r; i < r + n; i++) {
                    src.getValues((long) i * cols, chunk, 0, cols);
                    putRow(i, chunk);
                }
            }
            r += n;
        }
    }

    /** Overwrites row {@code r} with {@code values} (rounded to bf16 for a bf16 matrix). */
    public void putRow(int r, float[] values) {
        int o = offsetInBlock(r);
        if (isBf16()) {
            ByteBuffer h = halvesOf(r);
            for (int i = 0; i < cols; i++) h.putShort(2 * (o + i), Bf16.round(values[i]));
        } else blockOf(r).put(o, values, 0, cols);
    }

    /** Visits each block as (first row, buffer holding that block's rows) — for loaders that fill a matrix in place. */
    public void forEachBlock(BlockVisitor v) {
        float32();
        for (int b = 0; b < blocks.length; b++)
            v.visit(b * blockRows, Math.min(blockRows, rows - b * blockRows), blocks[b]);
    }

    /** See {@link #forEachBlock}. */
    @FunctionalInterface
    public interface BlockVisitor {
        void visit(int firstRow, int rowCount, FloatBuffer data);
    }

    @Override
    public String toString() {
        return "Matrix[" + rows + "x" + cols + (isBf16() ? ", bf16" : "") + "]";
    }
}
