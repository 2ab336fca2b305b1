package t2j.model;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import t2j.util.DirectMemory;

/**
 * What a step is about to allocate, checked against what the JVM and the machine can still give before anything is
 * allocated, so that a model too large for the machine stops with a message naming the figure and the flag that
 * changes it instead of an {@link OutOfMemoryError} (or the kernel's OOM killer) halfway through.
 *
 * <p>Tensors live in direct buffers, bounded by {@code -XX:MaxDirectMemorySize}; LAPACK's workspace is malloc'ed
 * outside it; both come out of the machine's available memory ({@code MemAvailable}, or a cgroup's limit when lower).
 * The figures are the allocations the engine makes for the step (weights, SVD factors, KV cache, the activations
 * backprop keeps), not a model of the whole process, so a plan that passes can still meet other programs' use.
 *
 * <pre>{@code
 * MemoryPlan.step("load models/llama").direct("weights (float32)", bytes, "a smaller model").check();
 * }</pre>
 */
public final class MemoryPlan {
    /** Below this a step is not checked: reading /proc per decode step of a tiny model would cost more than it saves. */
    static final long CHECK_ABOVE_BYTES = 64L << 20;

    /** One allocation the step makes; {@code lever} says which flag makes it smaller. */
    public record Item(String what, long bytes, boolean direct, String lever) {}

    /** What the JVM and the machine can still give, and where the machine's figure comes from. */
    public record Budget(long directLimit, long directUsed, long machineFree, String machineSource) {
        /** The budget of this JVM on this machine, now. */
        public static Budget current() {
            long[] machine = machineAvailable();
            String source =
                    machine[1] == 1 ? "the cgroup's memory.max less memory.current" : "MemAvailable in /proc/meminfo";
            return new Budget(maxDirectMemory(), DirectMemory.used(), machine[0], source);
        }

        public long directFree() {
            return Math.max(0, directLimit - directUsed);
        }
    }

    private final String step;
    private final List<Item> items = new ArrayList<>();

    private MemoryPlan(String step) {
        this.step = step;
    }

    /** An empty plan for the step named (it appears in the message). */
    public static MemoryPlan step(String step) {
        return new MemoryPlan(step);
    }

    /** Adds a direct-buffer allocation. */
    public MemoryPlan direct(String what, long bytes, String lever) {
        items.add(new Item(what, bytes, true, lever));
        return this;
    }

    /** Adds an allocation outside the JVM's limits (native libraries' workspace). */
    public MemoryPlan nativeMemory(String what, long bytes, String lever) {
        items.add(new Item(what, bytes, false, lever));
        return this;
    }

    public List<Item> items() {
        return List.copyOf(items);
    }

    public long directBytes() {
        return items.stream().filter(Item::direct).mapToLong(Item::bytes).sum();
    }

    public long totalBytes() {
        return items.stream().mapToLong(Item::bytes).sum();
    }

    /** {@link #check(Budget)} against this JVM and machine now; steps under 64 MiB are not checked. */
    public void check() {
        if (totalBytes() < CHECK_ABOVE_BYTES) return;
        if (fits(Budget.current())) return;
        // Dead direct buffers count as in use until a collection frees them; the JDK's own allocator collects and
        // retries before it gives up, so the plan does too before it tells the user the step does not fit.
        DirectMemory.collect();
        check(Budget.current());
    }

    /** Whether the step fits {@code budget}, both in direct memory and on the machine. */
    public boolean fits(Budget budget) {
        return directBytes() <= budget.directFree() && totalBytes() <= budget.machineFree();
    }

