package t2j.io;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element types a safetensors header may name. Every byte-sized safetensors dtype is listed so that files
 * holding, say, an {@code I64} position buffer or {@code F8_E4M3} weights still open and can be inspected; only
 * {@link #F32}, {@link #F16} and {@link #BF16} convert to float32 ({@link #toFloat()}), and reading any other as
 * floats fails with a {@link CheckpointFormatException}. The sub-byte dtypes ({@code F4}, {@code F6_*}) are not
 * supported: a header naming them is rejected as an unknown dtype.
 *
 * <pre>{@code
 * DType t = DType.parse("BF16");   // BF16
 * long bytes = t.bytes() * numel;  // 2 bytes per value
 * }</pre>
 */
public enum DType {
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    F64(8, false),
    C64(8, false),
    I64(8, false),
    U64(8, false),
    I32(4, false),
    U32(4, false),
    I16(2, false),
    U16(2, false),
    I8(1, false),
    U8(1, false),
    BOOL(1, false),
    F8_E4M3(1, false),
    F8_E5M2(1, false),
    F8_E8M0(1, false);

    private final int bytes;
    private final boolean toFloat;

    DType(int bytes, boolean toFloat) {
        this.bytes = bytes;
        this.toFloat = toFloat;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Whether {@link SafeTensorsFile#readInto} can convert this dtype to float32 (and the writer can produce it). */
    public boolean toFloat() {
        return toFloat;
    }

    /** The dtype named {@code s} as spelled in safetensors headers (exact, upper case), or {@code null}. */
    public static DType parse(String s) {
        for (DType t : values()) if (t.name().equals(s)) return t;
        return null;
    }

    /** The names a header may use, for error messages. */
    static String known() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
