package t2j.tiny;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import t2j.json.Json;
import t2j.model.Transformer;
import t2j.prompt.ChatPrompter;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Tasks;
import t2j.tokenizer.Tokenizer;
import t2j.train.Evaluator;
import t2j.util.Progress;

/**
 * The models under {@code models/} load through the ordinary Hugging Face path, stay within their size budget, and
 * reproduce the base accuracies their model card records (greedy decoding, same task seed).
 */
class BundledModelsTest {
    /** The repository's models folder, found from the engine module's working directory. */
    static Path models() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent())
            if (Files.isDirectory(p.resolve("models")) && Files.exists(p.resolve("t2j"))) return p.resolve("models");
        return here.resolve("models");
    }

    static Stream<String> names() {
        return Stream.of("tiny-llama", "tiny-mistral", "tiny-mistral-from-llama");
    }

    /** The models that ship experts (tiny-mistral-from-llama is a transfer target and has none of its own). */
    static Stream<String> withExperts() {
        return Stream.of("tiny-llama", "tiny-mistral");
    }

    @ParameterizedTest
    @MethodSource("names")
    @SuppressWarnings("unchecked")
    void loadsAndReproducesItsRecordedBaseAccuracy(String name) throws Exception {
        Path dir = models().resolve(name);
        assertTrue(Files.exists(dir.resolve("card.json")), name + " is not bundled in this checkout (" + dir + ")");
        long bytes;
        try (Stream<Path> s = Files.walk(dir)) {
            bytes = s.filter(p -> p.getFileName().toString().startsWith("model")
                            && p.toString().endsWith(".safetensors"))
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
        assertTrue(bytes <= 10L << 20, name + " weights are " + bytes + " bytes, over the 10 MB budget");
        Transformer model = Transformer.load(dir);
        Tokenizer tok = Tokenizer.load(dir);
        ChatPrompter prompter = ChatPrompter.forModel(tok, model.config());
        Map<String, Object> card = Json.parseObject(
                Files.readString(dir.resolve("card.json")),
                dir.resolve("card.json").toString());
        assertEquals(model.config().modelType(), card.get("model_type"));
        Map<String, Object> acc = (Map<String, Object>) card.get("base_accuracy");
        Evaluator ev = new Evaluator(model, prompter, 64);
        for (String task : TinyRecipe.PRETRAIN_TASKS) {
            double recorded = ((Number) ((Map<String, Object>) acc.get(task)).get("validation")).doubleValue();
            Task t = Tasks.builtin(task, TinyRecipe.TASK_SEED);
            double now =
                    ev.evaluate(t, t.examples(Split.VALIDATION), Progress.NONE).accuracy();
            // Greedy decoding is deterministic; the tolerance covers BLAS summation order on other CPUs (two answers in
            // 100).
            assertEquals(recorded, now, 0.021, name + " on " + task + ": recorded " + recorded + ", measured " + now);
        }
    }

    /**
     * Each shipped expert that records how its best checkpoint was chosen (task seed, validation examples, held-out
     * training examples) reproduces the selection accuracy it records, and that accuracy is at least the base model's.
     */
    @ParameterizedTest
    @MethodSource("withExperts")
    void shippedExpertsReproduceTheirRecordedSelectionAccuracy(String name) throws Exception {
        Path dir = models().resolve(name);
        assertTrue(Files.isDirectory(dir.resolve("experts")), name + " has no shipped experts in this checkout");
        Transformer model = Transformer.load(dir);
        ChatPrompter prompter = ChatPrompter.forModel(Tokenizer.load(dir), model.config());
        t2j.svf.SvfAdapter svf = null;
        for (Map.Entry<String, t2j.svf.Expert> e :
                t2j.svf.Expert.loadAll(dir.resolve("experts")).entrySet()) {
            Map<String, String> info = e.getValue().info();
            if (!info.containsKey("selection_holdout")
                    || !info.containsKey("task_seed")
                    || !info.containsKey("validation")) continue;
            if (svf == null)
                svf = new t2j.svf.SvfAdapter(
                        model,
                        t2j.svf.Decomposition.compute(
                                model.weights(), t2j.svf.Targets.parse(info.get("targets")), Progress.NONE),
                        e.getValue().parametrization(),
                        0);
            Task t = Tasks.builtin(e.getValue().task(), Long.parseLong(info.get("task_seed")));
            java.util.List<t2j.task.Example> valid = t.examples(Split.VALIDATION), train = t.examples(Split.TRAIN);
            java.util.List<t2j.task.Example> selection = new java.util.ArrayList<>(
                    valid.subList(0, Math.min(valid.size(), Integer.parseInt(info.get("validation")))));
            selection.addAll(
                    train.subList(train.size() - Integer.parseInt(info.get("selection_holdout")), train.size()));
            svf.setZ(e.getValue().z());
            svf.apply();
            double now = new Evaluator(model, prompter, 64)
                    .evaluate(t, selection, Progress.NONE)
                    .accuracy();
            svf.restore();
            double recorded = Double.parseDouble(info.get("best_validation")),
                    base = Double.parseDouble(info.get("base_validation"));
            assertEquals(
                    recorded,
                    now,
                    0.021,
                    name + " expert " + e.getKey() + ": recorded selection accuracy " + recorded + ", measured " + now);
            // A trained checkpoint is kept only when it beats the base model; without one, the expert is its initial z,
            // a
            // nearly constant mask that answers like the base model up to a few of the 500 selection examples.
            if (Integer.parseInt(info.get("best_iteration")) > 0)
                assertTrue(
                        recorded > base,
                        name + " expert " + e.getKey() + " records " + recorded + ", not above the base model's "
                                + base);
            else
                assertEquals(
                        base,
                        recorded,
                        0.021,
                        name + " expert " + e.getKey() + " is its initial z but records " + recorded
                                + " against the base's " + base);
        }
    }
}
