package t2j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Targets;

/** {@code t2j decompose}: SVD of the targeted matrices, cached, with reconstruction errors. */
final class DecomposeCommand {
    static final String HELP = String.join(
            "\n",
            "usage: t2j decompose --model DIR [--targets mlp|attention|all-linear|REGEX] [--cache FILE]",
            "",
            "Decomposes each targeted weight W = U·diag(σ)·Vᵀ at full rank (rank 512 and up through the Gram matrix",
            "in double precision, checked, else LAPACK sgesdd), two or more at once, writes the cache (float32, read",
            "memory-mapped later) and prints per matrix its shape, largest and smallest σ, ‖W − UΣVᵀ‖/‖W‖ and the",
            "method, then the time of the decomposition and of the error check.",
            "",
            "  --dtype auto|float32|bf16  weights in memory, default auto: bf16 for a bf16 checkpoint over 100 M parameters",
            "  --targets T    which weights, default mlp",
            "  --cache FILE   default $T2J_CACHE/svd or ~/.cache/t2j/svd/<weights-fingerprint>-<targets>.safetensors",
            "");

    private DecomposeCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(HELP);
            return 0;
        }
        Args a = new Args("decompose", argv, Set.of("--dtype", "--model", "--targets", "--cache"), Set.of());
        Transformer model = Transformer.load(
                Path.of(a.required("--model")), t2j.model.ModelWeights.Storage.parse(a.get("--dtype", "auto")));
        Targets targets = Targets.parse(a.get("--targets", "mlp"));
        Path cache = a.has("--cache")
                ? Path.of(a.get("--cache", ""))
                : Decomposition.defaultCacheFile(model.weights(), targets);
        boolean cached = java.nio.file.Files.exists(cache);
        long t0 = System.nanoTime();
        Decomposition d = new ModelDir(null, model, null, null).decomposition(targets, cache, new ProgressBar(err));
        double secs = (System.nanoTime() - t0) / 1e9;
        long e0 = System.nanoTime();
        Map<String, Double> errors = d.reconstructionErrors(model.weights());
        double check = (System.nanoTime() - e0) / 1e9;
        out.printf("%-42s %11s %10s %10s %10s  %s%n", "matrix", "shape", "σ max", "σ min", "rel.err", "method");
        for (String n : d.names()) {
            var s = d.get(n);
            out.printf(
                    "%-42s %5dx%-5d %10.4f %10.6f %10.2e  %s%n",
                    n, s.u().rows(), s.vt().cols(), s.sigma()[0], s.sigma()[s.rank() - 1], errors.get(n), s.method());
        }
        out.printf(
                "%d matrices in %.2f s (%s), reconstruction errors in %.2f s; cache: %s%n",
                d.names().size(),
                secs,
                cached ? "read from the cache" : "decomposed and written",
                check,
                cache.toAbsolutePath());
        return 0;
    }
}
