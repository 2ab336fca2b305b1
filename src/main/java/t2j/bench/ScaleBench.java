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
import t2j.model.MemoryPlan;
import t2j.model.MemoryPlanException;
import t2j.model.ModelConfig;
import t2j.model.ModelWeights;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Parametrization;
import t2j.svf.SvfAdapter;
import t2j.svf.Targets;
import t2j.tensor.Bf16Products;
import t2j.tensor.Blas;
import t2j.tensor.Matrix;
import t2j.util.Progress;

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
    private static void release() throws IOException {
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
    private static double head(Transformer model, int rows, int repeats) {
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
        if (speeds.size() == 2)
            out.printf(
                    Locale.ROOT,
                    "decode bf16/float32 = %.2f (same run; target >= 1.8); prefill bf16/float32 = %.2f%n",
                    speeds.get("float32")[1] / speeds.get("bf16")[1],
                    speeds.get("float32")[0] / speeds.get("bf16")[0]);

        svfSteps(dir, c, depth, repeats, out);
        if (withTorch) torch(dir, c, partial, prefill, decode, repeats, speeds, out);
    }

    /** SVD of layer 0's MLP matrices and one SVF iteration on them, with the bf16 model; totals extrapolated to every layer. */
    private static void svfSteps(Path dir, ModelConfig c, int depth, int repeats, PrintStream out) throws IOException {
        Transformer model = Transformer.load(dir);
        Targets layer0 = Targets.matching("model\\.layers\\.0\\.mlp\\.(gate|up|down)_proj\\.weight");
        long t0 = System.nanoTime();
        Decomposition dec = Decomposition.compute(model.weights(), layer0, Progress.NONE);
        double svd = (System.nanoTime() - t0) / 1e9;
        double worst = dec.reconstructionErrors(model.weights()).values().stream()
                .mapToDouble(Double::doubleValue)
                .max()
                .orElse(0);
        out.printf(
                Locale.ROOT,
                "SVD (sgesdd, full rank, %d matrices at a time, 1 BLAS thread each): %d MLP matrices of layer 0 in %.1f s,"
                        + " worst ||W-USV'||/||W|| = %.1e; all %d MLP matrices about %.0f s (extrapolated)%n",
                Math.min(3, Decomposition.defaultWorkers()),
                dec.names().size(),
                svd,
                worst,
                3 * depth,
                svd / 3 * 3 * depth);

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
        Map<String, Object> j = ForwardBench.referencePrefillAndDecode(dir, prefill, decode, repeats, why);
        if (j == null) {
            out.println("PyTorch reference not measured: " + why[0]);
            return;
        }
        double gemm = BlasReport.gemmGflops();
        out.println(BlasReport.describe(ForwardBench.blas(j)));
        String refused = BlasReport.verdict(ForwardBench.blas(j), gemm);
        double tp = ((Number) j.get("prefill_tok_s")).doubleValue(),
                td = ((Number) j.get("decode_tok_s")).doubleValue();
        if (refused != null) {
            out.printf(
                    Locale.ROOT,
                    "no ratio: %s (PyTorch float32 measured prefill %.1f, decode %.2f tokens/s)%n",
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
        out.println("ratio = t2j speed / PyTorch speed (CPU, 2 threads, same file, same run)");
    }
}
