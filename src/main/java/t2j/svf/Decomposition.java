package t2j.svf;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.openblas.global.openblas_full;
import t2j.io.DType;
import t2j.io.SafeTensorsFile;
import t2j.io.SafeTensorsWriter;
import t2j.model.ModelWeights;
import t2j.tensor.Matrix;
import t2j.util.DirectMemory;
import t2j.util.Progress;

/**
 * The SVDs of a model's targeted weight matrices, computed once and cached in a safetensors file tied to the exact
 * base weights by their {@linkplain ModelWeights#fingerprint() fingerprint}. A cache made from other weights is
 * refused, never silently used.
 *
 * <pre>{@code
 * Decomposition d = Decomposition.loadOrCompute(model.weights(), Targets.MLP, modelDir.resolve("svd-mlp.safetensors"), Progress.NONE);
 * float[] spectrum = d.get("model.layers.0.mlp.up_proj.weight").sigma();
 * }</pre>
 */
public final class Decomposition {
    private final String fingerprint;
    private final Targets targets;
    private final Map<String, Svd> svds;

    private Decomposition(String fingerprint, Targets targets, Map<String, Svd> svds) {
        this.fingerprint = fingerprint;
        this.targets = targets;
        this.svds = svds;
    }

    /** Decomposes every targeted matrix of {@code w}, as many at a time as there are BLAS threads. */
    public static Decomposition compute(ModelWeights w, Targets targets, Progress progress) {
        return compute(w, targets, progress, defaultWorkers());
    }

