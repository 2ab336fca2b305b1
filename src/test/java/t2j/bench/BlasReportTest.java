package t2j.bench;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bench prints no ratio against a reference that is not at its best, and says why. */
class BlasReportTest {
    private static Map<String, Object> reference(String library, String config, double gflops) {
        return Map.of(
                "torch",
                "1.13",
                "threads",
                2,
                "libraries",
                List.of(library),
                "config",
                config,
                "gemm_gflops",
                gflops,
                "env",
                Map.of());
    }

    @Test
    void refusesTheNetlibReferenceBlas() {
        String why = BlasReport.verdict(
                reference(
                        "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0",
                        "BLAS_INFO=generic LAPACK_INFO=generic",
                        200),
                100);
        assertTrue(why != null && why.contains("reference BLAS") && why.contains("libopenblas0-pthread"), why);
        // A build flag that merely mentions MKL-DNN does not make the BLAS optimized.
        assertTrue(BlasReport.verdict(
                        reference(
                                "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3", "BLAS_INFO=generic USE_MKLDNN=ON", 200),
                        100)
                != null);
    }

    @Test
    void refusesAnOptimizedBlasRunningFarBelowItsSpeed() {
        String why = BlasReport.verdict(
                reference("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3", "BLAS_INFO=generic", 20), 100);
        assertTrue(why != null && why.contains("20.0 GFLOP/s") && why.contains("100.0"), why);
    }

    @Test
    void acceptsAReferenceAtItsBest() {
        assertNull(BlasReport.verdict(
                reference("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3", "BLAS_INFO=generic", 90), 100));
        assertNull(BlasReport.verdict(
                reference("/opt/conda/lib/libmkl_rt.so.2", "BLAS_INFO=mkl LAPACK_INFO=mkl", 150), 100));
    }

    @Test
    void theEnginesOwnGemmIsMeasured() {
        double g = BlasReport.gemmGflops();
        assertTrue(g > 0.5 && Double.isFinite(g), "sgemm " + g + " GFLOP/s");
        String lib = BlasReport.loadedLibrary();
        assertTrue(lib != null && lib.contains("libopenblas"), "the engine's OpenBLAS is mapped: " + lib);
    }
}
