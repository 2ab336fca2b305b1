package t2j.train;

import java.util.ArrayList;
import java.util.List;
import t2j.generate.GenerationConfig;
import t2j.generate.Generator;
import t2j.model.Transformer;
import t2j.prompt.Prompter;
import t2j.task.Example;
import t2j.task.Task;
import t2j.task.Verdict;
import t2j.util.Progress;

/**
 * Greedy accuracy of a model, as its weights are now, on a list of task examples, in batches.
 *
 * <pre>{@code
 * Evaluation e = new Evaluator(model, prompter, 64).evaluate(task, task.examples(Split.VALIDATION), Progress.NONE);
 * System.out.println(e.accuracy());
 * }</pre>
 */
public final class Evaluator {
    private final Transformer model;
    private final Prompter prompter;
    private final int maxNewTokens;
    private final int batchSize;

    public Evaluator(Transformer model, Prompter prompter, int maxNewTokens) {
        this(model, prompter, maxNewTokens, 32);
    }

    public Evaluator(Transformer model, Prompter prompter, int maxNewTokens, int batchSize) {
        this.model = model;
        this.prompter = prompter;
        this.maxNewTokens = maxNewTokens;
        this.batchSize = batchSize;
    }

    /** One example's outcome. */
    public record Outcome(Example example, String completion, Verdict verdict) {}

    /** All outcomes and their accuracy. */
    public record Evaluation(List<Outcome> outcomes) {
        public double accuracy() {
            if (outcomes.isEmpty()) return 0;
            long ok = outcomes.stream().filter(o -> o.verdict().correct()).count();
            return (double) ok / outcomes.size();
        }

        public int correct() {
            return (int) outcomes.stream().filter(o -> o.verdict().correct()).count();
        }
    }

    /** Generates greedily for every example and verifies each completion. */
    public Evaluation evaluate(Task task, List<Example> examples, Progress progress) {
        // A bar that says which task it counts, since a study evaluates many in a row.
        Progress named = (what, done, total) -> progress.update(what + " " + task.name(), done, total);
        List<String> texts = complete(examples, named);
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++)
            out.add(new Outcome(examples.get(i), texts.get(i), task.verify(examples.get(i), texts.get(i))));
        return new Evaluation(out);
    }

    /** Greedy completions (text) for the examples, batched. */
    public List<String> complete(List<Example> examples, Progress progress) {
        Generator gen = new Generator(model);
        GenerationConfig cfg = GenerationConfig.greedy(maxNewTokens, prompter.stopIds());
        List<String> texts = new ArrayList<>();
        for (int from = 0; from < examples.size(); from += batchSize) {
            Progress.checkInterrupted("evaluation");
            List<int[]> prompts = new ArrayList<>();
            for (Example e : examples.subList(from, Math.min(examples.size(), from + batchSize)))
                prompts.add(prompter.promptIds(e));
            for (Generator.Generation g : gen.generate(prompts, cfg, null)) texts.add(prompter.decode(g.tokens()));
            progress.update("evaluate", texts.size(), examples.size());
        }
        return texts;
    }
}