    /** BLAS threads OpenBLAS would use: {@code OPENBLAS_NUM_THREADS}, else every processor. */
    public static int defaultWorkers() {
        String env = System.getenv("OPENBLAS_NUM_THREADS");
        try {
            if (env != null && Integer.parseInt(env.trim()) > 0) return Integer.parseInt(env.trim());
        } catch (NumberFormatException ignored) {
            // OpenBLAS ignores it too
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * {@link #compute(ModelWeights, Targets, Progress)} with {@code workers} matrices decomposed at once, each by a
     * single-threaded BLAS: whole matrices in parallel keep every core busier than threads inside one (measured on
     * 8192×2048 with 2 cores: two at once take 2.0 s per matrix by the Gram route against 2.4 s one after another
     * with 2 threads; sgesdd 3.2 s against 4.5 s). OpenBLAS's thread count is process-wide; it is set to 1 for the
     * duration and put back after.
     */
    public static Decomposition compute(ModelWeights w, Targets targets, Progress progress, int workers) {
        List<String> names = targets.select(w);
        List<int[]> shapes = new ArrayList<>();
        for (String n : names)
            shapes.add(new int[] {w.matrix(n).rows(), w.matrix(n).cols()});
        int parallel = Math.max(1, Math.min(workers, names.size()));
        t2j.model.MemoryPlan.decomposition(shapes, parallel).check();
        Svd[] out = new Svd[names.size()];
        // Each decomposition leaves hundreds of MB of dead direct buffers (the Gram route's double copies) and
        // allocates little on the heap, so nothing would collect them: with float32 weights the 1B shape's 48
        // matrices would leave about 20 GB. Collect whenever more than the slack is held beyond the factors kept.
        long baseline = DirectMemory.used();
        java.util.concurrent.atomic.AtomicLong kept = new java.util.concurrent.atomic.AtomicLong();
        java.util.function.Consumer<Svd> reclaim = s -> DirectMemory.reclaimAbove(
                baseline + kept.addAndGet(((long) s.u().numel() + s.vt().numel() + s.rank()) * 4),
                DirectMemory.TRAINING_SLACK);
        if (parallel == 1) {
            for (int i = 0; i < names.size(); i++) {
                Progress.checkInterrupted("decomposition");
                out[i] = Svd.of(w.matrix(names.get(i)));
                reclaim.accept(out[i]);
                progress.update("SVD", i + 1, names.size());
            }
        } else {
            int blasThreads = openblas_full.openblas_get_num_threads();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
            try {
                openblas_full.openblas_set_num_threads(1);
                java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
                List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    int k = i;
                    futures.add(pool.submit(() -> {
                        out[k] = Svd.of(w.matrix(names.get(k)));
                        reclaim.accept(out[k]);
                        int finished = done.incrementAndGet();
                        synchronized (progress) {
                            progress.update("SVD", finished, names.size());
                        }
                    }));
                }
                for (java.util.concurrent.Future<?> f : futures) {
                    Progress.checkInterrupted("decomposition");
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CancellationException("decomposition interrupted");
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                if (e.getCause() instanceof Error err) throw err;
                throw new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
                openblas_full.openblas_set_num_threads(blasThreads);
            }
        }
        Map<String, Svd> svds = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) svds.put(names.get(i), out[i]);
        return new Decomposition(w.fingerprint(), targets, svds);
    }

    /** Reads {@code cache} when it was made from these weights and targets, else computes and writes it (atomically). */
    public static Decomposition loadOrCompute(ModelWeights w, Targets targets, Path cache, Progress progress)
            throws IOException {
        if (Files.exists(cache)) return load(cache, w, targets);
        Decomposition d = compute(w, targets, progress);
        d.save(cache);
        return d;
    }

    /**
     * The user-wide cache file for these weights and targets: {@code $T2J_CACHE/svd} or {@code ~/.cache/t2j/svd}, named by the
     * weights' fingerprint, so a model folder is never written to and any copy of the same weights shares one cache.
     */
    public static Path defaultCacheFile(ModelWeights w, Targets targets) {
        String root = System.getenv("T2J_CACHE");
        Path base = root != null ? Path.of(root) : Path.of(System.getProperty("user.home"), ".cache", "t2j");
        return base.resolve("svd")
                .resolve(w.fingerprint() + "-" + targets.id().replaceAll("[^A-Za-z0-9._-]", "_") + ".safetensors");
    }

    /** {@link #loadOrCompute} with the {@linkplain #defaultCacheFile default cache file}. */
    public static Decomposition cached(ModelWeights w, Targets targets, Progress progress) throws IOException {
        Path file = defaultCacheFile(w, targets).toAbsolutePath();
        Files.createDirectories(file.getParent());
        return loadOrCompute(w, targets, file, progress);
    }

    public String fingerprint() {
        return fingerprint;
    }

    public Targets targets() {
        return targets;
    }

    /** Decomposed names in model order. */
    public List<String> names() {
        return new ArrayList<>(svds.keySet());
    }

    public Svd get(String name) {
        Svd s = svds.get(name);
        if (s == null)
            throw new IllegalArgumentException(
                    "'" + name + "' is not among the decomposed matrices (targets " + targets.id() + ")");
        return s;
    }

    /** Singular values per matrix, for plots. */
    public Map<String, float[]> spectra() {
        Map<String, float[]> m = new LinkedHashMap<>();
        svds.forEach((k, v) -> m.put(k, v.sigma().clone()));
        return m;
    }

    /** ‖W − UΣVᵀ‖/‖W‖ per matrix against the given (base) weights. */
    public Map<String, Double> reconstructionErrors(ModelWeights w) {
        Map<String, Double> m = new LinkedHashMap<>();
        svds.forEach((k, v) -> m.put(k, v.relativeError(w.matrix(k))));
        return m;
    }

    /** Writes U, σ and Vᵀ of every matrix as {@code NAME.U}, {@code NAME.S}, {@code NAME.Vt}, atomically. */
    public void save(Path file) throws IOException {
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Svd> e : svds.entrySet()) {
            Svd s = e.getValue();
            entries.add(entry(e.getKey() + ".U", s.u()));
            FloatBuffer sig = Matrix.allocate(s.rank());
            sig.put(s.sigma()).position(0);
            entries.add(new SafeTensorsWriter.Entry(e.getKey() + ".S", DType.F32, new long[] {s.rank()}, sig));
            entries.add(entry(e.getKey() + ".Vt", s.vt()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("t2j.kind", "svd-cache");
        meta.put("t2j.base_fingerprint", fingerprint);
        meta.put("t2j.targets", targets.id());
        svds.forEach((name, s) -> meta.put("t2j.method." + name, s.method()));
        Files.createDirectories(file.toAbsolutePath().getParent());
        SafeTensorsWriter.write(file, entries, meta);
    }

    private static SafeTensorsWriter.Entry entry(String name, Matrix m) {
        return new SafeTensorsWriter.Entry(
                name,
                DType.F32,
                new long[] {m.rows(), m.cols()},
                m.blockOf(0).duplicate().position(0));
    }

    /** Reads a cache, refusing one made from other weights or for other targets. */
    public static Decomposition load(Path file, ModelWeights w, Targets targets) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            Map<String, String> meta = f.metadata();
            if (!"svd-cache".equals(meta.get("t2j.kind")))
                throw new IllegalStateException(
                        file + ": not an SVD cache (metadata t2j.kind=" + meta.get("t2j.kind") + ")");
            String want = w.fingerprint();
            if (!want.equals(meta.get("t2j.base_fingerprint")))
                throw new IllegalStateException(file
                        + ": stale SVD cache: it was computed from weights with fingerprint "
                        + meta.get("t2j.base_fingerprint") + ", but this model's weights have fingerprint " + want
                        + ". Delete the file to recompute it.");
            if (!targets.id().equals(meta.get("t2j.targets")))
                throw new IllegalStateException(file + ": SVD cache holds targets '" + meta.get("t2j.targets")
                        + "', not '" + targets.id() + "'");
            Map<String, Svd> svds = new LinkedHashMap<>();
            for (String name : targets.select(w)) {
                Matrix wm = w.matrix(name);
                int r = Math.min(wm.rows(), wm.cols());
                Matrix u = read(f, name + ".U", wm.rows(), r), vt = read(f, name + ".Vt", r, wm.cols());
                float[] s = f.readFloats(name + ".S");
                if (s.length != r)
                    throw new IllegalStateException(
                            file + ": " + name + ".S has " + s.length + " values, expected " + r);
                // Caches written before the method was recorded were all made by sgesdd.
                svds.put(name, new Svd(u, s, vt, meta.getOrDefault("t2j.method." + name, "sgesdd")));
            }
            return new Decomposition(want, targets, svds);
        }
    }

    private static Matrix read(SafeTensorsFile f, String name, int rows, int cols) {
        long[] shape = f.info(name).shape();
        if (shape.length != 2 || shape[0] != rows || shape[1] != cols)
            throw new IllegalStateException(f.path() + ": " + name + " has shape " + java.util.Arrays.toString(shape)
                    + ", expected [" + rows + ", " + cols + "]");
        // Mapped, not copied: the factors (larger than the weights at full rank) stay in the page cache, shared and
        // evictable, instead of in direct memory. A cache in another byte order or dtype is read into memory.
        java.nio.FloatBuffer mapped = f.mapTensor(name).asFloatBuffer();
        if (mapped != null) return Matrix.wrap(rows, cols, mapped);
        Matrix m = Matrix.zeros(rows, cols);
        f.readInto(name, m.blockOf(0).duplicate().position(0));
        return m;
    }
}
