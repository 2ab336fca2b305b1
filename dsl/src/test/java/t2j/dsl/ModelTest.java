package t2j.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import t2j.task.Split;
import t2j.task.Task;
import t2j.train.Evaluator;
import t2j.util.Progress;

class ModelTest {
    static Model llama;

    @BeforeAll
    static void load() {
        llama = Model.bundled("tiny-llama");
    }

    @Test
    void bundledModelLoadsFromTheProjectModelsFolder() {
        assertEquals("tiny-llama", llama.name());
        assertEquals("llama", llama.config().modelType());
        assertEquals(llama.transformer().weights().parameterCount(), llama.parameters());
        Map<String, Object> b = llama.mimeBundle();
        assertTrue(((String) b.get("text/html")).contains("parameters"), "model card table");
        assertTrue(((String) b.get("text/plain")).startsWith("tiny-llama (llama"));
    }

    @Test
    void unknownBundledModelNamesWhatExists() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Model.bundled("huge-llama"));
        assertTrue(e.getMessage().contains("tiny-llama, tiny-mistral and tiny-mistral-from-llama"), e.getMessage());
    }

    @Test
    void askGivesTheSameGreedyAnswerAsTheEngine() {
        Task math = Model.task("math");
        var ex = math.examples(Split.TEST).get(0);
        String engine = new Evaluator(llama.transformer(), llama.prompter(), Model.MAX_NEW_TOKENS)
                .complete(List.of(ex), Progress.NONE)
                .get(0);
        // ask() sends the prompt without the task's system message, so compare against a request built the same way
        var bare = new t2j.task.Example("x", null, ex.prompt(), null, null);
        String engineBare = new Evaluator(llama.transformer(), llama.prompter(), Model.MAX_NEW_TOKENS)
                .complete(List.of(bare), Progress.NONE)
                .get(0);
        Reply r = llama.ask(ex.prompt());
        assertEquals(engineBare, r.text());
        assertFalse(engine.isEmpty());
        assertTrue(((String) r.mimeBundle().get("text/html")).contains("answer"));
    }

    @Test
    void evaluateMatchesTheEngineEvaluator() {
        Score s = llama.evaluate("math", 12);
        Task math = Model.task("math");
        var ev = new Evaluator(llama.transformer(), llama.prompter(), Model.MAX_NEW_TOKENS)
                .evaluate(math, math.examples(Split.TEST).subList(0, 12), Progress.NONE);
        assertEquals(12, s.total());
        assertEquals(ev.correct(), s.correct());
        assertTrue(s.toString().contains("math"), s.toString());
        assertTrue(((String) s.examples(3).mimeBundle().get("text/html")).contains("<table"));
    }

    @Test
    void spectraShowAsAPictureAndTruncationRestoresTheWeights() throws Exception {
        String before = llama.transformer().weights().fingerprint();
        Spectra s = llama.decompose();
        assertEquals(3 * llama.config().numHiddenLayers(), s.names().size());
        byte[] png = Base64.getDecoder().decode((String) s.mimeBundle().get("image/png"));
        assertTrue(ImageIO.read(new ByteArrayInputStream(png)).getWidth() > 100);
        assertThrows(IllegalArgumentException.class, () -> s.chart("no_such_matrix"));

        Sweep sw = s.truncation(Model.task("code"), new double[] {1.0, 0.0}, 8);
        double full = sw.y("code")[0], none = sw.y("code")[1];
        assertEquals(
                llama.evaluate("code", 8).accuracy(), full, 1e-9, "keeping every singular value is the base model");
        assertTrue(none <= full, "a model with all-zero MLP matrices is no better than the base");
        assertEquals(before, llama.transformer().weights().fingerprint(), "base weights are back");
    }
}
