package t2j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import t2j.generate.GenerationConfig;
import t2j.generate.Generator;
import t2j.model.Backprop;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Parametrization;
import t2j.svf.SvfAdapter;
import t2j.svf.Targets;
import t2j.util.Progress;

/**
 * {@code t2j bench svf}: the two costs of SVF, each beside a reference measured in the same run on the same
 * weights — SVD of all MLP matrices (against numpy's LAPACK gesdd) and one REINFORCE iteration: compose W′, greedy
 * rollouts with a KV cache, log-probabilities and the z-gradient (against the same step in PyTorch autograd).
 */
public final class SvfBench {
    /**
     * Untimed SVF iterations before the timed ones (the reference, with no JIT to warm, gets one). Measured per
     * iteration: 1980, 480, 403, 306, 454, 241, 288 ms, then 175-235 ms from the eighth on; with five, the best of
     * three timed ones still caught the tail of the compilation.
     */
    static final int WARMUP = 10;

    private SvfBench() {}

    public static void run(int batch, int promptLen, int newTokens, int repeats, PrintStream out) throws IOException {
        Path dir = ForwardBench.writeBenchModel();
        Transformer model = Transformer.load(dir);
        out.printf(
                "model: %,d parameters (bench forward's); SVF on MLP; iteration = compose + %d rollouts of %d+%d tokens + gradient; t2j best of 3 x %d iterations (before, between and after the reference's SVD and SVF runs) after %d warm-up iterations; reference best of %d per configuration%n",
                model.weights().parameterCount(), batch, promptLen, newTokens, repeats, WARMUP, repeats);

        double svd = Double.MAX_VALUE;
        Decomposition dec = null;
        for (int r = 0; r <= repeats; r++) {
            long t0 = System.nanoTime();
            dec = Decomposition.compute(model.weights(), Targets.MLP, Progress.NONE);
            if (r > 0) svd = Math.min(svd, (System.nanoTime() - t0) / 1e9);
        }

        SvfAdapter svf = new SvfAdapter(model, dec, Parametrization.SIGMOID_MASK, 0);
        // Switching experts per request costs one composition of every adapted matrix.
        double compose = Double.MAX_VALUE;
        for (int r = 0; r <= repeats * 3; r++) {
            long t0 = System.nanoTime();
            svf.apply();
            if (r > 0) compose = Math.min(compose, (System.nanoTime() - t0) / 1e9);
        }
        int[][] prompts = randomPrompts(batch, promptLen, model.config().vocabSize(), 0);
        float[] weights = new float[batch];
        for (int b = 0; b < batch; b++) weights[b] = (b % 2 == 0 ? 1f : -1f) / batch;
        // A trainer runs hundreds of iterations: time the steady state, after C2 has compiled the SIMD loops. The
        // reference times `repeats` iterations in each of its three configurations, spread over its run; t2j times as
        // many, in three windows around the reference's two runs, so neither side's samples sit in one slow episode
        // of the machine (see ForwardBench.run).
        double iteration = bestIteration(model, svf, prompts, newTokens, weights, WARMUP, repeats);

        String[] why = new String[1];
        String configs = ReferenceConfigs.candidates(ForwardBench.CORES, true);
        Map<String, Object> svdRef = ForwardBench.reference(
                List.of("svd-bench", dir.toString(), "--repeats", "" + repeats, "--configs", configs), why);
        iteration = Math.min(iteration, bestIteration(model, svf, prompts, newTokens, weights, 1, repeats));
        Map<String, Object> svfRef = why[0] != null
                ? null
                : ForwardBench.reference(
                        List.of(
                                "svf-bench",
                                dir.toString(),
                                "--batch",
                                "" + batch,
                                "--prefill",
                                "" + promptLen,
                                "--decode",
                                "" + newTokens,
                                "--configs",
                                configs,
                                "--repeats",
                                "" + repeats),
                        why);
        iteration = Math.min(iteration, bestIteration(model, svf, prompts, newTokens, weights, 1, repeats));
        double gemm = BlasReport.gemmGflops();
        out.println(BlasReport.describe(gemm));
        if (svfRef != null) out.println(BlasReport.describe(ForwardBench.blas(svfRef)));
        String refused = svfRef == null ? null : BlasReport.verdict(ForwardBench.blas(svfRef), gemm);
        ReferenceConfigs.Choice numpy = svdRef == null ? null : ReferenceConfigs.best(svdRef, "numpy_s", false);
        ReferenceConfigs.Choice torch = svfRef == null ? null : ReferenceConfigs.best(svfRef, "svf_iteration_s", false);
        if (numpy != null) out.println(numpy.line("numpy SVD seconds"));
        if (torch != null) out.println(torch.line("PyTorch SVF iteration seconds"));
        out.printf("%-22s %14s %16s %8s%n", "step", "t2j", "reference best", "ratio");
        // numpy's LAPACK is its own (bundled or system) and is not gated by torch's BLAS.
        ForwardBench.row(out, "SVD of MLP (numpy)", "seconds", svd, ForwardBench.value(numpy), false);
        ForwardBench.row(
                out,
                "SVF iteration (torch)",
                "seconds",
                iteration,
                refused != null ? null : ForwardBench.value(torch),
                false);
        ForwardBench.row(out, "compose W' (switch)", "seconds", compose, null, false);
        if (why[0] != null) out.println("reference not measured: " + why[0]);
        else if (refused != null)
            out.printf("no SVF ratio: %s (PyTorch measured %.3f s at best)%n", refused, torch.value());
        else
            out.println("ratio = reference time / t2j time, the reference in its best thread configuration per step"
                    + " (same weights, same run); targets: SVD >= 1.0, SVF iteration >= 1.5");
    }

    /** The fastest of {@code repeats} timed iterations after {@code warmUps} untimed ones, in seconds. */
    private static double bestIteration(
            Transformer model,
            SvfAdapter svf,
            int[][] prompts,
            int newTokens,
            float[] weights,
            int warmUps,
            int repeats) {
        double best = Double.MAX_VALUE;
        for (int r = 0; r < warmUps + repeats; r++) {
            long t0 = System.nanoTime();
            iteration(model, svf, prompts, newTokens, weights);
            if (r >= warmUps) best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /** Random token prompts, {@code batch} of {@code length} ids below {@code vocab}. */
    static int[][] randomPrompts(int batch, int length, int vocab, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] prompts = new int[batch][length];
        for (int[] p : prompts) for (int i = 0; i < length; i++) p[i] = rnd.nextInt(vocab);
        return prompts;
    }

    /**
     * One SVF REINFORCE iteration as the trainer runs it: compose the adapted weights, greedy rollouts, the
     * z-gradient of the weighted log-likelihood; the weights stay adapted (the caller restores when it wants).
     */
    static void iteration(Transformer model, SvfAdapter svf, int[][] prompts, int newTokens, float[] weights) {
        svf.apply();
        List<Generator.Generation> outs =
                new Generator(model).generate(List.of(prompts), GenerationConfig.greedy(newTokens), null);
        int[][] completions = new int[prompts.length][];
        for (int b = 0; b < prompts.length; b++) completions[b] = outs.get(b).tokens();
        Map<String, float[]> grads = new LinkedHashMap<>();
        svf.parameters().forEach((k, v) -> grads.put(k, new float[v.length]));
        svf.lossAndGradients(new Backprop(model), prompts, completions, Backprop.weightedNll(weights), grads);
    }
}
