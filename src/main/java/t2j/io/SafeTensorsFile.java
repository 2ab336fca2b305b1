package t2j.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import t2j.json.Json;
import t2j.json.JsonException;

/**
 * A read-only view of one {@code .safetensors} file (8-byte little-endian header length, JSON header, data section).
 *
 * <p>{@link #open} reads and validates the whole header up front (types, dtypes, shapes, offsets in range and not
 * overlapping, byte lengths matching shape × dtype, data section long enough), so that any later read of a listed
 * tensor is known to be in bounds. Tensor data is never copied onto the Java heap by {@code open}: each read maps the
 * tensor's bytes ({@code FileChannel.map}, read-only) in windows of at most 1 GiB, converts them into the caller's
 * buffer and drops the mapping, so a 16 GB bf16 file opens instantly and a 2.1 GB f32 embedding is no problem.
 * Mapped regions are released by the garbage collector once unreferenced; {@link #close} closes the channel.
 *
 * <p>Gaps between tensors and bytes after the last one are tolerated (the reference implementation rejects them): they
 * cannot make a value wrong, and files from other tools sometimes align tensors.
 *
 * <p>Reads are thread-safe. {@link #names()} is sorted by name (not header order), so that iteration is the same
 * whichever tool wrote the file.
 *
 * <pre>{@code
 * try (SafeTensorsFile f = SafeTensorsFile.open(Path.of("model.safetensors"))) {
 *     TensorInfo t = f.info("model.embed_tokens.weight");     // BF16 [128256, 4096]
 *     FloatBuffer dst = ByteBuffer.allocateDirect((int) t.numel() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
 *     f.readInto(t.name(), dst);                              // converted to float32
 *     float[] norm = f.readFloats("model.norm.weight");
 * }
 * }</pre>
 */
