package t2j.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import t2j.model.Transformer;
import t2j.prompt.ChatPrompter;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.SvfAdapter;
import t2j.svf.Targets;
import t2j.task.Answers;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Tasks;
import t2j.tiny.TinyRecipe;
import t2j.tokenizer.Tokenizer;
import t2j.train.Evaluator;
import t2j.util.Progress;

/** Transformer²'s adaptation on the shipped tiny models and their shipped experts (not a synthetic world). */
class BundledAdaptationTest {
    private static final List<String> CATEGORIES = List.of("math", "code", "reasoning");

    /** The repository's models folder, found from the engine module's working directory. */
    private static Path models() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (java.nio.file.Files.isDirectory(p.resolve("models/tiny-llama"))) return p.resolve("models");
        throw new IllegalStateException(
                "no models/tiny-llama above " + Path.of("").toAbsolutePath());
    }

    private record Loaded(
            Transformer model,
            ChatPrompter prompter,
            Decomposition dec,
            Map<String, Expert> experts,
            AdaptContext ctx) {}

    private static Loaded load(String name) throws Exception {
        Path dir = models().resolve(name);
        Transformer model = Transformer.load(dir);
        ChatPrompter prompter = ChatPrompter.forModel(Tokenizer.load(dir), model.config());
        Decomposition dec = Decomposition.compute(model.weights(), Targets.MLP, Progress.NONE);
        Map<String, Expert> experts = Expert.loadAll(dir.resolve("experts"));
        return new Loaded(
                model,
                prompter,
                dec,
                experts,
                new AdaptContext(model, prompter, new ExpertPool(model, dec, experts), 64));
    }

    private static List<Example> requests(List<String> labels) {
        List<Example> out = new ArrayList<>();
        for (String c : CATEGORIES)
            for (Example e :
                    Tasks.builtin(c, TinyRecipe.TASK_SEED).examples(Split.TEST).subList(0, 10)) {
                out.add(e);
                labels.add(c);
            }
        return out;
    }

    /** How often the model, with {@code expert} composed (null: base), answers the classification prompt with the true label. */
    private static int measuredCorrect(
            Loaded l, String expert, PromptDispatcher p, List<Example> requests, List<String> labels) {
        SvfAdapter svf = new SvfAdapter(
                l.model(), l.dec(), l.experts().values().iterator().next().parametrization(), 0);
        try {
            if (expert != null) {
                svf.setZ(l.experts().get(expert).z());
                svf.apply();
            }
            List<Example> prompts =
                    requests.stream().map(p::classificationPrompt).toList();
            List<String> outs = new Evaluator(l.model(), l.prompter(), 32).complete(prompts, Progress.NONE);
            int ok = 0;
            for (int i = 0; i < outs.size(); i++) {
                String label = Answers.firstBoxed(outs.get(i));
                if (label != null && label.strip().equals(labels.get(i))) ok++;
            }
            return ok;
        } finally {
            svf.restore();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-llama", "tiny-mistral"})
    void promptAndClassifierDispatchRouteAsOftenAsMeasured(String name) throws Exception {
        Loaded l = load(name);
        String fp = l.model().weights().fingerprint();
        List<String> labels = new ArrayList<>();
        List<Example> requests = requests(labels);
        PromptDispatcher prompt = new PromptDispatcher(CATEGORIES);
        Map<String, Dispatcher> dispatchers = new LinkedHashMap<>();
        dispatchers.put(null, prompt);
        dispatchers.put("classification", new ClassifierDispatcher("classification", prompt));
        for (Map.Entry<String, Dispatcher> d : dispatchers.entrySet()) {
            TwoPass.Run run = new TwoPass(l.ctx(), d.getValue()).answerAll(requests, Progress.NONE);
            assertEquals(
                    fp,
                    l.model().weights().fingerprint(),
                    "base weights after " + d.getValue().name());
            List<ConfusionMatrix.Pair> pairs = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++)
                pairs.add(new ConfusionMatrix.Pair(
                        labels.get(i), run.answers().get(i).decision().label()));
            ConfusionMatrix cm = ConfusionMatrix.of(d.getValue().name(), CATEGORIES, pairs);
            int measured = measuredCorrect(l, d.getKey(), prompt, requests, labels);
            assertEquals(measured, cm.correct(), name + " " + d.getValue().name() + " routing:\n" + cm.toMarkdown());
            System.out.printf("%s %s routing %d/%d%n", name, d.getValue().name(), cm.correct(), cm.total());
        }
    }

    @Test
    void cemPutsMostWeightOnTheShippedExpertOverAnInvertedOne() throws Exception {
        Loaded base = load("tiny-llama");
        // "wrong": masks that switch off the larger half of every spectrum and keep the smaller half.
        Map<String, float[]> reversed = new LinkedHashMap<>();
        base.experts().get("code").z().forEach((k, v) -> {
            float[] r = new float[v.length];
            for (int i = 0; i < v.length; i++) r[i] = i < v.length / 2 ? -10f : 10f;
            reversed.put(k, r);
        });
        Map<String, Expert> two = new LinkedHashMap<>();
        two.put("wrong", new Expert(reversed, base.experts().get("code").info()));
        two.put("right", base.experts().get("code"));
        AdaptContext ctx =
                new AdaptContext(base.model(), base.prompter(), new ExpertPool(base.model(), base.dec(), two), 64);
        Task code = Tasks.builtin("code", TinyRecipe.TASK_SEED);
        List<Example> shots = code.examples(Split.TRANSFER).subList(0, 12);
        FewShotCem.Fitness right = FewShotCem.evaluate(code, shots, ctx, Mixture.of("right"));
        FewShotCem.Fitness wrong = FewShotCem.evaluate(code, shots, ctx, Mixture.of("wrong"));
        assertTrue(
                right.compareTo(wrong) > 0,
                "premise: the shipped expert beats the inverted masks: " + right + " vs " + wrong);
        FewShotCem.Result r = new FewShotCem(FewShotCem.Config.defaults()
                        .withPopulation(8)
                        .withIterations(3)
                        .withSeed(5))
                .search(code, shots, ctx, List.of("wrong", "right"), Progress.NONE);
        assertTrue(r.bestAlpha().get("right") > r.bestAlpha().get("wrong"), "best α " + r.bestAlpha());
    }

    @Test
    void anExpertOfTheOtherTinyModelIsRefusedUnlessTransferred() throws Exception {
        Loaded mistral = load("tiny-mistral");
        Expert llamaMath = Expert.load(models().resolve("tiny-llama/experts/math.safetensors"));
        Expert.IncompatibleExpertException e = assertThrows(
                Expert.IncompatibleExpertException.class,
                () -> new ExpertPool(mistral.model(), mistral.dec(), Map.of("math", llamaMath)));
        assertTrue(e.getMessage().toLowerCase().contains("transfer"), e.getMessage());
        Expert moved = Transfer.apply(llamaMath, mistral.dec(), "mistral", Transfer.Policy.AS_IS, 1);
        ExpertPool pool = new ExpertPool(mistral.model(), mistral.dec(), Map.of("math", moved));
        String fp = mistral.model().weights().fingerprint();
        try (Scope scope = pool.use(Mixture.of("math"))) {
            assertFalse(fp.equals(mistral.model().weights().fingerprint()));
        }
        assertEquals(fp, mistral.model().weights().fingerprint());
    }
}
