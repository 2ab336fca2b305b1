package t2j.io;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * One tensor's bytes in a read-only mapping of its safetensors file, converted to float32 on demand by the same
 * code as every other read ({@link SafeTensorsFile#mapTensor}). A file replaced by an atomic rename keeps the old
 * bytes mapped; a file rewritten in place shows its new bytes, which {@link #crc32c()} lets a holder detect.
 */
public final class MappedTensor {
    private final Path file;
    private final TensorInfo info;
    private final ByteBuffer bytes;

    MappedTensor(Path file, TensorInfo info, ByteBuffer bytes) {
        this.file = file;
        this.info = info;
        this.bytes = bytes;
    }

    public Path file() {
        return file;
    }

    public TensorInfo info() {
        return info;
    }

    /** Converts values {@code [first, first+count)} (row-major) to float32 into {@code dst} from its position. */
    public void readRange(long first, int count, FloatBuffer dst) {
        if (first < 0 || count < 0 || first + count > info.numel())
            throw new IllegalArgumentException(file + ": values [" + first + ", " + (first + count)
                    + ") are outside tensor '" + info.name() + "' of " + info.numel() + " values");
        if (count > dst.remaining())
            throw new IllegalArgumentException(file + ": " + count + " values of '" + info.name() + "' do not fit in "
                    + dst.remaining() + " remaining");
        int elem = info.dtype().bytes();
        ByteBuffer src = bytes.duplicate()
                .position((int) (first * elem))
                .limit((int) ((first + count) * elem))
                .slice()
                .order(bytes.order());
        SafeTensorsFile.convert(info.dtype(), src, dst, dst.position(), count);
    }

    /** Values {@code [first, first+count)} as bf16 into {@code dst} from its position; see {@link SafeTensorsFile#readRangeBf16}. */
    public void readRangeBf16(long first, int count, ByteBuffer dst) {
        if (first < 0 || count < 0 || first + count > info.numel())
            throw new IllegalArgumentException(file + ": values [" + first + ", " + (first + count)
                    + ") are outside tensor '" + info.name() + "' of " + info.numel() + " values");
        int elem = info.dtype().bytes();
        ByteBuffer src = bytes.duplicate()
                .position((int) (first * elem))
                .limit((int) ((first + count) * elem))
                .slice()
                .order(bytes.order());
        SafeTensorsFile.toBf16(info.dtype(), src, dst, dst.position(), count);
    }

    /** The values as a read-only float32 view of the mapping, or null when they are not F32 in this machine's byte order. */
    public FloatBuffer asFloatBuffer() {
        if (info.dtype() != DType.F32 || java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN)
            return null;
        return bytes.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    /** CRC-32C of the stored bytes (a hardware-accelerated pass over the mapping, no copy). */
    public long crc32c() {
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate().clear());
        return crc.getValue();
    }
}
