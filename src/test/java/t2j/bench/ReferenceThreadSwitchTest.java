package t2j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.io.DType;
import t2j.model.ModelConfig;
import t2j.model.ModelWeights;

/**
 * hf_reference.py switches torch's and OpenBLAS's threads inside one process and times every configuration asked for
 * (it exits with an error when a switch does not take). Skipped, with the reason shown, only where python3-torch is
 * not installed; CI installs it with OpenBLAS.
 */
class ReferenceThreadSwitchTest {
    @TempDir
    Path tmp;

    @Test
    void everyConfigurationIsTimedUnderItsOwnThreads() throws Exception {
        String unavailable = PythonReference.unavailableReason();
        assumeTrue(unavailable == null, "PyTorch reference unavailable: " + unavailable);
        ModelConfig c = new ModelConfig(
                "llama", 64, 128, 4, 2, 16, 2, 300, 1e-5, 500000.0, null, 0, false, 256, new int[] {1}, new int[] {2});
        c.save(tmp);
        ModelWeights.random(c, 5, 0.05).save(tmp, DType.F32, 1L << 30);
        String[] why = new String[1];
        Map<String, Object> j = ForwardBench.referencePrefillAndDecode(tmp, 8, 4, 1, "2x2,2x1,1x1", why);
        assertNotNull(j, why[0]);
        List<ReferenceConfigs.Config> all = ReferenceConfigs.parse(j);
        boolean openblas = ((List<?>) ForwardBench.blas(j).get("libraries"))
                .stream().anyMatch(l -> String.valueOf(l).contains("openblas"));
        assertEquals(
                openblas ? List.of("2/2", "2/1", "1/1") : List.of("2/-", "1/-"),
                all.stream().map(ReferenceConfigs.Config::label).toList(),
                "libraries " + ForwardBench.blas(j).get("libraries"));
        for (String figure : List.of("prefill_tok_s", "decode_tok_s")) {
            ReferenceConfigs.Choice best = ReferenceConfigs.best(all, figure, true);
            for (ReferenceConfigs.Config cf : all)
                assertTrue(cf.figure(figure) > 0 && cf.figure(figure) <= best.value(), cf + " " + figure);
        }
    }
}
