package t2j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import t2j.io.DType;
import t2j.model.ModelConfig;
import t2j.model.ModelWeights;
import t2j.model.Transformer;
import t2j.tiny.TinyRecipe;
import t2j.train.Pretrainer;
import t2j.util.ScratchDirs;

/**
 * {@code t2j bench train}: one full-parameter training step (forward, backward, global-norm clip, AdamW) of a model
 * with tiny-llama's shape, beside the same step in PyTorch autograd on the same weights and tokens, in the same run.
 * This is the step {@code t2j pretrain} repeats, so its ratio is what rebuilding a bundled model costs against PyTorch.
 */
public final class TrainBench {
    /**
     * Steps run before timing, on each side. Pretraining runs thousands of steps, so the figure that matters is the
     * steady state: the JIT compiles t2j's element-wise loops during the first steps (one warm-up step left the
     * median about a third below it; five, still 10-15 % below what 40 timed steps reach, the Vector API loops being
     * many times slower until C2 has compiled them; twenty, about 7 % below: measured per ten steps, 9.4k, 10.1k,
     * 10.9k, 11.0k, 10.8k tokens/s for steps 11-60).
     */
    static final int WARMUP = 40;

    private TrainBench() {}

    static double median(List<Double> xs) {
        if (xs.isEmpty()) throw new IllegalArgumentException("no timed steps: --repeats must be at least 1");
        List<Double> s = new ArrayList<>(xs);
        java.util.Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    public static void run(int batch, int seq, int repeats, PrintStream out) throws IOException {
        ModelConfig c = TinyRecipe.config("llama", 261, 256, new int[] {257, 260});
        Path dir = ScratchDirs.create("t2j-bench-train");
        c.save(dir);
        ModelWeights.random(c, 42).save(dir, DType.F32, 1L << 30);
        Transformer model = Transformer.load(dir);
        out.printf(
                "model: tiny-llama's shape, %,d parameters; batch %d x %d tokens; median step of %d after %d warm-up"
                        + " steps, each side%n",
                model.weights().parameterCount(), batch, seq, repeats, WARMUP);
        SplittableRandom r = new SplittableRandom(0);
        List<int[]> data = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            int[] s = new int[seq + 1];
            for (int i = 0; i < s.length; i++) s[i] = r.nextInt(c.vocabSize());
            data.add(s);
        }
        List<Double> rates = new ArrayList<>();
        // Every step sees the same batch (one batch of data), as the reference's steps do.
        Pretrainer p =
                new Pretrainer(model, data, new Pretrainer.Config(WARMUP + repeats, batch, 1e-3, 0.01, 1, 1.0, 1));
        p.run(s -> {
            if (s.step() > WARMUP) rates.add(s.tokensPerSecond());
        });
        double javaTokS = median(rates)
                * seq
                / (seq + 1.0); // Pretrainer counts the first token of each sequence too; the reference does not
        double javaGemm = BlasReport.gemmGflops();

        String[] why = new String[1];
        Map<String, Object> ref = ForwardBench.reference(
                List.of(
                        "train-bench",
                        dir.toString(),
                        "--batch",
                        "" + batch,
                        "--seq",
                        "" + seq,
                        "--configs",
                        ReferenceConfigs.candidates(ForwardBench.CORES, true),
                        "--repeats",
                        "" + repeats,
                        "--warmup",
                        "" + WARMUP),
                why);
        out.println(BlasReport.describe(javaGemm));
        if (ref != null) out.println(BlasReport.describe(ForwardBench.blas(ref)));
        String refused = ref == null ? null : BlasReport.verdict(ForwardBench.blas(ref), javaGemm);
        ReferenceConfigs.Choice torch = ref == null ? null : ReferenceConfigs.best(ref, "train_tok_s", true);
        if (torch != null) out.println(torch.line("PyTorch training tokens/s"));
        out.printf("%-22s %14s %16s %8s%n", "step", "t2j", "PyTorch best", "ratio");
        ForwardBench.row(
                out, "training step", "tokens/s", javaTokS, refused != null ? null : ForwardBench.value(torch), true);
        if (why[0] != null) out.println("PyTorch reference not measured: " + why[0]);
        else if (refused != null)
            out.println("no ratio: " + refused + " (PyTorch measured " + String.format("%.0f", torch.value())
                    + " tokens/s at best)");
        else
            out.println("ratio = t2j tokens/s (its default threads) / PyTorch tokens/s in its best thread configuration"
                    + " (same weights and tokens, same run); target >= 1.5");
    }
}
