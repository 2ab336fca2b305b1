package t2j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a bench prints: result rows whose ratio always reads "above 1 = t2j faster", and the reference's BLAS. */
class ReportFormattingTest {
    private static String row(String phase, String unit, double java, Double torch, boolean higherIsBetter) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ForwardBench.row(new PrintStream(b, true, StandardCharsets.UTF_8), phase, unit, java, torch, higherIsBetter);
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theRatioIsT2jOverReferenceForThroughputAndReferenceOverT2jForTime() {
        String throughput = row("prefill", "tok/s", 2000, 1000.0, true);
        assertTrue(throughput.matches("prefill\\s+2000\\s+1000\\s+2\\.00\\s+tok/s\\n"), throughput);
        String time = row("svd", "s", 0.5, 1.0, false);
        assertTrue(time.matches("svd\\s+0\\.5000\\s+1\\.000\\s+2\\.00\\s+s\\n"), time);
    }

    @Test
    void aMissingReferenceShowsDashesNotARatio() {
        String r = row("decode", "tok/s", 1401, null, true);
        assertTrue(r.matches("decode\\s+1401\\s+-\\s+-\\s+tok/s\\n"), r);
    }

    @Test
    void theReferencesBlasIsDescribedWithItsEnvironmentOnlyWhenSet() {
        Map<String, Object> plain = Map.of(
                "torch",
                "1.13",
                "threads",
                2,
                "libraries",
                List.of("/usr/lib/libopenblas.so.0"),
                "config",
                "BLAS_INFO=open",
                "gemm_gflops",
                185.04,
                "env",
                Map.of());
        String want = "PyTorch 1.13: /usr/lib/libopenblas.so.0, BLAS_INFO=open, 2 threads, sgemm 185.0 GFLOP/s "
                + "(512x512x512)";
        assertEquals(want, BlasReport.describe(plain));
        Map<String, Object> withBlasThreads = new java.util.HashMap<>(plain);
        withBlasThreads.put("blas_threads", 2);
        assertTrue(
                BlasReport.describe(withBlasThreads).contains(", 2 torch + 2 BLAS threads, sgemm 185.0"),
                BlasReport.describe(withBlasThreads));
        Map<String, Object> tuned = Map.of(
                "torch",
                "1.13",
                "threads",
                2,
                "libraries",
                List.of(),
                "config",
                "",
                "gemm_gflops",
                90,
                "env",
                Map.of("OPENBLAS_CORETYPE", "Haswell"));
        assertTrue(
                BlasReport.describe(tuned).endsWith(", environment {OPENBLAS_CORETYPE=Haswell}"),
                BlasReport.describe(tuned));
    }
}
