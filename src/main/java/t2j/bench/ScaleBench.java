package t2j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import t2j.adapt.AdaptContext;
import t2j.adapt.ExpertPool;
import t2j.adapt.FewShotCem;
import t2j.adapt.Mixture;
import t2j.adapt.Scope;
import t2j.model.MemoryPlan;
import t2j.model.MemoryPlanException;
import t2j.model.ModelConfig;
import t2j.model.ModelWeights;
import t2j.model.Transformer;
import t2j.prompt.ChatPrompter;
import t2j.prompt.Prompter;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.Parametrization;
import t2j.svf.SvfAdapter;
import t2j.svf.Targets;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.SplitSizes;
import t2j.task.Task;
import t2j.task.Tasks;
import t2j.tensor.Bf16Products;
import t2j.tensor.Blas;
import t2j.tensor.Matrix;
import t2j.tiny.CharTokenizers;
import t2j.tokenizer.Tokenizer;
import t2j.util.Progress;
import t2j.util.ScratchDirs;

/**
 * {@code t2j bench scale}: a real model's shapes (random bf16 weights, cached) through the steps a user runs — load,
 * prefill, decode with weights in float32 and in bf16, SVD of MLP matrices, one SVF iteration — with the resident
 * memory of each, beside PyTorch CPU on the same file where the machine has the memory for its float32 copy.
 *
 * <p>With {@code --layers} below the shape's depth (the 8B shape on a small machine) the model is cut to that many
 * layers; per-token times are then extrapolated as {@code head + depth·(measured − head)/layers}, the LM head's
 * product timed on its own, and every extrapolated figure is marked so.
 */
public final class ScaleBench {
    private ScaleBench() {}

    /** Llama-3.2-1B's or Llama-3-8B's config with {@code layers} layers (0: all of them). */
    public static ModelConfig shape(String name, int layers) {
        switch (name) {
            case "llama-3.2-1b":
                return new ModelConfig(
                        "llama",
                        2048,
                        8192,
                        32,
                        8,
                        64,
                        layers > 0 ? layers : 16,
                        128256,
                        1e-5,
                        500000.0,
                        new ModelConfig.RopeScaling(32.0, 1.0, 4.0, 8192),
                        0,
                        true,
                        131072,
                        new int[] {128000},
                        new int[] {128001, 128009});
            case "llama-3-8b":
                return new ModelConfig(
                        "llama",
                        4096,
                        14336,
                        32,
                        8,
                        128,
                        layers > 0 ? layers : 32,
                        128256,
                        1e-5,
                        500000.0,
                        null,
                        0,
                        false,
                        8192,
                        new int[] {128000},
                        new int[] {128001, 128009});
            default:
                throw new IllegalArgumentException("--shape must be llama-3.2-1b or llama-3-8b, got '" + name + "'");
        }
    }

    private static int fullDepth(String name) {
        return name.equals("llama-3-8b") ? 32 : 16;
    }

