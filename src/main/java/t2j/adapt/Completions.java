package t2j.adapt;

import java.util.ArrayList;
import java.util.List;
import t2j.generate.GenerationConfig;
import t2j.generate.Generator;
import t2j.model.Transformer;
import t2j.prompt.Prompter;
import t2j.task.Example;
import t2j.util.Progress;

/** Greedy, batched completions that keep their token ids (few-shot fitness needs them for log-likelihoods). */
final class Completions {
    private Completions() {}

    record Row(int[] prompt, int[] tokens, String text) {}

    static List<Row> greedy(
            Transformer model,
            Prompter prompter,
            List<Example> examples,
            int maxNewTokens,
            int batchSize,
            String what) {
        Generator gen = new Generator(model);
        GenerationConfig cfg = GenerationConfig.greedy(maxNewTokens, prompter.stopIds());
        List<Row> out = new ArrayList<>(examples.size());
        for (int from = 0; from < examples.size(); from += batchSize) {
            Progress.checkInterrupted(what);
            List<int[]> prompts = new ArrayList<>();
            for (Example e : examples.subList(from, Math.min(examples.size(), from + batchSize)))
                prompts.add(prompter.promptIds(e));
            List<Generator.Generation> gens = gen.generate(prompts, cfg, null);
            for (int i = 0; i < gens.size(); i++)
                out.add(new Row(
                        prompts.get(i),
                        gens.get(i).tokens(),
                        prompter.decode(gens.get(i).tokens())));
        }
        return out;
    }
}
