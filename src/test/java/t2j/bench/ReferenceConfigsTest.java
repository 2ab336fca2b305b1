package t2j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import t2j.json.Json;

/** Each figure is compared with the reference's best thread configuration for it, and every configuration is shown. */
class ReferenceConfigsTest {
    // The shape hf_reference.py prints, with the figures measured on 2 cores (PyTorch 1.13, OpenBLAS 0.3.21).
    private static final String FORWARD = "{\"configs\": ["
            + "{\"torch_threads\": 2, \"blas_threads\": 2, \"prefill_tok_s\": 7832.1, \"decode_tok_s\": 401.5},"
            + "{\"torch_threads\": 2, \"blas_threads\": 1, \"prefill_tok_s\": 6607.0, \"decode_tok_s\": 455.5},"
            + "{\"torch_threads\": 1, \"blas_threads\": 1, \"prefill_tok_s\": 4012.9, \"decode_tok_s\": 390.0}],"
            + " \"blas\": {\"torch\": \"1.13\", \"threads\": 2, \"blas_threads\": 2}}";

    @Test
    void eachFigurePicksItsOwnBestConfiguration() {
        Map<String, Object> j = Json.parseObject(FORWARD, "test");
        ReferenceConfigs.Choice prefill = ReferenceConfigs.best(j, "prefill_tok_s", true);
        ReferenceConfigs.Choice decode = ReferenceConfigs.best(j, "decode_tok_s", true);
        assertEquals("2/2", prefill.best().label());
        assertEquals(7832.1, prefill.value(), 1e-9);
        assertEquals("2/1", decode.best().label());
        assertEquals(455.5, decode.value(), 1e-9);
    }

    @Test
    void timesPickTheLowest() {
        Map<String, Object> j = Json.parseObject(
                "{\"configs\": [{\"torch_threads\": 2, \"blas_threads\": 2, \"svf_iteration_s\": 0.66},"
                        + " {\"torch_threads\": 2, \"blas_threads\": 1, \"svf_iteration_s\": 0.378},"
                        + " {\"torch_threads\": 1, \"blas_threads\": 1, \"svf_iteration_s\": 0.41}]}",
                "test");
        ReferenceConfigs.Choice c = ReferenceConfigs.best(j, "svf_iteration_s", false);
        assertEquals("2/1", c.best().label());
        assertEquals(0.378, c.value(), 1e-12);
    }

    @Test
    void theLineListsEveryConfigurationAndMarksTheBest() {
        ReferenceConfigs.Choice c = ReferenceConfigs.best(Json.parseObject(FORWARD, "test"), "decode_tok_s", true);
        assertEquals(
                "PyTorch decode tokens/s by threads torch/BLAS: 2/2 401.5, 2/1 455.5 (best), 1/1 390.0",
                c.line("PyTorch decode tokens/s"));
    }

    @Test
    void aBlasWithoutSettableThreadsIsLabelledSo() {
        List<ReferenceConfigs.Config> all = ReferenceConfigs.parse(Json.parseObject(
                "{\"configs\": [{\"torch_threads\": 2, \"blas_threads\": null, \"train_tok_s\": 900},"
                        + " {\"torch_threads\": 1, \"blas_threads\": null, \"train_tok_s\": 700}]}",
                "test"));
        assertNull(all.get(0).blasThreads());
        assertEquals(
                "t by threads torch/BLAS: 2/- 900.0 (best), 1/- 700.0",
                ReferenceConfigs.best(all, "train_tok_s", true).line("t"));
    }

    @Test
    void malformedOutputIsAClearError() {
        IllegalArgumentException none = assertThrows(
                IllegalArgumentException.class,
                () -> ReferenceConfigs.best(Json.parseObject("{\"prefill_tok_s\": 5}", "test"), "prefill_tok_s", true));
        assertTrue(none.getMessage().contains("'configs'"), none.getMessage());
        IllegalArgumentException missing = assertThrows(
                IllegalArgumentException.class,
                () -> ReferenceConfigs.best(Json.parseObject(FORWARD, "test"), "train_tok_s", true));
        assertTrue(
                missing.getMessage().contains("2/2") && missing.getMessage().contains("'train_tok_s'"),
                missing.getMessage());
    }

    @Test
    void candidatesCoverBothBlasThreadingsAndOptionallyOneThread() {
        assertEquals("2x2,2x1,1x1", ReferenceConfigs.candidates(2, true));
        assertEquals("8x8,8x1", ReferenceConfigs.candidates(8, false));
        assertEquals("1x1", ReferenceConfigs.candidates(1, true), "no configuration is timed twice");
    }

    @Test
    void theRowUsesTheBestAndTheRatioIsAgainstIt() {
        ReferenceConfigs.Choice prefill =
                ReferenceConfigs.best(Json.parseObject(FORWARD, "test"), "prefill_tok_s", true);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ForwardBench.row(
                new PrintStream(b, true, StandardCharsets.UTF_8),
                "prefill",
                "tokens/s",
                6804.0,
                ForwardBench.value(prefill),
                true);
        String row = b.toString(StandardCharsets.UTF_8);
        assertTrue(row.matches("prefill\\s+6804\\s+7832\\s+0\\.87\\s+tokens/s\\n"), row);
    }
}