    /** @throws MemoryPlanException the step needs more than {@code budget} has */
    public void check(Budget budget) {
        long direct = directBytes();
        if (direct > budget.directFree()) {
            long g = 1L << 30;
            long suggest = (budget.directUsed() + direct + g - 1) / g;
            throw new MemoryPlanException(String.format(
                    Locale.ROOT,
                    "%s needs %s of direct memory (%s) but the JVM may allocate only %s more (-XX:MaxDirectMemorySize=%s,"
                            + " %s in use). Raise the limit, e.g. T2J_JAVA_OPTS=\"-Xmx2g -XX:MaxDirectMemorySize=%dg\" ./t2j ...,"
                            + " or shrink the step: %s",
                    step,
                    gib(direct),
                    breakdown(true),
                    gib(budget.directFree()),
                    gib(budget.directLimit()),
                    gib(budget.directUsed()),
                    suggest,
                    largest(true).lever()));
        }
        long total = totalBytes();
        if (total > budget.machineFree()) {
            throw new MemoryPlanException(String.format(
                    Locale.ROOT,
                    "%s needs %s of memory (%s) but this machine has only %s available (%s). Shrink the step: %s; or close"
                            + " other programs, or use a machine with more memory",
                    step,
                    gib(total),
                    breakdown(false),
                    gib(budget.machineFree()),
                    budget.machineSource(),
                    largest(false).lever()));
        }
    }

    private String breakdown(boolean directOnly) {
        List<String> parts = new ArrayList<>();
        for (Item i : items)
            if (i.bytes() > 0 && (i.direct() || !directOnly)) parts.add(i.what() + " " + gib(i.bytes()));
        return String.join(", ", parts);
    }

    private Item largest(boolean directOnly) {
        Item best = null;
        for (Item i : items) if ((i.direct() || !directOnly) && (best == null || i.bytes() > best.bytes())) best = i;
        return best;
    }

