package t2j.io;

import static t2j.io.StFiles.assertBadFile;
import static t2j.io.StFiles.concat;
import static t2j.io.StFiles.le64;
import static t2j.io.StFiles.tensor;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every malformed file gives a {@link CheckpointFormatException} naming the file, the tensor or field, and the problem. */
class SafeTensorsValidationTest {
    @TempDir
    Path tmp;

    /** A file with the given header and {@code dataBytes} zero bytes of data. */
    private Path withHeader(String header, int dataBytes) throws IOException {
        return StFiles.raw(tmp.resolve("bad.safetensors"), header, new byte[dataBytes]);
    }

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        assertBadFile(
                StFiles.bytes(tmp.resolve("short.safetensors"), new byte[] {1, 0, 0, 0, 0}),
                "file is 5 bytes",
                "8-byte header length");
        assertBadFile(StFiles.bytes(tmp.resolve("empty.safetensors"), new byte[0]), "file is 0 bytes");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path f = StFiles.bytes(tmp.resolve("a.safetensors"), concat(le64(1000), "{}".getBytes()));
        assertBadFile(f, "header length field says 1000 bytes", "only 2 bytes");
    }

    @Test
    void absurdHeaderLength() throws IOException {
        assertBadFile(
                StFiles.bytes(tmp.resolve("a.safetensors"), concat(le64(200_000_000L), "{}".getBytes())),
                "header length field is 200000000 bytes",
                "100000000-byte limit");
        assertBadFile(
                StFiles.bytes(tmp.resolve("b.safetensors"), concat(le64(-1L), "{}".getBytes())),
                "18446744073709551615 bytes"); // the field is unsigned: all ones is 2^64 - 1, not -1
    }

    @Test
    void headerNotUtf8() throws IOException {
        assertBadFile(
                StFiles.raw(tmp.resolve("a.safetensors"), new byte[] {'{', (byte) 0xC3, '}'}, new byte[0]),
                "not valid UTF-8");
    }

    @Test
    void headerNotJson() throws IOException {
        assertBadFile(withHeader("{\"w\": {\"dtype\": ", 0), "(header)", "invalid JSON");
    }

    @Test
    void headerNestedTooDeeplyForTheParser() throws IOException {
        assertBadFile(withHeader("[".repeat(1_000_000), 0), "(header)");
    }

    @Test
    void headerNotAnObject() throws IOException {
        assertBadFile(withHeader("[1, 2]", 0), "header must be a JSON object, found an array");
    }

    @Test
    void entryNotAnObject() throws IOException {
        assertBadFile(withHeader("{\"w\": 3}", 0), "tensor 'w'", "expected a JSON object, found the integer 3");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"shape\":[1],\"data_offsets\":[0,4]}|missing \"dtype\"",
                "{\"dtype\":\"F32\",\"data_offsets\":[0,4]}|missing \"shape\"",
                "{\"dtype\":\"F32\",\"shape\":[1]}|missing \"data_offsets\"",
                "{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}|\"dtype\" must be a string, found the integer 32",
                "{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}|\"shape\" must be an array of integers, found a string",
                "{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}|\"shape\"[0] must be an integer, found the number 1.5",
                "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}|\"data_offsets\" must have 2 entries, found 1",
                "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,null]}|\"data_offsets\"[1] must be an integer, found null",
            })
    void entryWithMissingFieldOrWrongType(String entry, String expected) throws IOException {
        assertBadFile(withHeader("{\"w\":" + entry + "}", 4), "tensor 'w'", expected);
    }

    @Test
    void unknownDtype() throws IOException {
        assertBadFile(
                withHeader("{" + tensor("w", "F128", "[1]", 0, 16) + "}", 16),
                "tensor 'w'",
                "unknown dtype \"F128\"",
                "BF16");
    }

    @Test
    void negativeDim() throws IOException {
        assertBadFile(withHeader("{" + tensor("w", "F32", "[2,-2]", 0, 16) + "}", 16), "tensor 'w'", "negative dim 1");
    }

    @Test
    void shapeWhoseByteCountOverflows() throws IOException {
        assertBadFile(
                withHeader("{" + tensor("w", "F32", "[4611686018427387904,4]", 0, 16) + "}", 16),
                "tensor 'w'",
                "overflows");
    }

    @Test
    void offsetsBeyondTheDataSection() throws IOException {
        assertBadFile(
                withHeader("{" + tensor("w", "F32", "[4]", 8, 24) + "}", 16), "tensor 'w'", "[8, 24]", "has 16 bytes");
    }

    @Test
    void endBeforeBegin() throws IOException {
        assertBadFile(withHeader("{" + tensor("w", "F32", "[1]", 8, 4) + "}", 16), "tensor 'w'", "0 <= begin <= end");
        assertBadFile(withHeader("{" + tensor("w", "F32", "[1]", -4, 0) + "}", 16), "tensor 'w'", "0 <= begin <= end");
    }

    @Test
    void overlappingTensors() throws IOException {
        String header = "{" + tensor("a", "F32", "[4]", 0, 16) + "," + tensor("b", "F32", "[2]", 12, 20) + "}";
        assertBadFile(withHeader(header, 20), "tensor 'b'", "overlap tensor 'a'");
    }

    @Test
    void byteLengthNotMatchingDtypeTimesShape() throws IOException {
        assertBadFile(
                withHeader("{" + tensor("w", "BF16", "[2,3]", 0, 16) + "}", 16),
                "tensor 'w'",
                "span 16 bytes",
                "dtype BF16 x shape [2, 3] needs 12 bytes");
    }

    @Test
    void metadataNotStrings() throws IOException {
        assertBadFile(
                withHeader("{\"__metadata__\":{\"step\":3}}", 0), "\"__metadata__\" entry \"step\" must be a string");
        assertBadFile(withHeader("{\"__metadata__\":[]}", 0), "\"__metadata__\" must be an object");
    }

    @Test
    void truncatedDataSection() throws IOException {
        Path f = StFiles.write(
                tmp.resolve("t.safetensors"),
                StFiles.vector("a", DType.F32, 1f, 2f),
                StFiles.vector("b", DType.F32, 3f, 4f));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        assertBadFile(f, "tensor 'b'", "beyond the data section, which has 13 bytes", "truncated");
    }
}
