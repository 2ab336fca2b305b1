package t2j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static t2j.io.StFiles.assertBad;
import static t2j.io.StFiles.entry;
import static t2j.io.StFiles.ramp;
import static t2j.io.StFiles.vector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.json.Json;

class CheckpointTest {
    @TempDir
    Path dir;

    /** Five tensors of 400 bytes each in F32, 200 in BF16/F16: with a 700-byte limit they fill three shards: [embed, up], [q, norm], [lm_head]. */
    private static List<SafeTensorsWriter.Entry> model() {
        return List.of(
                entry("model.embed_tokens.weight", DType.F32, new long[] {10, 10}, ramp(100, 0.01f)),
                entry("model.layers.0.mlp.up_proj.weight", DType.BF16, new long[] {4, 25}, ramp(100, 0.3f)),
                entry("model.layers.0.self_attn.q_proj.weight", DType.F16, new long[] {100}, ramp(100, 0.05f)),
                entry("model.norm.weight", DType.F32, new long[] {100}, ramp(100, 1f)),
                entry("lm_head.weight", DType.F32, new long[] {10, 10}, ramp(100, -0.02f)));
    }

    /** What a reader must return for an entry: its values narrowed to its dtype and widened back. */
    private static float[] expected(SafeTensorsWriter.Entry e) {
        float[] v = new float[(int) e.numel()];
        for (int i = 0; i < v.length; i++) {
            float x = e.data().get(i);
            v[i] = switch (e.dtype()) {
                case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(x));
                case F16 -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(x));
                default -> x;
            };
        }
        return v;
    }

    private static void assertHolds(Checkpoint c, List<SafeTensorsWriter.Entry> entries) {
        assertEquals(
                entries.stream().map(SafeTensorsWriter.Entry::name).sorted().toList(), List.copyOf(c.names()));
        for (SafeTensorsWriter.Entry e : entries) {
            assertEquals(e.dtype(), c.info(e.name()).dtype());
            assertArrayEquals(e.shape(), c.info(e.name()).shape());
            assertArrayEquals(expected(e), c.readFloats(e.name()), e.name());
        }
    }

    private List<String> filesIn() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void shardedWriteAndReadRoundTrip() throws IOException {
        Checkpoint.writeSharded(dir, model(), 700, Map.of("format", "pt"));
        assertEquals(
                List.of(
                        "model-00001-of-00003.safetensors",
                        "model-00002-of-00003.safetensors",
                        "model-00003-of-00003.safetensors",
                        Checkpoint.INDEX_FILE),
                filesIn());
        Map<String, Object> index = Json.parseObject(Files.readString(dir.resolve(Checkpoint.INDEX_FILE)), "index");
        assertEquals(Map.of("total_size", 400L + 200 + 200 + 400 + 400), index.get("metadata"));
        Map<?, ?> weightMap = (Map<?, ?>) index.get("weight_map");
        assertEquals(
                List.of(
                        "lm_head.weight",
                        "model.embed_tokens.weight",
                        "model.layers.0.mlp.up_proj.weight",
                        "model.layers.0.self_attn.q_proj.weight",
                        "model.norm.weight"),
                new ArrayList<>(weightMap.keySet()));
        assertEquals("model-00002-of-00003.safetensors", weightMap.get("model.layers.0.self_attn.q_proj.weight"));
        assertEquals("model-00003-of-00003.safetensors", weightMap.get("lm_head.weight"));
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertHolds(c, model());
            assertEquals(dir.resolve("model-00002-of-00003.safetensors"), c.fileOf("model.norm.weight"));
            assertEquals(3, c.files().size());
        }
        try (SafeTensorsFile shard = SafeTensorsFile.open(dir.resolve("model-00002-of-00003.safetensors"))) {
            assertEquals(Map.of("format", "pt"), shard.metadata());
        }
    }

    @Test
    void writesOneFileWhenItFits() throws IOException {
        Checkpoint.writeSharded(dir, model(), 1600, Map.of());
        assertEquals(List.of(Checkpoint.SINGLE_FILE), filesIn());
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertHolds(c, model());
        }
    }

    @Test
    void aTensorLargerThanTheLimitGetsAShardOfItsOwn() throws IOException {
        Checkpoint.writeSharded(dir, model(), 100, Map.of());
        assertEquals(6, filesIn().size()); // five shards and the index
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertHolds(c, model());
        }
    }

    @Test
    void rewritingInAnotherLayoutLeavesNoStaleFiles() throws IOException {
        Checkpoint.writeSharded(dir, model(), 100, Map.of());
        Checkpoint.writeSharded(dir, model(), 700, Map.of());
        assertEquals(4, filesIn().size());
        Checkpoint.writeSharded(dir, model(), 1 << 20, Map.of());
        assertEquals(List.of(Checkpoint.SINGLE_FILE), filesIn());
        Checkpoint.writeSharded(dir, model(), 700, Map.of());
        assertFalse(filesIn().contains(Checkpoint.SINGLE_FILE));
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertHolds(c, model());
        }
    }

    @Test
    void opensALoneSafetensorsFileOrAFileGivenDirectly() throws IOException {
        Path f = StFiles.write(dir.resolve("adapter.safetensors"), vector("w", DType.F32, 1f, 2f));
        Files.writeString(dir.resolve("config.json"), "{}");
        for (Path p : List.of(dir, f)) {
            try (Checkpoint c = Checkpoint.open(p)) {
                assertArrayEquals(new float[] {1f, 2f}, c.readFloats("w"));
                assertEquals(f, c.fileOf("w"));
            }
        }
    }

    @Test
    void folderWithoutWeightsOrWithSeveralUnindexedFiles() throws IOException {
        assertBad(() -> Checkpoint.open(dir), dir.toString(), "no *.safetensors file");
        StFiles.write(dir.resolve("a.safetensors"), vector("w", DType.F32, 1f));
        StFiles.write(dir.resolve("b.safetensors"), vector("w", DType.F32, 1f));
        assertBad(
                () -> Checkpoint.open(dir), dir.toString(), "found 2 without an index", "a.safetensors, b.safetensors");
        assertThrows(NoSuchFileException.class, () -> Checkpoint.open(dir.resolve("missing")));
    }

    @Test
    void unknownTensorNamesTheFolderAndNearNames() throws IOException {
        Checkpoint.writeSharded(dir, model(), 700, Map.of());
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertBad(
                    () -> c.info("model.norm.wieght"),
                    dir.toString(),
                    "no tensor 'model.norm.wieght'",
                    "'model.norm.weight'");
            assertBad(() -> c.fileOf("x"), dir.toString(), "no tensor 'x'");
        }
    }

    /** Writes a good three-shard checkpoint, then lets {@code edit} change its index before writing it back. */
    private Path editedIndex(Consumer<Map<String, Object>> edit) throws IOException {
        Checkpoint.writeSharded(dir, model(), 700, Map.of());
        Path index = dir.resolve(Checkpoint.INDEX_FILE);
        Map<String, Object> json = Json.parseObject(Files.readString(index), index.toString());
        edit.accept(json);
        Files.writeString(index, Json.write(json));
        return index;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> weightMap(Map<String, Object> index) {
        return (Map<String, Object>) index.get("weight_map");
    }

    @Test
    void indexNotJson() throws IOException {
        Path index = dir.resolve(Checkpoint.INDEX_FILE);
        Files.writeString(index, "{\"weight_map\": {");
        assertBad(() -> Checkpoint.open(dir), index.toString(), "invalid JSON");
        Files.writeString(index, "[]");
        assertBad(
                () -> Checkpoint.open(dir),
                index.toString(),
                "expected a JSON object at the top level, found an array");
    }

    @Test
    void indexWithoutAWeightMapOrWithNonStringShards() throws IOException {
        Path index = editedIndex(j -> j.remove("weight_map"));
        assertBad(() -> Checkpoint.open(dir), index.toString(), "\"weight_map\" must be an object", "found null");
        editedIndex(j -> weightMap(j).put("model.norm.weight", 2L));
        assertBad(
                () -> Checkpoint.open(dir),
                index.toString(),
                "'model.norm.weight'",
                "must name a shard file, found the integer 2");
        editedIndex(j -> weightMap(j).put("model.norm.weight", "../elsewhere.safetensors"));
        assertBad(() -> Checkpoint.open(dir), index.toString(), "'../elsewhere.safetensors'", "same folder");
    }

    @Test
    void indexNamingAMissingShard() throws IOException {
        Path index = editedIndex(j -> weightMap(j).put("model.norm.weight", "model-00009-of-00009.safetensors"));
        assertBad(
                () -> Checkpoint.open(dir),
                index.toString(),
                "'model.norm.weight'",
                "model-00009-of-00009.safetensors",
                "does not exist");
    }

    @Test
    void indexMappingATensorToAShardThatLacksIt() throws IOException {
        Path index = editedIndex(j -> weightMap(j).put("model.norm.weight", "model-00001-of-00003.safetensors"));
        assertBad(
                () -> Checkpoint.open(dir),
                index.toString(),
                "'model.norm.weight'",
                "model-00001-of-00003.safetensors",
                "does not contain it",
                "it is in",
                "model-00002-of-00003.safetensors");
        editedIndex(j -> weightMap(j).put("model.extra.weight", "model-00001-of-00003.safetensors"));
        assertBad(() -> Checkpoint.open(dir), index.toString(), "'model.extra.weight'", "does not contain it");
    }

    @Test
    void shardHoldingATensorTheIndexDoesNotList() throws IOException {
        Path index = editedIndex(j -> weightMap(j).remove("model.layers.0.self_attn.q_proj.weight"));
        assertBad(
                () -> Checkpoint.open(dir),
                index.toString(),
                "'model.layers.0.self_attn.q_proj.weight'",
                "model-00002-of-00003.safetensors",
                "weight_map does not list");
    }

    @Test
    void sameTensorInTwoShards() throws IOException {
        Path index = editedIndex(j -> {});
        StFiles.write(
                dir.resolve("model-00003-of-00003.safetensors"),
                vector("lm_head.weight", DType.F32, 1f),
                vector("model.norm.weight", DType.F32, 1f));
        CheckpointFormatException e = assertBad(
                () -> Checkpoint.open(dir),
                index.toString(),
                "'model.norm.weight'",
                "two shards",
                "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors");
        assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
    }

    @Test
    void aBadShardIsReportedByItsOwnPath() throws IOException {
        editedIndex(j -> {});
        Path shard = dir.resolve("model-00002-of-00003.safetensors");
        StFiles.bytes(shard, new byte[3]);
        assertBad(() -> Checkpoint.open(dir), shard.toString(), "file is 3 bytes");
    }

    @org.junit.jupiter.api.Test
    void readRangeReturnsAnySliceOfATensorInEveryDtype() throws Exception {
        for (DType dtype : new DType[] {DType.F32, DType.BF16, DType.F16}) {
            java.nio.FloatBuffer data = t2j.tensor.Matrix.allocate(6 * 5);
            for (int i = 0; i < 30; i++) data.put(i, i * 0.5f - 3f);
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("range");
            Checkpoint.writeSharded(
                    dir,
                    java.util.List.of(new SafeTensorsWriter.Entry("w", dtype, new long[] {6, 5}, data)),
                    1L << 30,
                    java.util.Map.of());
            try (Checkpoint c = Checkpoint.open(dir)) {
                float[] all = c.readFloats("w");
                java.nio.FloatBuffer part = java.nio.FloatBuffer.allocate(10);
                c.readRange("w", 10, 10, part);
                for (int i = 0; i < 10; i++)
                    org.junit.jupiter.api.Assertions.assertEquals(
                            all[10 + i], part.get(i), dtype + " value " + (10 + i));
                IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalArgumentException.class,
                        () -> c.readRange("w", 25, 10, java.nio.FloatBuffer.allocate(10)));
                org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("[25, 35)"), e.getMessage());
            }
        }
    }
}