    /** Bytes as GiB with one decimal (MiB below 1 GiB), as the messages print them. */
    public static String gib(long bytes) {
        if (bytes < (1L << 30)) return String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    // ---- the steps the engine plans ----

    /** Parameters of a model of this config (tied embeddings counted once). */
    public static long parameterCount(ModelConfig c) {
        long d = c.hiddenSize(), ff = c.intermediateSize(), v = c.vocabSize();
        long perLayer = 2 * d + (long) (c.qDim() + 2 * c.kvDim()) * d + d * c.qDim() + 3 * ff * d;
        return v * d + c.numHiddenLayers() * perLayer + d + (c.tieWordEmbeddings() ? 0 : v * d);
    }

    /** Loading a checkpoint: the weights in float32 (norms always; the rest too unless {@code bf16}). */
    public static MemoryPlan load(ModelConfig c, String where, boolean bf16) {
        long params = parameterCount(c);
        long norms = (2L * c.numHiddenLayers() + 1) * c.hiddenSize();
        long bytes = bf16 ? (params - norms) * 2 + norms * 4 : params * 4;
        String lever = bf16
                ? "a smaller model (bf16 weights take 2 bytes per parameter)"
                : "--dtype bf16 (2 bytes per parameter instead of 4), or a smaller model";
        return step("loading " + where)
                .direct(
                        String.format(Locale.ROOT, "weights, %,d parameters in %s", params, bf16 ? "bf16" : "float32"),
                        bytes,
                        lever);
    }

    /** A KV cache for {@code batch} rows of {@code capacity} positions. */
    public static MemoryPlan kvCache(ModelConfig c, int batch, int capacity) {
        long bytes = 2L * c.numHiddenLayers() * batch * (long) capacity * c.kvDim() * 4;
        return step(String.format(Locale.ROOT, "a KV cache for %d rows of %d positions", batch, capacity))
                .direct("KV cache", bytes, "a smaller batch (--batch) or fewer new tokens (--max-new-tokens)");
    }

    /**
     * One backward pass over {@code batch} rows of {@code t} positions, {@code scored} of them predicted: the
     * activations Backprop keeps per layer, the logits and their gradient, and one layer's gradient buffers.
     */
    public static MemoryPlan backprop(ModelConfig c, int batch, int t, int scored) {
        long d = c.hiddenSize(), ff = c.intermediateSize(), n = (long) batch * t;
        long qkv = c.qDim() + 2L * c.kvDim();
        long perLayer = n * (3 * d + qkv + c.qDim() + 3 * ff) + (long) batch * c.numAttentionHeads() * t * t;
        long grads = n * (2 * d + qkv + c.qDim() + 3 * ff) + (long) t * t;
        long logits = 2L * Math.max(1, scored) * c.vocabSize();
        String lever = "a smaller batch (--batch) or shorter completions (--max-new-tokens)";
        return step(String.format(Locale.ROOT, "a training step over %d rows of %d tokens", batch, t))
                .direct("activations kept for backprop", perLayer * c.numHiddenLayers() * 4, lever)
                .direct("logits and their gradient", logits * 4, lever)
                .direct("gradient buffers", grads * 4, lever);
    }

    /** {@link #backprop(ModelConfig, int, int, int)} for these prompts and completions, as Backprop pads them. */
    public static MemoryPlan backprop(ModelConfig c, int[][] prompts, int[][] completions) {
        int t = 0, scored = 0;
        for (int b = 0; b < prompts.length; b++) {
            t = Math.max(t, prompts[b].length + completions[b].length);
            scored += completions[b].length;
        }
        return backprop(c, prompts.length, t, scored);
    }

    /**
     * Decomposing matrices of the given shapes ({@code [rows, cols]} each): the factors kept, and for the largest one
     * at a time the copies the route makes (direct; see {@code t2j.svf.GramSvd}) and LAPACK's workspace (native:
     * sgesdd's about {@code 4r² + 7r} floats beyond the factors for {@code jobz='S'}, plus {@code 8r} ints, or
     * dsyevd's {@code 2r² + 6r} doubles).
     */
    public static MemoryPlan decomposition(List<int[]> shapes, int parallel) {
        long factors = 0, biggestCopy = 0, biggestWork = 0;
        for (int[] s : shapes) {
            long m = s[0], n = s[1], r = Math.min(m, n);
            factors += (m * r + r * n + r) * 4;
            // The Gram route (rank >= 512) holds W and the product-built factor in double and in float, and G, its
            // eigenvectors and their scaled copy (r x r each); sgesdd, its fallback, a float copy of W once those
            // are garbage.
            long gram = r >= 512 ? (2 * m * n + 3 * r * r) * 8 + (m * n + r * r) * 4 : 0;
            biggestCopy = Math.max(biggestCopy, Math.max(m * n * 4, gram));
            long gesdd = (3 * r * r + Math.max(Math.max(m, n), 4 * r * r + 4 * r) + 8 * r) * 4;
            long syevd = r >= 512 ? (1 + 6 * r + 2 * r * r) * 8 + (3 + 5 * r) * 4 : 0;
            biggestWork = Math.max(biggestWork, Math.max(gesdd, syevd));
        }
        String lever = "fewer targets (--targets mlp|attention|REGEX)";
        return step(String.format(Locale.ROOT, "decomposing %d matrices", shapes.size()))
                .direct("U, sigma and Vt of every matrix", factors, lever)
                .direct(
                        "the matrices being decomposed (a copy each, in double for the Gram route)",
                        biggestCopy * parallel,
                        lever)
                .nativeMemory("LAPACK workspace (sgesdd or dsyevd)", biggestWork * parallel, lever);
    }

    // ---- what the JVM and machine have ----

    /** The JVM's direct-memory limit: the last {@code -XX:MaxDirectMemorySize} given, else the heap's maximum. */
    static long maxDirectMemory() {
        long limit = Runtime.getRuntime().maxMemory();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
            if (arg.startsWith("-XX:MaxDirectMemorySize=")) limit = parseSize(arg.substring(arg.indexOf('=') + 1));
        return limit;
    }

    static long parseSize(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g' || last == 't') {
            unit = 1L << (10 * ("kmgt".indexOf(last) + 1));
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * unit;
    }

    /** {available bytes, 1 when a cgroup limit set it}; Long.MAX_VALUE when the platform tells nothing. */
    private static long[] machineAvailable() {
        long avail = Long.MAX_VALUE;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo")))
                if (line.startsWith("MemAvailable:")) avail = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        } catch (IOException | RuntimeException unreadable) {
            java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) avail = sun.getFreeMemorySize();
        }
        try {
            String max = Files.readString(Path.of("/sys/fs/cgroup/memory.max")).trim();
            if (!max.equals("max")) {
                long cg = Long.parseLong(max)
                        - Long.parseLong(Files.readString(Path.of("/sys/fs/cgroup/memory.current"))
                                .trim());
                if (cg < avail) return new long[] {Math.max(0, cg), 1};
            }
        } catch (IOException | RuntimeException noCgroup) {
            // no cgroup v2 limit visible: MemAvailable stands
        }
        return new long[] {avail, 0};
    }
}
