package t2j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Set;
import t2j.bench.ForwardBench;

/** {@code t2j bench NAME}: benchmarks that print figures beside a reference measured in the same run. */
final class BenchCommand {
    static final String HELP = String.join(
            "\n",
            "usage: t2j bench forward [--prefill N] [--decode N] [--repeats N]",
            "       t2j bench svf [--batch N] [--prompt N] [--new-tokens N] [--repeats N]",
            "       t2j bench train [--batch N] [--seq N] [--repeats N]",
            "       t2j bench scale --shape llama-3.2-1b|llama-3-8b [--layers N] [--prefill N] [--decode N] [--repeats N] [--no-torch]",
            "",
            "  forward   prefill and decode tokens/s of a ~4M-parameter Llama-shaped model, beside the",
            "            PyTorch CPU reference (/usr/bin/python3 with python3-torch) on the same weights",
            "  svf       SVD of all MLP matrices (vs numpy gesdd) and one SVF REINFORCE iteration: compose,",
            "            greedy rollouts, z-gradient (vs the same step in PyTorch autograd)",
            "  train     one full-parameter training step (forward, backward, clip, AdamW) of tiny-llama's shape,",
            "            batch 16 x 128 by default (vs the same step in PyTorch autograd)",
            "  scale     a random bf16 checkpoint of a real shape (cached in $T2J_CACHE/scale or ~/.cache/t2j/scale):",
            "            load time, RSS, prefill and decode tokens/s with float32 and bf16 weights, SVD of every MLP",
            "            matrix (full rank, timed, with its worst reconstruction error); on layer 0's MLP one SVF",
            "            iteration, an expert switch and a few-shot CEM evaluation with the heap's peak (extrapolated to",
            "            all layers); beside PyTorch CPU float32 (and numpy's and torch's SVD) where memory allows;",
            "            --layers N cuts the model to N layers and extrapolates (default: all for 1B, 2 for 8B)",
            "",
            "  --prefill N      (forward) prompt tokens, default 128",
            "  --decode N       (forward) generated tokens, default 64",
            "  --batch N        (svf) rollouts, default 8; (train) sequences, default 16",
            "  --prompt N       (svf) prompt tokens per rollout, default 32",
            "  --new-tokens N   (svf) generated tokens per rollout, default 32",
            "  --seq N          (train) tokens per sequence, default 128",
            "  --repeats N      timed repeats: default 5 (forward, best of), 3 (svf, best of), t2j's timed both",
            "                   before and after the reference's run; 10 (train: the median after 40 warm-up steps, each side)",
            "",
            "Each bench prints both sides' BLAS (library, kernel, threads, environment, measured sgemm) and prints no ratio",
            "when the reference runs on the reference BLAS or its sgemm is under half of t2j's: Debian's torch uses whatever",
            "libblas.so.3 points to (apt-get install libopenblas0-pthread for an optimized one).",
            "The reference is timed in several thread configurations in the same run: torch and BLAS threads = cores,",
            "torch threads = cores with a single-threaded BLAS (these two interleaved), and (except scale) both on one",
            "thread. Each figure is compared with its best one; a line per figure lists them all (torch/BLAS threads).",
            "t2j runs in its default configuration.",
            "");

    private BenchCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("--help")) {
            out.print(HELP);
            return argv.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        try {
            switch (argv[0]) {
                case "forward": {
                    Args a = new Args("bench forward", rest, Set.of("--prefill", "--decode", "--repeats"), Set.of());
                    ForwardBench.run(
                            a.integer("--prefill", 128), a.integer("--decode", 64), a.integer("--repeats", 5), out);
                    return 0;
                }
                case "svf": {
                    Args a = new Args(
                            "bench svf", rest, Set.of("--batch", "--prompt", "--new-tokens", "--repeats"), Set.of());
                    t2j.bench.SvfBench.run(
                            a.integer("--batch", 8),
                            a.integer("--prompt", 32),
                            a.integer("--new-tokens", 32),
                            a.integer("--repeats", 3),
                            out);
                    return 0;
                }
                case "train": {
                    Args a = new Args("bench train", rest, Set.of("--batch", "--seq", "--repeats"), Set.of());
                    t2j.bench.TrainBench.run(
                            a.integer("--batch", 16), a.integer("--seq", 128), a.integer("--repeats", 10), out);
                    return 0;
                }
                case "scale": {
                    Args a = new Args(
                            "bench scale",
                            rest,
                            Set.of("--shape", "--layers", "--prefill", "--decode", "--repeats"),
                            Set.of("--no-torch"));
                    String shape = a.required("--shape");
                    t2j.bench.ScaleBench.run(
                            shape,
                            a.integer("--layers", shape.equals("llama-3-8b") ? 2 : 0),
                            a.integer("--prefill", 64),
                            a.integer("--decode", 16),
                            a.integer("--repeats", 2),
                            !a.has("--no-torch"),
                            out);
                    return 0;
                }
                default:
                    err.println("t2j bench: unknown benchmark '" + argv[0] + "'");
                    err.print(HELP);
                    return 2;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
