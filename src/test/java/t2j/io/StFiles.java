package t2j.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;

/** Builds safetensors files byte by byte per the spec, independently of {@link SafeTensorsWriter}. */
final class StFiles {
    private StFiles() {}

    /** 8-byte little-endian header length, the header as UTF-8, then {@code data}. */
    static Path raw(Path file, String header, byte[] data) throws IOException {
        return raw(file, header.getBytes(StandardCharsets.UTF_8), data);
    }

    static Path raw(Path file, byte[] header, byte[] data) throws IOException {
        return bytes(file, concat(le64(header.length), header, data));
    }

    static Path bytes(Path file, byte[] content) throws IOException {
        Files.write(file, content);
        return file;
    }

    static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static byte[] leShorts(int... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) b.putShort((short) x);
        return b.array();
    }

    static byte[] leFloats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    /** A header entry as JSON text, for hand-written headers. */
    static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    static SafeTensorsWriter.Entry entry(String name, DType dtype, long[] shape, float... values) {
        return new SafeTensorsWriter.Entry(name, dtype, shape, FloatBuffer.wrap(values));
    }

    static SafeTensorsWriter.Entry vector(String name, DType dtype, float... values) {
        return entry(name, dtype, new long[] {values.length}, values);
    }

    static float[] ramp(int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (i - n / 2f) * scale;
        return a;
    }

    static Path write(Path file, SafeTensorsWriter.Entry... entries) throws IOException {
        SafeTensorsWriter.write(file, List.of(entries), Map.of());
        return file;
    }

    /** Asserts that opening {@code file} fails with a message naming the file and containing every fragment. */
    static CheckpointFormatException assertBadFile(Path file, String... fragments) {
        return assertBad(() -> SafeTensorsFile.open(file).close(), file.toString(), fragments);
    }

    /** Asserts that {@code action} fails with a message containing {@code names} and every fragment. */
    static CheckpointFormatException assertBad(Executable action, String names, String... fragments) {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, action);
        assertContains(e.getMessage(), names);
        for (String f : fragments) assertContains(e.getMessage(), f);
        return e;
    }

    static void assertContains(String message, String fragment) {
        assertTrue(
                message.contains(fragment),
                () -> "expected the message to contain \"" + fragment + "\" but it was: " + message);
    }
}
