package t2j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import t2j.bench.PythonReference;
import t2j.io.DType;
import t2j.json.Json;

/**
 * The Java decoder against an independent PyTorch implementation of the HF modeling code, on the same safetensors
 * (f32): max |Δlogit| ≤ 1e-4. Skipped, with the reason shown, only where python3-torch is not installed.
 */
class PyTorchConformanceTest {
    @TempDir
    static Path tmp;

    static String unavailable;

    @BeforeAll
    static void probe() {
        unavailable = PythonReference.unavailableReason();
    }

    static Stream<ModelConfig> configs() {
        return Stream.of(TinyModels.llama(), TinyModels.mistral());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void logitsMatchPyTorchReference(ModelConfig c) throws Exception {
        assumeTrue(unavailable == null, "PyTorch reference unavailable: " + unavailable);
        Path dir = TinyModels.write(tmp.resolve(c.modelType()), c, 11, DType.F32, 1L << 30);
        // Longer than the Mistral window (5) and past llama3 scaling's original context (16).
        int[] ids = new int[24];
        for (int i = 0; i < ids.length; i++) ids[i] = (i * 37 + 5) % c.vocabSize();
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < ids.length; i++) csv.append(i == 0 ? "" : ",").append(ids[i]);
        Path out = tmp.resolve(c.modelType() + "-torch.json");
        PythonReference.Result r = PythonReference.reference(
                List.of("logits", dir.toString(), "--ids", csv.toString(), "--out", out.toString()), 300);
        assertEquals(0, r.exit(), "reference failed: " + r.output());
        Map<String, Object> doc = Json.parseObject(Files.readString(out), out.toString());
        List<?> rows = (List<?>) doc.get("logits");
        float[][] ours = Transformer.load(dir).logits(ids);
        assertEquals(ids.length, rows.size());
        double worst = 0, scale = 0;
        for (int t = 0; t < ids.length; t++) {
            List<?> row = (List<?>) rows.get(t);
            for (int v = 0; v < row.size(); v++) {
                double want = ((Number) row.get(v)).doubleValue();
                worst = Math.max(worst, Math.abs(want - ours[t][v]));
                scale = Math.max(scale, Math.abs(want));
            }
        }
        assertTrue(scale > 0.5, "logits too flat to compare meaningfully: max |logit| = " + scale);
        assertTrue(worst <= 1e-4, "max |Δlogit| vs PyTorch = " + worst + " (max |logit| " + scale + ")");
    }
}