public final class SafeTensorsFile implements AutoCloseable {
    /** Same limit as the reference (Rust) implementation: a larger header is a corrupt length field, not a header. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    static final String METADATA_KEY = "__metadata__";
    private static final int WINDOW_BYTES = 1 << 30;
    private static final int CHUNK_VALUES = 1 << 14;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, TensorInfo> tensors; // sorted by name
    private volatile boolean closed;

    private SafeTensorsFile(
            Path path,
            FileChannel channel,
            long dataStart,
            Map<String, String> metadata,
            Map<String, TensorInfo> tensors) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /**
     * Opens and validates {@code file}.
     *
     * @throws CheckpointFormatException the file is not a well-formed safetensors file (the message says why)
     * @throws IOException the file cannot be opened or read
     */
    public static SafeTensorsFile open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return parse(file, ch);
        } catch (RuntimeException | IOException | Error e) {
            ch.close();
            throw e;
        }
    }

    private static SafeTensorsFile parse(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8)
            throw bad(
                    file,
                    "file is " + size + " bytes, shorter than the 8-byte header length that starts a safetensors file");
        ByteBuffer lenBuf = readFully(ch, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
        long n = lenBuf.getLong(0); // unsigned in the spec: a negative long is simply an absurd length
        if (n < 0 || n > MAX_HEADER_BYTES)
            throw bad(
                    file,
                    "header length field is " + Long.toUnsignedString(n) + " bytes, over the " + MAX_HEADER_BYTES
                            + "-byte limit (corrupt file, or not a safetensors file)");
        if (8 + n > size)
            throw bad(
                    file,
                    "header length field says " + n + " bytes but the file has only " + (size - 8)
                            + " bytes after it (truncated file, or not a safetensors file)");
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(readFully(ch, 8, (int) n))
                    .toString();
        } catch (CharacterCodingException e) {
            throw bad(file, "header is not valid UTF-8 (" + e.getMessage() + ")");
        }
        Object json = parseJson(text, file + " (header)");
        if (!(json instanceof Map)) throw bad(file, "header must be a JSON object, found " + jsonType(json));
        HeaderParser hp = new HeaderParser(file, size - 8 - n);
        for (Map.Entry<?, ?> e : ((Map<?, ?>) json).entrySet()) hp.entry((String) e.getKey(), e.getValue());
        hp.checkLayout();
        return new SafeTensorsFile(
                file, ch, 8 + n, Collections.unmodifiableMap(hp.metadata), Collections.unmodifiableMap(hp.tensors));
    }

    /** Turns header entries into validated {@link TensorInfo}s; {@code dataLength} is the data section's size. */
    private static final class HeaderParser {
        final Path file;
        final long dataLength;
        final Map<String, String> metadata = new LinkedHashMap<>();
        final Map<String, TensorInfo> tensors = new TreeMap<>();

        HeaderParser(Path file, long dataLength) {
            this.file = file;
            this.dataLength = dataLength;
        }

        void entry(String name, Object value) {
            if (name.equals(METADATA_KEY)) {
                metadata(value);
                return;
            }
            String where = "tensor '" + name + "'";
            if (!(value instanceof Map)) throw bad(file, where + ": expected a JSON object, found " + jsonType(value));
            Map<?, ?> m = (Map<?, ?>) value;
            Object dt = field(m, "dtype", where);
            if (!(dt instanceof String)) throw bad(file, where + ": \"dtype\" must be a string, found " + jsonType(dt));
            DType dtype = DType.parse((String) dt);
            if (dtype == null)
                throw bad(file, where + ": unknown dtype \"" + dt + "\" (expected one of " + DType.known() + ")");
            long[] shape = longs(field(m, "shape", where), "shape", -1, where);
            for (int i = 0; i < shape.length; i++)
                if (shape[i] < 0)
                    throw bad(file, where + ": shape " + Arrays.toString(shape) + " has negative dim " + i);
            long[] off = longs(field(m, "data_offsets", where), "data_offsets", 2, where);
            if (off[0] < 0 || off[1] < off[0])
                throw bad(file, where + ": data_offsets " + Arrays.toString(off) + " must satisfy 0 <= begin <= end");
            if (off[1] > dataLength)
                throw bad(
                        file,
                        where + ": data_offsets " + Arrays.toString(off) + " end beyond the data section, which has "
                                + dataLength + " bytes (truncated file?)");
            long want;
            try {
                want = Math.multiplyExact(TensorInfo.numel(shape), dtype.bytes());
            } catch (ArithmeticException overflow) {
                throw bad(file, where + ": shape " + Arrays.toString(shape) + " overflows a 64-bit byte count");
            }
            if (off[1] - off[0] != want)
                throw bad(
                        file,
                        where + ": data_offsets " + Arrays.toString(off) + " span " + (off[1] - off[0])
                                + " bytes but dtype " + dtype + " x shape " + Arrays.toString(shape) + " needs " + want
                                + " bytes");
            tensors.put(name, new TensorInfo(name, dtype, shape, off[0], off[1]));
        }

        void metadata(Object value) {
            if (!(value instanceof Map))
                throw bad(file, "\"" + METADATA_KEY + "\" must be an object of strings, found " + jsonType(value));
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (!(e.getValue() instanceof String))
                    throw bad(
                            file,
                            "\"" + METADATA_KEY + "\" entry \"" + e.getKey() + "\" must be a string, found "
                                    + jsonType(e.getValue()));
                metadata.put((String) e.getKey(), (String) e.getValue());
            }
        }

        Object field(Map<?, ?> m, String key, String where) {
            if (!m.containsKey(key)) throw bad(file, where + ": missing \"" + key + "\" (has " + m.keySet() + ")");
            return m.get(key);
        }

        long[] longs(Object v, String key, int wantLength, String where) {
            if (!(v instanceof List))
                throw bad(file, where + ": \"" + key + "\" must be an array of integers, found " + jsonType(v));
            List<?> l = (List<?>) v;
            if (wantLength >= 0 && l.size() != wantLength)
                throw bad(file, where + ": \"" + key + "\" must have " + wantLength + " entries, found " + l.size());
            long[] out = new long[l.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(l.get(i) instanceof Long))
                    throw bad(
                            file,
                            where + ": \"" + key + "\"[" + i + "] must be an integer, found " + jsonType(l.get(i)));
                out[i] = (Long) l.get(i);
            }
            return out;
        }

        /** Overlap would let two tensors alias each other's bytes; empty tensors occupy nothing and may share an offset. */
        void checkLayout() {
            List<TensorInfo> byOffset = new ArrayList<>(tensors.values());
            byOffset.removeIf(t -> t.begin() == t.end());
            byOffset.sort(Comparator.comparingLong(TensorInfo::begin));
            for (int i = 1; i < byOffset.size(); i++) {
                TensorInfo a = byOffset.get(i - 1), b = byOffset.get(i);
                if (b.begin() < a.end())
                    throw bad(
                            file,
                            "tensor '" + b.name() + "': data_offsets [" + b.begin() + ", " + b.end()
                                    + "] overlap tensor '" + a.name() + "' at [" + a.begin() + ", " + a.end() + "]");
            }
        }
    }

    public Path path() {
        return path;
    }

    /** The header's {@code "__metadata__"} (empty if absent), unmodifiable. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensor names, sorted, unmodifiable. */
    public Set<String> names() {
        return tensors.keySet();
    }

    /** Whether the file holds tensor {@code name}. */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** @throws CheckpointFormatException no such tensor; the message lists the nearest names */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null)
            throw bad(
                    path,
                    "no tensor '" + name + "'; " + CheckpointFormatException.nearNames(name, tensors.keySet(), 5));
        return t;
    }

    /**
     * Converts tensor {@code name} to float32 into {@code dst} at indices {@code dst.position() .. + numel}, with
     * absolute puts: {@code dst}'s position is not moved.
     *
     * @throws CheckpointFormatException unknown tensor, or a dtype that does not convert to float
     * @throws IllegalArgumentException {@code dst} is read-only or has fewer than numel values remaining
     */
    public void readInto(String name, FloatBuffer dst) {
        readInto(name, dst, WINDOW_BYTES);
    }

    /** {@link #readInto(String, FloatBuffer)} with a chosen window size, so tests can exercise windowing on small files. */
    void readInto(String name, FloatBuffer dst, int windowBytes) {
        TensorInfo t = info(name);
        if (!t.dtype().toFloat())
            throw bad(
                    path,
                    "tensor '" + name + "' has dtype " + t.dtype()
                            + ", which does not convert to float32 (F32, F16 and BF16 do)");
        if (dst.isReadOnly())
            throw new IllegalArgumentException("readInto '" + name + "': destination buffer is read-only");
        long numel = t.numel();
        if (numel > dst.remaining())
            throw new IllegalArgumentException(
                    path + ": tensor '" + name + "' has " + numel + " values but the destination has " + dst.remaining()
                            + " remaining (position " + dst.position() + ", limit " + dst.limit() + ")");
        int elem = t.dtype().bytes();
        if (windowBytes <= 0 || windowBytes % 4 != 0)
            throw new IllegalArgumentException("window must be a positive multiple of 4");
        int at = dst.position();
        for (long off = 0; off < t.byteLength(); off += windowBytes) {
            int len = (int) Math.min(windowBytes, t.byteLength() - off);
            ByteBuffer window = map(t, off, len);
            convert(t.dtype(), window, dst, at + (int) (off / elem), len / elem);
        }
    }

    /**
     * Converts values {@code [first, first+count)} of a tensor (in row-major order) to float32 into {@code dst} from its
     * position: how a tensor too large for one buffer (Llama-3-8B's embedding) is read block by block.
     */
    public void readRange(String name, long first, int count, FloatBuffer dst) {
        TensorInfo t = info(name);
        if (!t.dtype().toFloat())
            throw bad(
                    path,
                    "tensor '" + name + "' has dtype " + t.dtype()
                            + ", which does not convert to float32 (F32, F16 and BF16 do)");
        if (first < 0 || count < 0 || first + count > t.numel())
            throw new IllegalArgumentException(path + ": values [" + first + ", " + (first + count)
                    + ") are outside tensor '" + name + "' of " + t.numel() + " values");
        if (count > dst.remaining())
            throw new IllegalArgumentException(
                    path + ": " + count + " values of '" + name + "' do not fit in " + dst.remaining() + " remaining");
        int elem = t.dtype().bytes(), at = dst.position();
        long startByte = first * elem, endByte = (first + count) * elem;
        int window = WINDOW_BYTES - WINDOW_BYTES % 4;
        for (long off = startByte; off < endByte; off += window) {
            int len = (int) Math.min(window, endByte - off);
            convert(t.dtype(), map(t, off, len), dst, at + (int) ((off - startByte) / elem), len / elem);
        }
    }

    /**
     * Tensor {@code name}'s bytes, mapped read-only once and kept: the page cache holds them (neither heap nor direct
     * memory), and they stay readable after this file is closed.
     *
     * @throws CheckpointFormatException unknown tensor, a dtype that does not convert to float, or over 2 GiB of bytes
     */
    public MappedTensor mapTensor(String name) {
        TensorInfo t = info(name);
        if (!t.dtype().toFloat())
            throw bad(
                    path,
                    "tensor '" + name + "' has dtype " + t.dtype()
                            + ", which does not convert to float32 (F32, F16 and BF16 do)");
        if (t.byteLength() > Integer.MAX_VALUE)
            throw bad(
                    path,
                    "tensor '" + name + "' has " + t.byteLength() + " bytes, more than one mapping holds (2 GiB)");
        return new MappedTensor(path, t, map(t, 0, (int) t.byteLength()));
    }

    /**
     * Values {@code [first, first+count)} of a tensor as bf16 into {@code dst} from its position (2 bytes each, native
     * order): the stored bytes themselves for a BF16 tensor, float32 rounded to nearest even for F32 and F16 ones.
     */
    public void readRangeBf16(String name, long first, int count, ByteBuffer dst) {
        TensorInfo t = info(name);
        if (!t.dtype().toFloat())
            throw bad(
                    path,
                    "tensor '" + name + "' has dtype " + t.dtype()
                            + ", which does not convert to float32 (F32, F16 and BF16 do)");
        if (first < 0 || count < 0 || first + count > t.numel())
            throw new IllegalArgumentException(path + ": values [" + first + ", " + (first + count)
                    + ") are outside tensor '" + name + "' of " + t.numel() + " values");
        int elem = t.dtype().bytes();
        int window = (WINDOW_BYTES / 4) * 4;
        long startByte = first * elem, endByte = (first + count) * elem;
        int at = dst.position();
        for (long off = startByte; off < endByte; off += window) {
            int len = (int) Math.min(window, endByte - off);
            toBf16(t.dtype(), map(t, off, len), dst, at + (int) ((off - startByte) / elem) * 2, len / elem);
        }
    }

    /** The one narrowing every bf16 read uses; BF16 bytes are copied unchanged. */
    static void toBf16(DType dtype, ByteBuffer src, ByteBuffer dst, int atByte, int n) {
        // Matrices hold bf16 in native order whatever order the caller's view of them says.
        ByteBuffer out = dst.duplicate().order(ByteOrder.nativeOrder()).position(atByte);
        if (dtype == DType.BF16 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            out.put(src.duplicate().limit(2 * n));
            return;
        }
        float[] chunk = new float[Math.min(n, CHUNK_VALUES)];
        FloatBuffer wrap = FloatBuffer.wrap(chunk);
        for (int done = 0; done < n; done += chunk.length) {
            int k = Math.min(chunk.length, n - done);
            ByteBuffer part = src.duplicate()
                    .position(done * dtype.bytes())
                    .limit((done + k) * dtype.bytes())
                    .slice()
                    .order(ByteOrder.LITTLE_ENDIAN);
            convert(dtype, part, wrap, 0, k);
            for (int i = 0; i < k; i++) out.putShort(t2j.tensor.Bf16.round(chunk[i]));
        }
    }

    /** Convenience for small tensors: the values as a new float array. */
    public float[] readFloats(String name) {
        long n = info(name).numel();
        if (n > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException(
                    path + ": tensor '" + name + "' has " + n + " values, too many for a float[]; use readInto");
        float[] out = new float[(int) n];
        readInto(name, FloatBuffer.wrap(out));
        return out;
    }

    private ByteBuffer map(TensorInfo t, long off, int len) {
        if (closed) throw new IllegalStateException(path + " is closed");
        long from = dataStart + t.begin() + off;
        try {
            // Reading a mapping past the end of a file that shrank after open raises SIGBUS-turned-InternalError;
            // checking first turns a concurrent truncation into a clear error instead.
            if (from + len > channel.size())
                throw bad(
                        path,
                        "tensor '" + t.name() + "': file is now " + channel.size()
                                + " bytes but the tensor ends at byte " + (dataStart + t.end())
                                + " (the file was truncated after it was opened)");
            return channel.map(FileChannel.MapMode.READ_ONLY, from, len).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": mapping tensor '" + t.name() + "' failed: " + e.getMessage(), e);
        }
    }

    /** The one conversion every read uses, so that reading the same bytes twice gives the same bits. */
    static void convert(DType dtype, ByteBuffer src, FloatBuffer dst, int at, int n) {
        if (dtype == DType.F32) {
            dst.put(at, src.asFloatBuffer(), 0, n); // bulk copy; a memcpy when byte orders agree
            return;
        }
        ShortBuffer s = src.asShortBuffer();
        short[] raw = new short[Math.min(n, CHUNK_VALUES)];
        float[] out = new float[raw.length];
        boolean bf16 = dtype == DType.BF16;
        for (int done = 0; done < n; done += raw.length) {
            int k = Math.min(raw.length, n - done);
            s.get(done, raw, 0, k);
            if (bf16) for (int i = 0; i < k; i++) out[i] = Float.intBitsToFloat(raw[i] << 16);
            else for (int i = 0; i < k; i++) out[i] = HalfFloats.f16ToFloat(raw[i]);
            dst.put(at + done, out, 0, k);
        }
    }

    /** Closes the channel; mappings already handed out stay valid until collected. Idempotent. */
    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }

    @Override
    public String toString() {
        return "SafeTensorsFile[" + path + ", " + tensors.size() + " tensors]";
    }

    private static ByteBuffer readFully(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0)
                throw new EOFException("unexpected end of file at byte " + (pos + b.position()));
        }
        return b.flip();
    }

    /** JSON from a file this package reads, with every failure, deep nesting included, as a format error. */
    static Object parseJson(String text, String source) {
        try {
            return Json.parse(text, source);
        } catch (JsonException e) {
            throw new CheckpointFormatException(e.getMessage(), e);
        } catch (
                StackOverflowError
                        e) { // the parser recurses per nesting level; a hostile file must not escape as an Error
            throw new CheckpointFormatException(source + ": JSON nested too deeply to parse");
        }
    }

    static CheckpointFormatException bad(Path file, String what) {
        return new CheckpointFormatException(file + ": " + what);
    }

    static String jsonType(Object v) {
        if (v == null) return "null";
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "an array";
        if (v instanceof String) return "a string \"" + v + "\"";
        if (v instanceof Long) return "the integer " + v;
        if (v instanceof Double) return "the number " + v;
        if (v instanceof Boolean) return "the boolean " + v;
        return v.getClass().getSimpleName();
    }
}
