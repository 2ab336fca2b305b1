package t2j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import t2j.io.AtomicFiles;
import t2j.json.Json;
import t2j.model.ModelConfig;
import t2j.tensor.Bf16;

/**
 * A bf16 checkpoint of a real model's shapes with seeded random weights (uniform with HF's std of 0.02, unit norms),
 * streamed to disk tensor by tensor: a Llama-3-8B-shaped file is written without its weights ever being in memory.
 * The folder is reused when its {@code config.json} matches, so a benchmark pays for it once.
 */
public final class RandomCheckpoint {
    private RandomCheckpoint() {}

    /** HF names and shapes of a Llama/Mistral checkpoint of {@code c}, in the order HF writes them. */
    static Map<String, long[]> shapes(ModelConfig c) {
        long d = c.hiddenSize(), ff = c.intermediateSize();
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("model.embed_tokens.weight", new long[] {c.vocabSize(), d});
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String p = "model.layers." + l + ".";
            s.put(p + "input_layernorm.weight", new long[] {d});
            s.put(p + "self_attn.q_proj.weight", new long[] {c.qDim(), d});
            s.put(p + "self_attn.k_proj.weight", new long[] {c.kvDim(), d});
            s.put(p + "self_attn.v_proj.weight", new long[] {c.kvDim(), d});
            s.put(p + "self_attn.o_proj.weight", new long[] {d, c.qDim()});
            s.put(p + "post_attention_layernorm.weight", new long[] {d});
            s.put(p + "mlp.gate_proj.weight", new long[] {ff, d});
            s.put(p + "mlp.up_proj.weight", new long[] {ff, d});
            s.put(p + "mlp.down_proj.weight", new long[] {d, ff});
        }
        s.put("model.norm.weight", new long[] {d});
        if (!c.tieWordEmbeddings()) s.put("lm_head.weight", new long[] {c.vocabSize(), d});
        return s;
    }

    private static boolean sameShapes(ModelConfig a, ModelConfig b) {
        return a.hiddenSize() == b.hiddenSize()
                && a.intermediateSize() == b.intermediateSize()
                && a.numAttentionHeads() == b.numAttentionHeads()
                && a.numKeyValueHeads() == b.numKeyValueHeads()
                && a.headDim() == b.headDim()
                && a.numHiddenLayers() == b.numHiddenLayers()
                && a.vocabSize() == b.vocabSize()
                && a.tieWordEmbeddings() == b.tieWordEmbeddings();
    }

    /** Writes this config's random checkpoint into {@code dir} unless it is already there; returns whether it wrote. */
    public static boolean ensure(Path dir, ModelConfig c, long seed) throws IOException {
        Path file = dir.resolve("model.safetensors");
        if (Files.isRegularFile(file)
                && Files.isRegularFile(dir.resolve("config.json"))
                && sameShapes(ModelConfig.load(dir), c)) return false;
        Files.createDirectories(dir);
        Map<String, long[]> shapes = shapes(c);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt", "t2j.random_seed", Long.toString(seed)));
        long off = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = 1;
            List<Long> shape = new ArrayList<>();
            for (long x : e.getValue()) {
                n *= x;
                shape.add(x);
            }
            header.put(e.getKey(), Map.of("dtype", "BF16", "shape", shape, "data_offsets", List.of(off, off + 2 * n)));
            off += 2 * n;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        byte[] padded = java.util.Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        java.util.Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        AtomicFiles.write(file, out -> {
            AtomicFiles.writeFully(
                    out, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded.length));
            AtomicFiles.writeFully(out, ByteBuffer.wrap(padded));
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
            SplittableRandom rnd = new SplittableRandom(seed);
            short one = Bf16.round(1f);
            double halfWidth = 0.02 * Math.sqrt(3); // uniform(-a, a) has std a/√3
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                boolean norm = e.getValue().length == 1;
                long n = 1;
                for (long x : e.getValue()) n *= x;
                for (long done = 0; done < n; ) {
                    chunk.clear();
                    int k = (int) Math.min(chunk.capacity() / 2, n - done);
                    for (int i = 0; i < k; i++)
                        chunk.putShort(norm ? one : Bf16.round((float) ((rnd.nextDouble() * 2 - 1) * halfWidth)));
                    chunk.flip();
                    AtomicFiles.writeFully(out, chunk);
                    done += k;
                }
            }
        });
        c.save(dir);
        return true;
    }
}