    /** Resident and peak resident memory of this process, from /proc/self/status (kB lines), in bytes. */
    static long[] rss() {
        long rss = -1, hwm = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                if (line.startsWith("VmHWM:")) hwm = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException unavailable) {
            // not Linux: the figures print as "?"
        }
        return new long[] {rss, hwm};
    }

    private static String mem(long bytes) {
        return bytes < 0 ? "?" : MemoryPlan.gib(bytes);
    }

    /** Frees what the last model held: its direct buffers go only when a collection finds them unreachable. */
    static void release() throws IOException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /** Best-of-repeats seconds of the LM head's product alone, for {@code rows} rows. */
    static double head(Transformer model, int rows, int repeats) {
        ModelConfig c = model.config();
        FloatBuffer x = Matrix.allocate((long) rows * c.hiddenSize()), y = Matrix.allocate((long) rows * c.vocabSize());
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep <= repeats; rep++) {
            long t0 = System.nanoTime();
            Blas.linear(rows, x, 0, c.hiddenSize(), model.weights().lmHead(), y, 0, c.vocabSize(), false);
            if (rep > 0) best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    public static void run(
            String shapeName, int layers, int prefill, int decode, int repeats, boolean withTorch, PrintStream out)
            throws IOException {
        int depth = fullDepth(shapeName);
        int used = layers > 0 ? Math.min(layers, depth) : depth;
        boolean partial = used < depth;
        ModelConfig c = shape(shapeName, used);
        String root = System.getenv("T2J_CACHE");
        Path base = root != null ? Path.of(root) : Path.of(System.getProperty("user.home"), ".cache", "t2j");
        Path dir = base.resolve("scale").resolve(shapeName + (partial ? "-" + used + "-layers" : ""));
        long t0 = System.nanoTime();
        boolean wrote = RandomCheckpoint.ensure(dir, c, 42);
        out.printf(
                Locale.ROOT,
                "checkpoint: %s (%s, %d of %d layers, %,d parameters, bf16, %s)%n",
                dir,
                shapeName,
                used,
                depth,
                MemoryPlan.parameterCount(c),
                wrote ? String.format(Locale.ROOT, "written in %.0f s", (System.nanoTime() - t0) / 1e9) : "reused");
        if (partial)
            out.printf(
                    "per-token times for all %d layers are extrapolated from %d: head + %d x (measured - head) / %d%n",
                    depth, used, depth, used);
        out.println("bf16 products: " + Bf16Products.kernel());
        out.println(BlasReport.describe(BlasReport.gemmGflops()));

        int[] ids = new int[prefill];
        SplittableRandom r = new SplittableRandom(0);
        for (int i = 0; i < prefill; i++) ids[i] = r.nextInt(c.vocabSize());
        Map<String, double[]> speeds = new LinkedHashMap<>();
        out.printf("%-9s %9s %10s %14s %14s %s%n", "weights", "load s", "RSS", "prefill tok/s", "decode tok/s", "");
        for (ModelWeights.Storage storage : List.of(ModelWeights.Storage.FLOAT32, ModelWeights.Storage.BF16)) {
            String name = storage == ModelWeights.Storage.BF16 ? "bf16" : "float32";
            Transformer model;
            long l0 = System.nanoTime();
            try {
                model = Transformer.load(dir, storage);
            } catch (MemoryPlanException e) {
                out.printf("%-9s not run: %s%n", name, e.getMessage());
                continue;
            }
            double load = (System.nanoTime() - l0) / 1e9;
            long rss = rss()[0];
            double[] s = ForwardBench.prefillAndDecode(model, ids, decode, 1, repeats);
            String note = "";
            if (partial) {
                double hd = head(model, 1, repeats); // prefill and each decode step compute one row of logits
                s[0] = hd + depth * (s[0] - hd) / used;
                s[1] = decode * hd + depth * (s[1] - decode * hd) / used;
                note = "(extrapolated to " + depth + " layers)";
            }
            speeds.put(name, s);
            out.printf(
                    Locale.ROOT,
                    "%-9s %9.1f %10s %14.1f %14.2f %s%n",
                    name,
                    load,
                    mem(rss),
                    prefill / s[0],
                    decode / s[1],
                    note);
            model = null;
            release();
        }
        if (speeds.size() == 2) {
            out.printf(
                    Locale.ROOT,
                    "rows above, bf16/float32 (timed a minute apart): decode %.2f, prefill %.2f%n",
                    speeds.get("float32")[1] / speeds.get("bf16")[1],
                    speeds.get("float32")[0] / speeds.get("bf16")[0]);
            PairedDecode.run(dir, ids, decode, Math.max(5, repeats), depth, used, out);
        }

        double svdPerMatrix = svfSteps(dir, c, depth, repeats, out);
        if (withTorch) torch(dir, c, partial, prefill, decode, repeats, speeds, svdPerMatrix, out);
    }

    /**
     * SVD of every MLP matrix of the loaded layers, timed (extrapolated to every layer on a partial model), then one
     * SVF iteration on layer 0's MLP with the bf16 model, its totals extrapolated to every layer.
     */
    private static double svfSteps(Path dir, ModelConfig c, int depth, int repeats, PrintStream out)
            throws IOException {
        Transformer model = Transformer.load(dir);
        int workers = Decomposition.defaultWorkers();
        long t0 = System.nanoTime();
        Decomposition all = Decomposition.compute(model.weights(), Targets.MLP, Progress.NONE);
        double svd = (System.nanoTime() - t0) / 1e9;
        long rssAfter = rss()[0];
        long e0 = System.nanoTime();
        Map<String, Double> errors = all.reconstructionErrors(model.weights());
        double check = (System.nanoTime() - e0) / 1e9;
        double worst =
                errors.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        Map<String, Integer> methods = new java.util.TreeMap<>();
        for (String n : all.names()) methods.merge(all.get(n).method(), 1, Integer::sum);
        int matrices = all.names().size();
        boolean partial = c.numHiddenLayers() < depth;
        out.printf(
                Locale.ROOT,
                "SVD, full rank, %d MLP matrices (%d at a time, 1 BLAS thread each; by method %s): %.1f s%s"
                        + " (target for the 1B shape: <= 120 s); worst ||W-USV'||/||W|| = %.1e (checked in %.1f s);"
                        + " RSS %s with the float32 factors%n",
                matrices,
                Math.min(workers, matrices),
                methods,
                svd,
                partial
                        ? String.format(
                                Locale.ROOT,
                                ", so about %.0f s for all %d (extrapolated)",
                                svd / matrices * 3 * depth,
                                3 * depth)
                        : "",
                worst,
                check,
                mem(rssAfter));
        all = null;
        errors = null;
        release();

        Targets layer0 = Targets.matching("model\\.layers\\.0\\.mlp\\.(gate|up|down)_proj\\.weight");
        Decomposition dec = Decomposition.compute(model.weights(), layer0, Progress.NONE);
        SvfAdapter svf = new SvfAdapter(model, dec, Parametrization.SIGMOID_MASK, 0);
        double compose = Double.MAX_VALUE;
        for (int rep = 0; rep <= repeats; rep++) {
            long c0 = System.nanoTime();
            svf.apply();
            svf.restore();
            if (rep > 0) compose = Math.min(compose, (System.nanoTime() - c0) / 1e9);
        }
        int batch = 2, promptLen = 32, newTokens = 16;
        int[][] prompts = SvfBench.randomPrompts(batch, promptLen, c.vocabSize(), 1);
        float[] weights = {0.5f, -0.5f};
        double iteration = Double.MAX_VALUE;
        for (int rep = 0; rep < Math.max(1, repeats); rep++) {
            long i0 = System.nanoTime();
            SvfBench.iteration(model, svf, prompts, newTokens, weights);
            svf.restore();
            iteration = Math.min(iteration, (System.nanoTime() - i0) / 1e9);
        }
        long[] mem = rss();
        out.printf(
                Locale.ROOT,
                "SVF iteration (layer 0's MLP adapted; compose, %d rollouts of %d+%d tokens, z-gradient, restore): %.1f s;"
                        + " compose+restore of those %d matrices %.2f s, so about %.0f s for all %d (extrapolated); RSS %s, peak %s%n",
                batch,
                promptLen,
                newTokens,
                iteration,
                dec.names().size(),
                compose,
                compose / 3 * 3 * depth,
                3 * depth,
                mem(mem[0]),
                mem(mem[1]));
        switchAndCem(model, dec, depth, out);
        return svd / matrices;
    }

    /**
     * What a two-pass answer and a few-shot search do to the weights, on layer 0's MLP: switching from one expert to
     * another inside a scope, and one CEM evaluation (compose a mixture, greedy answers to the shots, score them).
     * The experts are random z-vectors and the shots are byte-level prompts, so the answers mean nothing; the time and
     * the memory are what a user will meet. The heap's peak shows that no step copies weights onto it.
     */
    static void switchAndCem(Transformer model, Decomposition dec, int depth, PrintStream out) throws IOException {
        Map<String, Expert> experts = new LinkedHashMap<>();
        SplittableRandom r = new SplittableRandom(7);
        for (String name : List.of("a", "b")) {
            Map<String, float[]> z = new LinkedHashMap<>();
            for (String m : dec.names()) {
                float[] v = new float[dec.get(m).rank()];
                for (int i = 0; i < v.length; i++) v[i] = (float) (3 + r.nextGaussian());
                z.put(m, v);
            }
            experts.put(name, new Expert(z, Map.of("task", name, "base_fingerprint", dec.fingerprint())));
        }
        ExpertPool pool = new ExpertPool(model, dec, experts);
        Path tok = ScratchDirs.create("t2j-scale-tokenizer");
        Prompter prompter;
        try {
            CharTokenizers.llama3Style(tok);
            prompter = bytesOnly(ChatPrompter.forModel(Tokenizer.load(tok), model.config()));
        } finally {
            ScratchDirs.delete(tok);
        }
        Task task = Tasks.builtin("math", 42, new SplitSizes(0, 0, 0, 4));
        List<Example> shots = task.examples(Split.TRANSFER);
        AdaptContext ctx = new AdaptContext(model, prompter, pool, 8);
        HeapPeak.reset();
        long s0 = System.nanoTime();
        double toA, toB;
        try (Scope scope = pool.use()) {
            scope.compose(Mixture.of("a"));
            toA = (System.nanoTime() - s0) / 1e9;
            long s1 = System.nanoTime();
            scope.compose(Mixture.of("b"));
            toB = (System.nanoTime() - s1) / 1e9;
        }
        double all = (System.nanoTime() - s0) / 1e9;
        long c0 = System.nanoTime();
        FewShotCem.evaluate(task, shots, ctx, Mixture.perExpert(Map.of("a", 0.6, "b", 0.4)));
        double cem = (System.nanoTime() - c0) / 1e9;
        long[] mem = rss();
        out.printf(
                Locale.ROOT,
                "expert switch (layer 0's MLP, inside one scope): base->a %.2f s, a->b %.2f s, with the restore"
                        + " %.2f s, so a->b about %.0f s for all %d layers (extrapolated)%n",
                toA,
                toB,
                all,
                toB * depth,
                depth);
        out.printf(
                Locale.ROOT,
                "one CEM evaluation (mixture of 2 experts, %d shots, up to 8 new tokens, scored): %.1f s;"
                        + " heap peak %s of its %s limit; RSS %s, peak %s%n",
                shots.size(),
                cem,
                mem(HeapPeak.bytes()),
                mem(Runtime.getRuntime().maxMemory()),
                mem(mem[0]),
                mem(mem[1]));
    }

    /** A random model writes ids beyond the byte-level tokenizer's 261; they are dropped when its answers are read. */
    private static Prompter bytesOnly(ChatPrompter p) {
        int known = p.tokenizer().vocabSize();
        return new Prompter() {
            @Override
            public int[] promptIds(Example e) {
                return p.promptIds(e);
            }

            @Override
            public int[] referenceIds(Example e) {
                return p.referenceIds(e);
            }

            @Override
            public String decode(int[] completion) {
                return p.decode(java.util.Arrays.stream(completion)
                        .filter(id -> id < known)
                        .toArray());
            }

            @Override
            public int[] stopIds() {
                return p.stopIds();
            }
        };
    }

    /** PyTorch's prefill and decode on the same file, when the machine can hold its float32 copy of the weights. */
    private static void torch(
            Path dir,
            ModelConfig c,
            boolean partial,
            int prefill,
            int decode,
            int repeats,
            Map<String, double[]> speeds,
            double svdPerMatrix,
            PrintStream out)
            throws IOException {
        long need = MemoryPlan.parameterCount(c) * 4 + (2L << 30);
        long have = MemoryPlan.Budget.current().machineFree();
        if (partial) {
            out.println("PyTorch: not run on a partial model (its times would need the same extrapolation)");
            return;
        }
        if (need > have) {
            out.printf(
                    "PyTorch: not run: its float32 copy of the weights needs about %s, the machine has %s available%n",
                    mem(need), mem(have));
            return;
        }
        String[] why = new String[1];
        // One thread on a 1B model is hopeless for prefill and would double the reference's minutes: two candidates.
        String configs = ReferenceConfigs.candidates(ForwardBench.CORES, false);
        Map<String, Object> j = ForwardBench.referencePrefillAndDecode(dir, prefill, decode, repeats, configs, why);
        if (j == null) {
            out.println("PyTorch reference not measured: " + why[0]);
            return;
        }
        double gemm = BlasReport.gemmGflops();
        out.println(BlasReport.describe(ForwardBench.blas(j)));
        String refused = BlasReport.verdict(ForwardBench.blas(j), gemm);
        ReferenceConfigs.Choice prefillBest = ReferenceConfigs.best(j, "prefill_tok_s", true),
                decodeBest = ReferenceConfigs.best(j, "decode_tok_s", true);
        out.println(prefillBest.line("PyTorch f32 prefill tokens/s"));
        out.println(decodeBest.line("PyTorch f32 decode tokens/s"));
        double tp = prefillBest.value(), td = decodeBest.value();
        if (refused != null) {
            out.printf(
                    Locale.ROOT,
                    "no ratio: %s (PyTorch float32 measured prefill %.1f, decode %.2f tokens/s at best)%n",
                    refused,
                    tp,
                    td);
            return;
        }
        out.printf("%-22s %14s %16s %8s%n", "phase", "t2j", "PyTorch f32", "ratio");
        for (Map.Entry<String, double[]> e : speeds.entrySet()) {
            ForwardBench.row(out, "prefill, t2j " + e.getKey(), "tokens/s", prefill / e.getValue()[0], tp, true);
            ForwardBench.row(out, "decode, t2j " + e.getKey(), "tokens/s", decode / e.getValue()[1], td, true);
        }
        // LAPACK on the reference's side: numpy's and torch's gesdd, on layer 0's three MLP matrices only (all 48
        // would take them minutes each); t2j's time per matrix is from its run over all of them above.
        Map<String, Object> svd = ForwardBench.reference(
                List.of(
                        "svd-bench",
                        dir.toString(),
                        "--only",
                        "model\\.layers\\.0\\.mlp\\.",
                        "--repeats",
                        "0",
                        "--configs",
                        configs),
                why);
        if (svd != null) {
            int n = ((Number) svd.get("matrices")).intValue();
            ReferenceConfigs.Choice numpy = ReferenceConfigs.best(svd, "numpy_s", false),
                    torchSvd = ReferenceConfigs.best(svd, "torch_s", false);
            out.println(numpy.line("numpy SVD seconds (" + n + " matrices)"));
            out.println(torchSvd.line("torch SVD seconds (" + n + " matrices)"));
            ForwardBench.row(out, "SVD vs numpy", "s/matrix", svdPerMatrix, numpy.value() / n, false);
            ForwardBench.row(out, "SVD vs torch", "s/matrix", svdPerMatrix, torchSvd.value() / n, false);
        } else out.println("reference SVD not measured: " + why[0]);
        out.println("ratio = t2j speed / reference speed, the reference in its best thread configuration per figure"
                + " (same file, same run; SVD: layer 0's three MLP matrices on the reference's side)");
    }
}
