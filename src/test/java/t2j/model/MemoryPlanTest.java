package t2j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.svf.Targets;
import t2j.util.DirectMemory;

class MemoryPlanTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path tmp;

    /** Llama-3.2-1B's shapes: hidden 2048, MLP 8192, 16 layers, 32/8 heads of 64, vocabulary 128256, tied. */
    static ModelConfig llama32OneB() {
        return new ModelConfig(
                "llama",
                2048,
                8192,
                32,
                8,
                64,
                16,
                128256,
                1e-5,
                500000.0,
                new ModelConfig.RopeScaling(32.0, 1.0, 4.0, 8192),
                0,
                true,
                131072,
                new int[] {128000},
                new int[] {128001});
    }

    @Test
    void parameterCountMatchesTheWeightsItPlansFor() {
        for (ModelConfig c : List.of(TinyModels.llama(), TinyModels.mistral()))
            assertEquals(ModelWeights.random(c, 1).parameterCount(), MemoryPlan.parameterCount(c), c.modelType());
        assertEquals(1_235_814_400L, MemoryPlan.parameterCount(llama32OneB()), "Llama-3.2-1B has 1.24 B parameters");
    }

    @Test
    void kvCachePlanIsWhatTheCacheAllocates() {
        ModelConfig c = TinyModels.llama();
        KVCache cache = new KVCache(c, 3, 17);
        long allocated = 0;
        for (int l = 0; l < c.numHiddenLayers(); l++)
            allocated += 4L * (cache.keys[l].capacity() + cache.values[l].capacity());
        assertEquals(allocated, MemoryPlan.kvCache(c, 3, 17).directBytes());
    }

    @Test
    void deadBuffersDoNotMakeAStepThatFitsFail() {
        DirectMemory.collect();
        long free = MemoryPlan.Budget.current().directFree();
        long step = 128L << 20;
        assertTrue(free > 2 * step, "this test needs 256 MiB of free direct memory, the JVM has " + free);
        // Buffers filling all but 64 MiB of what the JVM may allocate, held while the plan is measured against them
        // (a collection while they were being allocated would otherwise free them early), then dropped: garbage.
        List<java.nio.ByteBuffer> held = new ArrayList<>();
        long garbage = 0;
        while (free - garbage > (64L << 20)) {
            int chunk = (int) Math.min(64L << 20, free - garbage - (64L << 20));
            if (chunk <= 0) break;
            held.add(java.nio.ByteBuffer.allocateDirect(chunk));
            garbage += chunk;
        }
        MemoryPlan plan = MemoryPlan.step("a step").direct("activations", step, "--batch");
        assertFalse(plan.fits(MemoryPlan.Budget.current()), "the held buffers count as in use");
        held.clear();
        plan.check(); // the dropped buffers still count until collected: check collects, then fits
        assertTrue(plan.fits(MemoryPlan.Budget.current()));
    }

    @Test
    void tooLittleDirectMemoryNamesTheFigureAndTheFlag() {
        MemoryPlan plan = MemoryPlan.load(llama32OneB(), "models/llama-3.2-1b", false);
        MemoryPlan.Budget small = new MemoryPlan.Budget(2 * GIB, GIB / 2, 64 * GIB, "MemAvailable in /proc/meminfo");
        MemoryPlanException e = assertThrows(MemoryPlanException.class, () -> plan.check(small));
        String m = e.getMessage();
        assertTrue(m.contains("loading models/llama-3.2-1b needs 4.6 GiB of direct memory"), m);
        assertTrue(m.contains("only 1.5 GiB more (-XX:MaxDirectMemorySize=2.0 GiB, 512 MiB in use)"), m);
        assertTrue(m.contains("MaxDirectMemorySize=6g"), "suggests a limit that fits: " + m);
        assertTrue(m.contains("--dtype bf16"), "names the flag that halves it: " + m);
        MemoryPlan half = MemoryPlan.load(llama32OneB(), "models/llama-3.2-1b", true);
        assertEquals(2 * MemoryPlan.parameterCount(llama32OneB()) + 2 * (2 * 16 + 1) * 2048, half.directBytes());
    }

    @Test
    void tooLittleMachineMemoryNamesTheLargestItemsLever() {
        ModelWeights w = ModelWeights.random(TinyModels.llama(), 1);
        List<int[]> shapes = new ArrayList<>();
        for (String n : Targets.ALL_LINEAR.select(w))
            shapes.add(new int[] {w.matrix(n).rows(), w.matrix(n).cols()});
        MemoryPlan plan = MemoryPlan.decomposition(shapes, 2);
        MemoryPlan.Budget budget =
                new MemoryPlan.Budget(64 * GIB, 0, plan.totalBytes() - 1, "MemAvailable in /proc/meminfo");
        MemoryPlanException e = assertThrows(MemoryPlanException.class, () -> plan.check(budget));
        assertTrue(
                e.getMessage().contains("this machine has only")
                        && e.getMessage().contains("--targets"),
                e.getMessage());
        plan.check(new MemoryPlan.Budget(64 * GIB, 0, plan.totalBytes(), "exactly enough"));
    }

    @Test
    void trainingStepPlanGrowsWithTheBatchAndNamesIt() {
        ModelConfig c = llama32OneB();
        MemoryPlan one = MemoryPlan.backprop(c, 1, 300, 200), four = MemoryPlan.backprop(c, 4, 300, 800);
        assertTrue(four.directBytes() > 3.9 * one.directBytes(), "activations scale with the batch");
        MemoryPlan.Budget budget = new MemoryPlan.Budget(one.directBytes() + 1, 0, 64 * GIB, "-");
        one.check(budget);
        MemoryPlanException e = assertThrows(MemoryPlanException.class, () -> four.check(budget));
        assertTrue(
                e.getMessage().contains("4 rows of 300 tokens")
                        && e.getMessage().contains("--batch"),
                e.getMessage());
    }

    /**
     * A bf16 checkpoint of this config whose data section is a hole in a sparse file: the header is real, so it opens,
     * and it takes no disk space. Loading it would read zeros; the plan must stop before that.
     */
    static Path sparseCheckpoint(Path dir, ModelConfig c) throws IOException {
        c.save(dir);
        long d = c.hiddenSize(), ff = c.intermediateSize();
        java.util.Map<String, long[]> shapes = new java.util.LinkedHashMap<>();
        shapes.put("model.embed_tokens.weight", new long[] {c.vocabSize(), d});
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String p = "model.layers." + l + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {d});
            shapes.put(p + "self_attn.q_proj.weight", new long[] {c.qDim(), d});
            shapes.put(p + "self_attn.k_proj.weight", new long[] {c.kvDim(), d});
            shapes.put(p + "self_attn.v_proj.weight", new long[] {c.kvDim(), d});
            shapes.put(p + "self_attn.o_proj.weight", new long[] {d, c.qDim()});
            shapes.put(p + "post_attention_layernorm.weight", new long[] {d});
            shapes.put(p + "mlp.gate_proj.weight", new long[] {ff, d});
            shapes.put(p + "mlp.up_proj.weight", new long[] {ff, d});
            shapes.put(p + "mlp.down_proj.weight", new long[] {d, ff});
        }
        shapes.put("model.norm.weight", new long[] {d});
        if (!c.tieWordEmbeddings()) shapes.put("lm_head.weight", new long[] {c.vocabSize(), d});
        StringBuilder json = new StringBuilder("{");
        long at = 0;
        for (var e : shapes.entrySet()) {
            long n = 1;
            for (long x : e.getValue()) n *= x;
            json.append(json.length() > 1 ? "," : "")
                    .append('"')
                    .append(e.getKey())
                    .append("\":{\"dtype\":\"BF16\",\"shape\":")
                    .append(java.util.Arrays.toString(e.getValue()).replace(" ", ""))
                    .append(",\"data_offsets\":[")
                    .append(at)
                    .append(',')
                    .append(at + 2 * n)
                    .append("]}");
            at += 2 * n;
        }
        byte[] header = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("model.safetensors");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.write(java.nio.ByteBuffer.allocate(8)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putLong(header.length)
                    .array());
            f.write(header);
            f.setLength(8 + header.length + at);
        }
        return dir;
    }

    @Test
    void theCliStopsBeforeLoadingWithTheMessageNotAnOutOfMemoryError() throws Exception {
        Path dir = sparseCheckpoint(tmp.resolve("llama-3.2-1b-shape"), llama32OneB());
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = List.of(
                java.toString(),
                "-Xmx256m",
                "-XX:MaxDirectMemorySize=512m",
                "-cp",
                cp,
                "t2j.cli.Main",
                "logits",
                "--model",
                dir.toString(),
                "--ids",
                "1,2",
                "--out",
                tmp.resolve("out.json").toString());
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("log").toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the command finished");
        String log = Files.readString(tmp.resolve("log"), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), log);
        assertTrue(
                log.contains("needs 2.3 GiB of direct memory (weights, 1,235,814,400 parameters in bf16 2.3 GiB)")
                        && log.contains("-XX:MaxDirectMemorySize=512 MiB"),
                log);
        assertFalse(log.contains("OutOfMemoryError"), log);
        assertTrue(cp.contains(File.pathSeparator) || cp.endsWith(".jar"), "a usable class path: " + cp);
    }
}
