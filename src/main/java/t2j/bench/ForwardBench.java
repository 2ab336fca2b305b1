package t2j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import t2j.generate.Sampler;
import t2j.io.DType;
import t2j.json.Json;
import t2j.model.KVCache;
import t2j.model.ModelConfig;
import t2j.model.ModelWeights;
import t2j.model.Transformer;
import t2j.util.ScratchDirs;

/**
 * {@code t2j bench forward}: prefill and decode throughput of the Java decoder beside the PyTorch reference on the same
 * safetensors, measured in the same run, the reference in its best thread configuration per phase
 * ({@link ReferenceConfigs}).
 */
public final class ForwardBench {
    /** A Llama-3-shaped model of about 4 M parameters: the size of the bundled tiny models. */
    public static ModelConfig benchConfig() {
        return new ModelConfig(
                "llama", 256, 768, 8, 4, 32, 4, 2048, 1e-5, 500000.0, null, 0, false, 4096, new int[] {1}, new int[] {2
                });
    }

    private ForwardBench() {}

    /** Writes the benchmark model (seeded random weights, f32 safetensors) to a new temporary folder. */
    static Path writeBenchModel() throws IOException {
        Path dir = ScratchDirs.create("t2j-bench");
        benchConfig().save(dir);
        ModelWeights.random(benchConfig(), 42, 0.05).save(dir, DType.F32, 1L << 30);
        return dir;
    }

    /** The last line of a reference run as JSON, or null with the reason put in {@code why[0]}. */
    static Map<String, Object> reference(List<String> args, String[] why) throws IOException {
        why[0] = PythonReference.unavailableReason();
        if (why[0] != null) return null;
        PythonReference.Result res = PythonReference.reference(args, 1800);
        if (res.exit() != 0) {
            why[0] = "reference failed: " + res.output().strip();
            return null;
        }
        String last = res.output().strip().lines().reduce((a, b) -> b).orElse("{}");
        return Json.parseObject(last, "hf_reference.py output");
    }

    /** The reference's BLAS report from a bench result. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> blas(Map<String, Object> result) {
        return (Map<String, Object>) result.get("blas");
    }

    static void row(PrintStream out, String phase, String unit, double java, Double torch, boolean higherIsBetter) {
        if (torch == null) out.printf("%-22s %14.4g %16s %8s  %s%n", phase, java, "-", "-", unit);
        else
            out.printf(
                    "%-22s %14.4g %16.4g %8.2f  %s%n",
                    phase, java, torch, higherIsBetter ? java / torch : torch / java, unit);
    }

    public static void run(int prefill, int decode, int repeats, PrintStream out) throws IOException {
        ModelConfig c = benchConfig();
        Path dir = writeBenchModel();
        Transformer model = Transformer.load(dir);
        ModelWeights weights = model.weights();
        out.printf(
                "model: llama, %,d parameters (d=%d, ff=%d, %d layers, %d/%d heads, vocab %d); prefill %d tokens, decode %d tokens; t2j best of %d rounds before PyTorch's run and %d after it, after %d warm-up rounds (PyTorch: best of %d rounds per configuration, interleaved, after 1, its code compiled ahead of time)%n",
                weights.parameterCount(),
                c.hiddenSize(),
                c.intermediateSize(),
                c.numHiddenLayers(),
                c.numAttentionHeads(),
                c.numKeyValueHeads(),
                c.vocabSize(),
                prefill,
                decode,
                repeats,
                repeats,
                WARM_UP_ROUNDS,
                repeats);

        int[] ids = new int[prefill];
        SplittableRandom r = new SplittableRandom(0);
        for (int i = 0; i < prefill; i++) ids[i] = r.nextInt(c.vocabSize());
        // t2j's rounds are timed on both sides of PyTorch's run. This 2-vCPU VM has slow episodes that last seconds (a
        // process timing prefill second by second read ~18k tokens/s, then ~13.8k for 2-4 s, then ~18k again, its two
        // threads on the same cores throughout). PyTorch's rounds, interleaved across its configurations, span its
        // whole run of 2-4 s; t2j's take 0.2 s, and one slow episode could hold them all.
        double[] before = prefillAndDecode(model, ids, decode, WARM_UP_ROUNDS, repeats);
        String[] why = new String[1];
        Map<String, Object> j =
                referencePrefillAndDecode(dir, prefill, decode, repeats, ReferenceConfigs.candidates(CORES, true), why);
        double[] after = prefillAndDecode(model, ids, decode, 1, repeats);
        double javaPrefill = prefill / Math.min(before[0], after[0]),
                javaDecode = decode / Math.min(before[1], after[1]);
        double gemm = BlasReport.gemmGflops();
        out.println(BlasReport.describe(gemm));
        if (j != null) out.println(BlasReport.describe(blas(j)));
        String refused = j == null ? null : BlasReport.verdict(blas(j), gemm);
        ReferenceConfigs.Choice torchPrefill = j == null ? null : ReferenceConfigs.best(j, "prefill_tok_s", true);
        ReferenceConfigs.Choice torchDecode = j == null ? null : ReferenceConfigs.best(j, "decode_tok_s", true);
        if (j != null) {
            out.println(torchPrefill.line("PyTorch prefill tokens/s"));
            out.println(torchDecode.line("PyTorch decode tokens/s"));
        }
        out.printf("%-22s %14s %16s %8s%n", "phase", "t2j", "PyTorch best", "ratio");
        row(out, "prefill", "tokens/s", javaPrefill, refused == null ? value(torchPrefill) : null, true);
        row(out, "decode", "tokens/s", javaDecode, refused == null ? value(torchDecode) : null, true);
        if (why[0] != null) out.println("PyTorch reference not measured: " + why[0]);
        else if (refused != null)
            out.printf(
                    "no ratio: %s (PyTorch measured prefill %.0f, decode %.0f tokens/s at best)%n",
                    refused, torchPrefill.value(), torchDecode.value());
        else
            out.println("ratio = t2j speed / PyTorch speed in its best thread configuration for that phase (same"
                    + " weights, same run); target >= 1.5");
    }

    /** Cores of this machine: the thread count both sides use by default. */
    static final int CORES = Runtime.getRuntime().availableProcessors();

