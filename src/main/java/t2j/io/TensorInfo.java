package t2j.io;

import java.util.Arrays;

/**
 * One tensor as a safetensors header describes it. {@code begin}/{@code end} are byte offsets relative to the start
 * of the data section (the {@code data_offsets} of the header), {@code end} exclusive. Instances are only created
 * from validated headers or by the writer, so {@code end - begin == numel() * dtype.bytes()} always holds.
 *
 * <pre>{@code
 * TensorInfo t = file.info("model.norm.weight");
 * if (!Arrays.equals(t.shape(), new long[] {hidden})) throw ...;
 * }</pre>
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    public TensorInfo {
        shape = shape.clone(); // a record with an array component is only immutable if nobody else holds the array
    }

    /** A copy of the shape; a scalar has shape {@code []}. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (1 for a scalar). */
    public long numel() {
        return numel(shape);
    }

    /** Byte length in the data section. */
    public long byteLength() {
        return end - begin;
    }

    /** Product of the dims; overflow throws {@link ArithmeticException} (callers validate dims first). */
    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t
                && name.equals(t.name)
                && dtype == t.dtype
                && Arrays.equals(shape, t.shape)
                && begin == t.begin
                && end == t.end;
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape) + Long.hashCode(begin);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + "," + end + ")";
    }
}
