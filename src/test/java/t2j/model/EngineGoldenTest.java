package t2j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import t2j.tensor.Parallel;
import t2j.train.Pretrainer;

/**
 * The engine's numbers on the bundled models, bit for bit.
 *
 * <p>Inference (whole-sequence logits across tiny-mistral's sliding window, a left-padded batch prefill, batched
 * decode steps, continuation log-probabilities) against digests recorded by {@link #main}: first before the engine
 * was split over threads (commit c681c8c), again when SiLU and softmax moved to {@code t2j.tensor.Exp} (the split
 * had changed no bit; the new exp moves the last bits of every activation). The digests hold for any OpenBLAS thread count but only for the CPU model they
 * were recorded on, since OpenBLAS picks its kernels by CPU: elsewhere that check is reported as skipped, and the
 * second one still holds.
 *
 * <p>Inference and two pretraining steps (forward, backward, clip, AdamW) split over threads against the same run on
 * one thread: every split keeps each sum in its order, so the bits must agree on any machine.
 */
class EngineGoldenTest {
    static final String GOLDEN = "/t2j/model/engine-golden.txt";
    static final String CPU_LINE = "# cpu: ";

    @Test
    void inferenceComputesTheBitsRecordedBeforeTheSplit() throws IOException {
        Map<String, String> want = new LinkedHashMap<>();
        String recordedOn = null;
        try (InputStream in = EngineGoldenTest.class.getResourceAsStream(GOLDEN)) {
            if (in == null) throw new IllegalStateException("missing test resource " + GOLDEN);
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith(CPU_LINE)) recordedOn = line.substring(CPU_LINE.length());
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] kv = line.split(" ");
                want.put(kv[0], kv[1]);
            }
        }
        assumeTrue(cpu().equals(recordedOn), "digests recorded on " + recordedOn + ", this CPU is " + cpu());
        Map<String, String> got = inferenceDigests();
        assertEquals(want.keySet(), got.keySet(), "cases in " + GOLDEN);
        List<String> moved = new ArrayList<>();
        for (String k : want.keySet()) if (!want.get(k).equals(got.get(k))) moved.add(k);
        assertTrue(moved.isEmpty(), "digests differ from " + GOLDEN + " for " + moved);
    }

    @Test
    void splittingOverThreadsChangesNoBit() {
        int most = Parallel.maxThreads();
        Map<String, String> one = Parallel.withThreads(1, EngineGoldenTest::allDigests);
        Map<String, String> split = Parallel.withThreads(most, EngineGoldenTest::allDigests);
        assertEquals(one, split, "1 thread vs " + most);
    }

    /** Records the inference digests into the file given (the test resource above). */
    public static void main(String[] args) throws IOException {
        StringBuilder sb = new StringBuilder("# case sha256-of-float-bits (see EngineGoldenTest)\n");
        sb.append(CPU_LINE).append(cpu()).append('\n');
        inferenceDigests().forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
        Files.writeString(Path.of(args[0]), sb.toString());
        System.out.print(sb);
    }

    static String cpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (line.startsWith("model name"))
                    return line.substring(line.indexOf(':') + 1).strip();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

    static Path models() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isDirectory(p.resolve("models/tiny-llama"))) return p.resolve("models");
        throw new IllegalStateException(
                "no models/tiny-llama above " + Path.of("").toAbsolutePath());
    }

    static Map<String, String> allDigests() {
        return digests(true);
    }

    static Map<String, String> inferenceDigests() {
        return digests(false);
    }

    static Map<String, String> digests(boolean training) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : new String[] {"tiny-llama", "tiny-mistral"}) {
            Transformer m = Transformer.load(models().resolve(name));
            int v = m.config().vocabSize();
            int[] ids = ids(150, v, 1);
            out.put(name + ".logits", digest(m.logits(ids)));

            int[][] rows = {ids(150, v, 2), ids(40, v, 3), ids(7, v, 4)};
            KVCache cache = m.newCache(rows.length, 150 + 3);
            List<float[]> seen = new ArrayList<>(List.of(m.prefill(cache, rows)));
            for (int s = 0; s < 3; s++) seen.addAll(List.of(m.step(cache, ids(rows.length, v, 10 + s))));
            out.put(name + ".prefill-and-decode", digest(seen.toArray(new float[0][])));

            int[][] prompts = {ids(30, v, 5), ids(3, v, 6)};
            int[][] continuations = {ids(9, v, 7), ids(20, v, 8)};
            out.put(name + ".continuation-log-probs", digest(m.continuationLogProbs(prompts, continuations)));

            if (!training) continue;
            List<int[]> seqs = new ArrayList<>();
            for (int i = 0; i < 6; i++) seqs.add(ids(20 + 9 * i, v, 20 + i));
            new Pretrainer(m, seqs, new Pretrainer.Config(2, 4, 3e-3, 0.01, 1, 1.0, 1)).run(s -> {});
            List<float[]> weights = new ArrayList<>();
            for (String w : m.weights().names())
                weights.add(m.weights().matrix(w).toArray());
            out.put(name + ".two-pretraining-steps", digest(weights.toArray(new float[0][])));
        }
        return out;
    }

    private static int[] ids(int n, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = r.nextInt(vocab);
        return a;
    }

    static String digest(float[][] rows) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (float[] row : rows) {
                byte[] b = new byte[row.length * 4];
                for (int i = 0; i < row.length; i++) {
                    int bits = Float.floatToRawIntBits(row[i]);
                    b[4 * i] = (byte) bits;
                    b[4 * i + 1] = (byte) (bits >>> 8);
                    b[4 * i + 2] = (byte) (bits >>> 16);
                    b[4 * i + 3] = (byte) (bits >>> 24);
                }
                md.update(b);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