    /** The best value of a choice, or null where the reference was not measured. */
    static Double value(ReferenceConfigs.Choice c) {
        return c == null ? null : c.value();
    }

    /**
     * Rounds run untimed before {@code t2j bench forward}'s repeats. The SIMD loops (t2j.tensor.Elementwise,
     * Attention) run many times slower until C2 has compiled them, which takes more calls than one round makes: with one
     * warm-up round the timed rounds measured half the steady speed, or less while compiler threads took the cores;
     * with ten, prefill still climbed for another twenty to thirty rounds (per-round tokens/s, measured: 10.4-11.1k in
     * rounds 10-19, 11.3-12.2k from round 40, with single rounds down to 8k while the compiler ran).
     */
    static final int WARM_UP_ROUNDS = 40;

    /**
     * Best-of-repeats seconds for a prefill of {@code ids} and a greedy decode of {@code decode} tokens, after {@code
     * warmUps} untimed rounds; {@code t2j bench forward} and {@code t2j bench scale} time the same loop.
     */
    static double[] prefillAndDecode(Transformer model, int[] ids, int decode, int warmUps, int repeats) {
        double prefill = Double.MAX_VALUE, dec = Double.MAX_VALUE;
        KVCache cache = model.newCache(1, ids.length + decode + 1);
        for (int rep = 1 - warmUps; rep <= repeats; rep++) {
            cache.clear();
            long t0 = System.nanoTime();
            float[][] logits = model.prefill(cache, new int[][] {ids});
            long t1 = System.nanoTime();
            int tok = Sampler.argmax(logits[0]);
            for (int s = 0; s < decode; s++) tok = Sampler.argmax(model.step(cache, new int[] {tok})[0]);
            long t2 = System.nanoTime();
            if (rep > 0) {
                prefill = Math.min(prefill, (t1 - t0) / 1e9);
                dec = Math.min(dec, (t2 - t1) / 1e9);
            }
        }
        return new double[] {prefill, dec};
    }

    /**
     * The same prefill and decode in the PyTorch reference on the checkpoint in {@code dir}, timed in each thread
     * configuration of {@code configs} (see {@link ReferenceConfigs#candidates}); null and why if not.
     */
    static Map<String, Object> referencePrefillAndDecode(
            Path dir, int prefill, int decode, int repeats, String configs, String[] why) throws IOException {
        return reference(
                List.of(
                        "bench",
                        dir.toString(),
                        "--prefill",
                        "" + prefill,
                        "--decode",
                        "" + decode,
                        "--configs",
                        configs,
                        "--repeats",
                        "" + repeats),
                why);
    }
}
