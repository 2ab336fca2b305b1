package t2j.bench;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.openblas.global.openblas;
import t2j.tensor.Blas;
import t2j.tensor.Matrix;

/**
 * What each side of a benchmark computes with — the BLAS library and kernel, threads, the environment that steers
 * them, and a measured sgemm speed — and whether a ratio between the two sides may be printed at all.
 *
 * <p>A ratio against PyTorch running on the reference (netlib) BLAS, which Debian's torch uses unless an optimized
 * {@code libblas.so.3} is installed, says nothing about t2j: such a reference is 10–20× slower at the matrix products
 * both sides spend their time in. So every bench prints both reports and {@link #verdict} refuses the ratio, saying
 * why, when the reference's BLAS is the reference implementation or its sgemm runs far below t2j's on the same machine.
 */
public final class BlasReport {
    /** The reference's sgemm must reach this share of t2j's for a ratio to mean anything. */
    public static final double MIN_GEMM_SHARE = 0.5;

    private BlasReport() {}

    /**
     * t2j's side: the OpenBLAS library loaded (its build configuration and the core kernel it chose, queried from the
     * same library file by {@code hf_reference.py} since JavaCPP's presets do not map those two calls), its threads,
     * the environment, and its sgemm GFLOP/s as measured by {@link #gemmGflops()}.
     */
    public static String describe(double gemmGflops) {
        String lib = loadedLibrary();
        String kernel = "kernel not queried";
        if (lib != null && PythonReference.unavailableReason() == null) {
            try {
                PythonReference.Result r = PythonReference.reference(List.of("openblas-info", lib), 60);
                if (r.exit() == 0) kernel = r.output().strip();
            } catch (java.io.IOException e) {
                kernel = "kernel not queried: " + e.getMessage();
            }
        }
        int threads = openblas.blas_get_num_threads();
        return String.format(
                Locale.ROOT,
                "t2j: %s (%s), %s threads, sgemm %.1f GFLOP/s (512x512x512)%s",
                lib == null ? "OpenBLAS" : lib,
                kernel,
                threads > 0
                        ? Integer.toString(threads)
                        : "OpenBLAS's default (" + Runtime.getRuntime().availableProcessors() + " cores)",
                gemmGflops,
                environment());
    }

    /** The OpenBLAS shared library this JVM has mapped (the engine's BLAS is loaded first), or null. */
    static String loadedLibrary() {
        openblas.blas_get_num_threads(); // makes sure the library is loaded
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/maps"))) {
                int at = line.indexOf('/');
                if (at >= 0 && line.substring(at).matches(".*/libopenblas[^/]*\\.so[^/]*"))
                    return line.substring(at).strip();
            }
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** The reference's side, from the {@code blas} object {@code hf_reference.py} prints. */
    @SuppressWarnings("unchecked")
    public static String describe(Map<String, Object> blas) {
        return String.format(
                Locale.ROOT,
                "PyTorch %s: %s, %s, %s threads, sgemm %.1f GFLOP/s (512x512x512)%s",
                blas.get("torch"),
                String.join(", ", (List<String>) blas.getOrDefault("libraries", List.of())),
                blas.getOrDefault("config", ""),
                blas.get("blas_threads") == null
                        ? blas.get("threads")
                        : blas.get("threads") + " torch + " + blas.get("blas_threads") + " BLAS",
                ((Number) blas.get("gemm_gflops")).doubleValue(),
                ((Map<String, Object>) blas.getOrDefault("env", Map.of())).isEmpty()
                        ? ""
                        : ", environment " + blas.get("env"));
    }

    /** Null when the reference is fit to compare with, else why no ratio is printed. */
    @SuppressWarnings("unchecked")
    public static String verdict(Map<String, Object> blas, double t2jGemmGflops) {
        List<String> libs = (List<String>) blas.getOrDefault("libraries", List.of());
        // Debian's netlib BLAS lives in .../blas/libblas.so.3; the optimized alternatives carry their name in the path.
        String config = String.valueOf(blas.getOrDefault("config", "")).toLowerCase(Locale.ROOT);
        boolean optimized = config.matches(".*blas_info=(mkl|open|openblas|blis|accelerate|flame).*")
                || libs.stream().anyMatch(l -> l.contains("openblas") || l.contains("mkl") || l.contains("blis"));
        if (!optimized)
            return "the reference runs on the reference BLAS ("
                    + (libs.isEmpty() ? "no BLAS library found" : String.join(", ", libs))
                    + "); install an optimized one for it (apt-get install libopenblas0-pthread) and rerun";
        double ref = ((Number) blas.get("gemm_gflops")).doubleValue();
        if (ref < MIN_GEMM_SHARE * t2jGemmGflops)
            return String.format(
                    Locale.ROOT,
                    "the reference's sgemm runs at %.1f GFLOP/s, under %.0f %% of t2j's %.1f on this machine: it is not at its best"
                            + " (threads, OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE, another process?)",
                    ref,
                    100 * MIN_GEMM_SHARE,
                    t2jGemmGflops);
        return null;
    }

    /** Best of four 512x512x512 sgemm calls through the engine's BLAS. */
    public static double gemmGflops() {
        int n = 512;
        FloatBuffer fa = Matrix.allocate((long) n * n),
                fb = Matrix.allocate((long) n * n),
                fc = Matrix.allocate((long) n * n);
        SplittableRandom r = new SplittableRandom(0);
        for (int i = 0; i < n * n; i++) {
            fa.put(i, (float) r.nextDouble());
            fb.put(i, (float) r.nextDouble());
        }
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            Blas.gemm(false, n, n, n, 1f, fa, 0, n, fb, 0, n, 0f, fc, 0, n);
            if (rep > 0) best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return 2.0 * n * n * n / best / 1e9;
    }

    private static String environment() {
        List<String> set = new ArrayList<>();
        for (String k :
                new String[] {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"})
            if (System.getenv(k) != null) set.add(k + "=" + System.getenv(k));
        return set.isEmpty() ? "" : ", environment " + String.join(" ", set);
    }
}
