package t2j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static t2j.io.StFiles.assertBad;
import static t2j.io.StFiles.assertContains;
import static t2j.io.StFiles.concat;
import static t2j.io.StFiles.entry;
import static t2j.io.StFiles.leFloats;
import static t2j.io.StFiles.leShorts;
import static t2j.io.StFiles.ramp;
import static t2j.io.StFiles.tensor;
import static t2j.io.StFiles.vector;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsFileTest {
    @TempDir
    Path tmp;

    /** Values whose binary16 / bfloat16 encodings are known by hand (see HalfFloatsTest for the derivations). */
    private static final float[] EDGE = {
        1f,
        -2.5f,
        65504f,
        0x1p-24f,
        0x1p-25f,
        0x3p-25f,
        Float.NaN,
        Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY,
        -0f
    };

    private static final int[] EDGE_F16 = {
        0x3C00, 0xC100, 0x7BFF, 0x0001, 0x0000, 0x0002, 0x7E00, 0x7C00, 0xFC00, 0x8000
    };
    private static final int[] EDGE_BF16 = {
        0x3F80, 0xC020, 0x4780 /* 65504 rounds up to 65536 */, 0x3380, 0x3300, 0x33C0, 0x7FC0, 0x7F80, 0xFF80, 0x8000
    };

    @Test
    void f32RoundTripIsBitExact() throws IOException {
        float[] v = {
            0f,
            -0f,
            1f,
            -1.5e-42f,
            Float.MIN_VALUE,
            Float.MAX_VALUE,
            Float.intBitsToFloat(0x7FC01234),
            Float.NEGATIVE_INFINITY,
            (float) Math.PI
        };
        Path f = StFiles.write(tmp.resolve("a.safetensors"), entry("m", DType.F32, new long[] {3, 3}, v));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            TensorInfo t = st.info("m");
            assertEquals(DType.F32, t.dtype());
            assertArrayEquals(new long[] {3, 3}, t.shape());
            assertEquals(9, t.numel());
            float[] back = st.readFloats("m");
            for (int i = 0; i < v.length; i++)
                assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back[i]), "index " + i);
        }
    }

    @Test
    void halfPrecisionBitsOnDiskAreTheReferencePatterns() throws IOException {
        Path f = StFiles.write(
                tmp.resolve("h.safetensors"), vector("h", DType.F16, EDGE), vector("b", DType.BF16, EDGE));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertArrayEquals(EDGE_F16, rawShorts(f, st.info("h")));
            assertArrayEquals(EDGE_BF16, rawShorts(f, st.info("b")));
            float[] h = st.readFloats("h"), b = st.readFloats("b");
            float[] wantH = {
                1f,
                -2.5f,
                65504f,
                0x1p-24f,
                0f,
                0x2p-24f,
                Float.NaN,
                Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY,
                -0f
            };
            float[] wantB = {
                1f,
                -2.5f,
                65536f,
                0x1p-24f,
                0x1p-25f,
                0x3p-25f,
                Float.NaN,
                Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY,
                -0f
            };
            assertArrayEquals(
                    wantH, h); // assertArrayEquals on floats treats NaN as equal to NaN and -0 as distinct from 0
            assertArrayEquals(wantB, b);
        }
    }

    /** The tensor's bytes as read straight from the file, past the header, without going through the reader. */
    private static int[] rawShorts(Path f, TensorInfo t) throws IOException {
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        int dataStart = 8 + (int) all.getLong(0);
        int[] out = new int[(int) t.numel()];
        for (int i = 0; i < out.length; i++) out[i] = all.getShort(dataStart + (int) t.begin() + 2 * i) & 0xFFFF;
        return out;
    }

    @Test
    void readsAFileWrittenByHandPerTheSpec() throws IOException {
        // Header order differs from data order, there is an integer tensor, and the header has trailing spaces.
        String header = "{\"__metadata__\":{\"format\":\"pt\",\"note\":\"h\\u00e9\"},"
                + tensor("z.f16", "F16", "[2]", 16, 20) + ","
                + tensor("a.f32", "F32", "[2,2]", 0, 16) + ","
                + tensor("m.bf16", "BF16", "[3]", 20, 26) + ","
                + tensor("ids", "I64", "[1]", 26, 34) + "}   ";
        byte[] data = concat(
                leFloats(1f, 2f, -3f, 0.5f),
                leShorts(0x3C00, 0xC100),
                leShorts(0x3F80, 0xC020, 0x7F80),
                StFiles.le64(42));
        Path f = StFiles.raw(tmp.resolve("hand.safetensors"), header, data);
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertEquals(List.of("a.f32", "ids", "m.bf16", "z.f16"), List.copyOf(st.names()));
            assertEquals(Map.of("format", "pt", "note", "hé"), st.metadata());
            assertArrayEquals(new float[] {1f, 2f, -3f, 0.5f}, st.readFloats("a.f32"));
            assertArrayEquals(new float[] {1f, -2.5f}, st.readFloats("z.f16"));
            assertArrayEquals(new float[] {1f, -2.5f, Float.POSITIVE_INFINITY}, st.readFloats("m.bf16"));
            assertEquals(new TensorInfo("ids", DType.I64, new long[] {1}, 26, 34), st.info("ids"));
            assertBad(() -> st.readFloats("ids"), f.toString(), "'ids'", "dtype I64", "does not convert to float32");
        }
    }

    @Test
    void metadataRoundTripsAndIsEmptyWhenAbsent() throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("quote\"and\\slash", "line\nbreak, ünïcode ✓");
        Path f = tmp.resolve("m.safetensors");
        SafeTensorsWriter.write(f, List.of(vector("x", DType.F32, 1f)), meta);
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertEquals(meta, st.metadata());
        }
        try (SafeTensorsFile st =
                SafeTensorsFile.open(StFiles.write(tmp.resolve("n.safetensors"), vector("x", DType.F32, 1f)))) {
            assertEquals(Map.of(), st.metadata());
        }
    }

    @Test
    void headerIsSpacePaddedToAMultipleOf8AndTensorsAreContiguousInOrder() throws IOException {
        Path f = StFiles.write(
                tmp.resolve("p.safetensors"), vector("second", DType.BF16, 1f, 2f, 3f), vector("first", DType.F32, 4f));
        byte[] all = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, n % 8);
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"second\""), header);
        assertTrue(header.stripTrailing().endsWith("}"), header);
        assertTrue(
                header.substring(header.stripTrailing().length()).chars().allMatch(c -> c == ' '), "padding is spaces");
        assertEquals(8 + n + 6 + 4, all.length);
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertEquals(new TensorInfo("second", DType.BF16, new long[] {3}, 0, 6), st.info("second"));
            assertEquals(new TensorInfo("first", DType.F32, new long[] {1}, 6, 10), st.info("first"));
        }
    }

    @Test
    void readIntoFillsFromPositionWithoutMovingIt() throws IOException {
        Path f = StFiles.write(tmp.resolve("r.safetensors"), vector("v", DType.F16, 1f, 2f, 3f));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            FloatBuffer dst = ByteBuffer.allocateDirect(6 * 4)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            dst.put(0, -7f).position(2);
            st.readInto("v", dst);
            assertEquals(2, dst.position());
            float[] got = new float[6];
            dst.get(0, got);
            assertArrayEquals(new float[] {-7f, 0f, 1f, 2f, 3f, 0f}, got);
        }
    }

    @Test
    void readIntoRefusesADestinationWithoutRoom() throws IOException {
        Path f = StFiles.write(tmp.resolve("r.safetensors"), vector("v", DType.F32, 1f, 2f, 3f));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> st.readInto("v", FloatBuffer.allocate(5).position(3)));
            assertContains(e.getMessage(), "has 3 values but the destination has 2 remaining");
            assertThrows(
                    IllegalArgumentException.class,
                    () -> st.readInto("v", FloatBuffer.allocate(3).asReadOnlyBuffer()));
        }
    }

    @Test
    void readingInSmallWindowsGivesTheSameValues() throws IOException {
        float[] v = ramp(1001, 0.37f);
        Path f = StFiles.write(
                tmp.resolve("w.safetensors"),
                vector("f32", DType.F32, v),
                vector("f16", DType.F16, v),
                vector("bf16", DType.BF16, v));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            for (String name : st.names()) {
                float[] whole = st.readFloats(name);
                for (int window : new int[] {4, 12, 64, 4000}) {
                    float[] part = new float[whole.length + 1];
                    st.readInto(name, FloatBuffer.wrap(part).position(1), window);
                    assertArrayEquals(
                            whole, java.util.Arrays.copyOfRange(part, 1, part.length), name + " window " + window);
                }
            }
        }
    }

    @Test
    void unknownNameListsTheNearestNames() throws IOException {
        Path f = StFiles.write(
                tmp.resolve("u.safetensors"),
                vector("model.norm.weight", DType.F32, 1f),
                vector("model.layers.0.mlp.up_proj.weight", DType.F32, 1f),
                vector("lm_head.weight", DType.F32, 1f));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            CheckpointFormatException e =
                    assertBad(() -> st.info("model.norm.weights"), f.toString(), "no tensor 'model.norm.weights'");
            assertTrue(
                    e.getMessage().indexOf("'model.norm.weight'")
                            < e.getMessage().indexOf("'lm_head.weight'"),
                    e.getMessage());
            assertBad(() -> st.readFloats("nope"), f.toString(), "no tensor 'nope'");
        }
    }

    @Test
    void scalarsAndEmptyTensorsAreFine() throws IOException {
        Path f = StFiles.write(
                tmp.resolve("s.safetensors"),
                entry("scalar", DType.BF16, new long[0], 3f),
                entry("empty", DType.F32, new long[] {0, 4}),
                entry("after", DType.F32, new long[] {1}, 5f));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertEquals(1, st.info("scalar").numel());
            assertArrayEquals(new float[] {3f}, st.readFloats("scalar"));
            assertEquals(0, st.readFloats("empty").length);
            assertArrayEquals(new float[] {5f}, st.readFloats("after"));
        }
    }

    @Test
    void closedFileRefusesReads() throws IOException {
        SafeTensorsFile st =
                SafeTensorsFile.open(StFiles.write(tmp.resolve("c.safetensors"), vector("v", DType.F32, 1f)));
        st.close();
        st.close();
        assertThrows(IllegalStateException.class, () -> st.readFloats("v"));
    }

    @Test
    void tensorsBeyondTwoGibibytesInASparseFileOpenAndRead() throws IOException {
        long big = 5L << 30; // a 5 GiB bf16 tensor: past one mapping, an int offset, and a FloatBuffer's capacity
        String header = "{" + tensor("huge", "BF16", "[" + big / 2 + "]", 0, big) + ","
                + tensor("tail", "F32", "[2]", big, big + 8) + "}";
        Path f = StFiles.raw(tmp.resolve("sparse.safetensors"), header, new byte[0]);
        long dataStart = Files.size(f);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(dataStart + big);
            raf.write(leFloats(1.25f, -8f)); // everything before stays a hole: no disk used
        }
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertEquals(big / 2, st.info("huge").numel());
            assertArrayEquals(new float[] {1.25f, -8f}, st.readFloats("tail"));
            assertContains(
                    assertThrows(IllegalArgumentException.class, () -> st.readFloats("huge"))
                            .getMessage(),
                    "too many for a float[]");
            assertContains(
                    assertThrows(IllegalArgumentException.class, () -> st.readInto("huge", FloatBuffer.allocate(8)))
                            .getMessage(),
                    "has 2684354560 values but the destination has 8 remaining");
        }
    }

    @Test
    void writerRejectsWhatItCannotWrite() {
        Path f = tmp.resolve("bad.safetensors");
        assertThrows(
                IllegalArgumentException.class,
                () -> StFiles.write(f, vector("a", DType.F32, 1f), vector("a", DType.F32, 2f)));
        assertThrows(IllegalArgumentException.class, () -> StFiles.write(f, vector("a", DType.I64, 1f)));
        assertThrows(
                IllegalArgumentException.class,
                () -> StFiles.write(f, entry("a", DType.F32, new long[] {2, 2}, 1f, 2f, 3f)));
        assertThrows(IllegalArgumentException.class, () -> StFiles.write(f, vector("__metadata__", DType.F32, 1f)));
        assertTrue(Files.notExists(f));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFiles() throws IOException {
        Path f = StFiles.write(tmp.resolve("keep.safetensors"), vector("v", DType.F32, 1f));
        byte[] before = Files.readAllBytes(f);
        assertThrows(
                IOException.class,
                () -> AtomicFiles.write(f, out -> {
                    AtomicFiles.writeFully(out, ByteBuffer.wrap(new byte[100]));
                    throw new IOException("disk full, say");
                }));
        assertArrayEquals(before, Files.readAllBytes(f));
        StFiles.write(f, vector("v", DType.F32, 2f)); // and a successful rewrite replaces it
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(f), s.toList());
        }
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertArrayEquals(new float[] {2f}, st.readFloats("v"));
        }
    }
}
