package t2j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import t2j.json.Json;

/**
 * Writes {@code .safetensors} files from float32 buffers, converting to F32, F16 or BF16 (round to nearest even,
 * NaN and ±Inf preserved; see {@link HalfFloats}). The header lists tensors in the given order with contiguous
 * offsets, {@code "__metadata__"} first when there is any, and is padded with spaces to a multiple of 8 bytes as the
 * Hugging Face implementation does. The write is atomic: a temporary file in the same folder, fsync, then rename.
 *
 * <pre>{@code
 * FloatBuffer w = FloatBuffer.wrap(new float[] {1, 2, 3, 4, 5, 6});
 * SafeTensorsWriter.write(Path.of("out.safetensors"),
 *         List.of(new SafeTensorsWriter.Entry("proj.weight", DType.BF16, new long[] {2, 3}, w)),
 *         Map.of("format", "pt"));
 * }</pre>
 */
public final class SafeTensorsWriter {
    private static final int CHUNK_BYTES = 1 << 20;

    private SafeTensorsWriter() {}

    /**
     * One tensor to write: {@code data} holds its numel float32 values from index 0 (absolute reads: its position is
     * ignored and not moved), in row-major order.
     */
    public record Entry(String name, DType dtype, long[] shape, FloatBuffer data) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** Values in the tensor. */
        public long numel() {
            return TensorInfo.numel(shape);
        }

        /** Bytes it takes in the data section. */
        public long byteLength() {
            return numel() * dtype.bytes();
        }
    }

    /**
     * Writes {@code tensors} to {@code file} atomically.
     *
     * @throws IllegalArgumentException a duplicate or reserved name, a dtype that is not F32/F16/BF16, a negative
     *     dim, or a buffer holding fewer than numel values
     */
    public static void write(Path file, List<Entry> tensors, Map<String, String> metadata) throws IOException {
        check(tensors);
        byte[] header = header(tensors, metadata);
        AtomicFiles.write(file, out -> {
            ByteBuffer len =
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            AtomicFiles.writeFully(out, len);
            AtomicFiles.writeFully(out, ByteBuffer.wrap(header));
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : tensors) writeData(out, e, chunk);
        });
    }

    static void check(List<Entry> tensors) {
        Set<String> seen = new HashSet<>();
        for (Entry e : tensors) {
            String where = "tensor '" + e.name() + "'";
            if (e.name() == null || e.name().isEmpty() || e.name().equals(SafeTensorsFile.METADATA_KEY))
                throw new IllegalArgumentException("invalid tensor name '" + e.name() + "'");
            if (!seen.add(e.name())) throw new IllegalArgumentException(where + " is listed twice");
            if (!e.dtype().toFloat())
                throw new IllegalArgumentException(
                        where + ": cannot write dtype " + e.dtype() + " from floats (F32, F16, BF16 only)");
            for (long d : e.shape())
                if (d < 0)
                    throw new IllegalArgumentException(where + ": negative dim in shape " + Arrays.toString(e.shape()));
            long n = e.numel();
            if (n > e.data().limit())
                throw new IllegalArgumentException(where + ": shape " + Arrays.toString(e.shape()) + " needs " + n
                        + " values but the buffer's limit is " + e.data().limit());
        }
    }

    private static byte[] header(List<Entry> tensors, Map<String, String> metadata) {
        Map<String, Object> h = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) h.put(SafeTensorsFile.METADATA_KEY, new LinkedHashMap<>(metadata));
        long off = 0;
        for (Entry e : tensors) {
            List<Long> shape = new ArrayList<>();
            for (long d : e.shape()) shape.add(d);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("dtype", e.dtype().name());
            t.put("shape", shape);
            t.put("data_offsets", List.of(off, off + e.byteLength()));
            h.put(e.name(), t);
            off += e.byteLength();
        }
        byte[] json = Json.write(h).getBytes(StandardCharsets.UTF_8);
        // The data section then starts 8-aligned, which lets readers map typed views of it.
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeData(FileChannel out, Entry e, ByteBuffer chunk) throws IOException {
        FloatBuffer src = e.data();
        int n = (int) e.numel();
        int perChunk = CHUNK_BYTES / e.dtype().bytes();
        for (int done = 0; done < n; done += perChunk) {
            int k = Math.min(perChunk, n - done);
            chunk.clear();
            switch (e.dtype()) {
                case F32 -> chunk.asFloatBuffer().put(0, src, done, k);
                case BF16 -> encode(src, done, k, chunk.asShortBuffer(), true);
                case F16 -> encode(src, done, k, chunk.asShortBuffer(), false);
                default -> throw new AssertionError(e.dtype()); // rejected by check()
            }
            chunk.limit(k * e.dtype().bytes());
            AtomicFiles.writeFully(out, chunk);
        }
    }

    private static void encode(FloatBuffer src, int from, int k, ShortBuffer dst, boolean bf16) {
        for (int i = 0; i < k; i++) {
            float f = src.get(from + i);
            dst.put(i, bf16 ? HalfFloats.floatToBf16(f) : HalfFloats.floatToF16(f));
        }
    }
}
