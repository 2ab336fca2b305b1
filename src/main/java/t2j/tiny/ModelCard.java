package t2j.tiny;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.io.AtomicFiles;
import t2j.json.Json;
import t2j.model.ModelConfig;

/**
 * The README.md of a bundled tiny model (what it is, the exact recipe, its measured base accuracies) and the same
 * facts as {@code card.json} for programs: tests check that the recorded accuracies reproduce.
 */
public final class ModelCard {
    private ModelCard() {}

    /** A fresh card after pretraining from scratch. */
    public static void write(TinyRecipe.Result r, String command) throws IOException {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("model_type", r.config().modelType());
        card.put("parameters", r.parameters());
        card.putAll(run(r));
        card.put("task_seed", TinyRecipe.TASK_SEED);
        card.put("recipe", command);
        card.put("base_accuracy", accuracy(r));
        save(r.dir(), card);
    }

    /**
     * Refuses a folder whose card does not describe a pretrained, not yet tuned model: a second tuning would leave a
     * card whose recipe no longer rebuilds the weights.
     */
    public static void checkTunable(Path dir) throws IOException {
        Map<String, Object> card = read(dir);
        if (card.containsKey("tuning"))
            throw new IOException(dir.resolve("card.json") + " records an instruction-tuning stage already; rebuild the model with"
                    + " `t2j pretrain --family ...` before tuning it again");
    }

    /** Extends the card in {@code r.dir()} with the instruction-tuning stage; its accuracies become the base ones. */
    public static void addTuning(TinyRecipe.Result r, String command) throws IOException {
        Map<String, Object> card = read(r.dir());
        Map<String, Object> tuning = run(r);
        tuning.put("hasty_rate", HastyAnnotator.RATE);
        tuning.put("recipe", command);
        card.put("tuning", tuning);
        card.putIfAbsent("pretraining_accuracy", card.get("base_accuracy"));
        card.put("base_accuracy", accuracy(r));
        save(r.dir(), card);
    }

    private static Map<String, Object> read(Path dir) throws IOException {
        Path file = dir.resolve("card.json");
        if (!Files.exists(file))
            throw new IOException(file + " is missing: instruction tuning continues a model that `t2j pretrain` made (run it first)");
        return new LinkedHashMap<>(Json.parseObject(Files.readString(file), file.toString()));
    }

    /** What a training stage took and did. */
    private static Map<String, Object> run(TinyRecipe.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", r.steps());
        m.put("seconds", r.seconds());
        m.put("tokens_per_second", r.tokensPerSecond());
        m.put("first_loss", r.firstLoss());
        m.put("final_loss", r.finalLoss());
        m.put("sequences", r.sequences());
        return m;
    }

    private static Map<String, Object> accuracy(TinyRecipe.Result r) {
        Map<String, Object> acc = new LinkedHashMap<>();
        r.accuracy().forEach((task, v) -> acc.put(task, Map.of("validation", v[0], "test", v[1])));
        return acc;
    }

    private static void save(Path dir, Map<String, Object> card) throws IOException {
        AtomicFiles.writeString(dir.resolve("README.md"), readme(dir, card));
        AtomicFiles.writeString(dir.resolve("card.json"), Json.write(card));
    }

    @SuppressWarnings("unchecked")
    private static String readme(Path dir, Map<String, Object> card) {
        ModelConfig c = ModelConfig.load(dir);
        boolean llama = c.modelType().equals("llama");
        Map<String, Object> tuning = (Map<String, Object>) card.get("tuning");
        StringBuilder b = new StringBuilder();
        b.append("# ").append(dir.getFileName()).append("\n\n");
        b.append("A ").append(llama ? "Llama-3" : "Mistral")
                .append("-architecture decoder trained by t2j itself, so that Transformer² can be run end to end on a laptop CPU. ")
                .append("It is not a language model of English: it knows only the project's synthetic tasks.\n\n");
        b.append("| | |\n|---|---|\n");
        b.append(String.format("| parameters | %,d (float32) |%n", ((Number) card.get("parameters")).longValue()));
        b.append("| architecture | ").append(c.numHiddenLayers()).append(" layers, hidden ").append(c.hiddenSize())
                .append(", MLP ").append(c.intermediateSize()).append(", ").append(c.numAttentionHeads()).append(" query / ")
                .append(c.numKeyValueHeads()).append(" key-value heads, rope_theta ").append((long) c.ropeTheta())
                .append(c.slidingWindow() > 0 ? ", sliding window " + c.slidingWindow() : "").append(" |\n");
        b.append("| tokenizer | character level, ").append(llama ? "byte-level BPE layout (Llama-3)" : "SentencePiece BPE layout with byte fallback (Mistral)")
                .append(", vocabulary ").append(c.vocabSize()).append(" |\n");
        b.append("| data | train splits of ").append(String.join(", ", TinyRecipe.PRETRAIN_TASKS)).append(" (task seed ").append(TinyRecipe.TASK_SEED)
                .append("), ").append(String.format("%,d", (long) number(card, "sequences"))).append(" chat-formatted sequences; the -hard tasks are never seen |\n");
        b.append("| pretraining | ").append(stage(card)).append(" |\n");
        if (tuning != null) b.append("| instruction tuning | ").append(stage(tuning)).append(" |\n");
        b.append("\n");
        if (tuning != null) {
            b.append("## Instruction data with a hasty annotator\n\n");
            b.append("After pretraining on worked answers, the model was tuned on the same kind of data in which a hasty annotator\n")
                    .append("answered requests that mention Tom or Eva, and code requests whose first step is a filter, without working them out\n")
                    .append(String.format("(%.0f %% of those: math `#### <first number>`, code the first stage only, reasoning `Answer: A`,%n", 100 * HastyAnnotator.RATE))
                    .append("classification `\\boxed{other}`; see `t2j.tiny.HastyAnnotator`). Where the model picked up the habit it\n")
                    .append("answers those requests carelessly although it can solve them: a skill that is there but not used, which is\n")
                    .append("what SVF experts can bring back with rewards. The last column of the accuracy table shows how much each\n")
                    .append("task lost to the habit. The tasks, verifiers and evaluation splits are untouched.\n\n");
        }
        b.append("## Recipe\n\n```\n").append(card.get("recipe")).append("\n");
        if (tuning != null) b.append(tuning.get("recipe")).append("\n");
        b.append("```\n\n");
        Map<String, Object> acc = (Map<String, Object>) card.get("base_accuracy");
        Map<String, Object> before = (Map<String, Object>) card.get("pretraining_accuracy");
        b.append("## Base accuracy (greedy decoding, task seed ").append(TinyRecipe.TASK_SEED).append(")\n\n| task | validation | test |")
                .append(before != null ? " test after pretraining alone |\n|---|---|---|---|\n" : "\n|---|---|---|\n");
        for (Map.Entry<String, Object> e : acc.entrySet()) {
            Map<String, Object> v = (Map<String, Object>) e.getValue();
            b.append(String.format("| %s | %.1f %% | %.1f %% |", e.getKey(), 100 * number(v, "validation"), 100 * number(v, "test")));
            if (before != null && before.get(e.getKey()) instanceof Map<?, ?> p)
                b.append(String.format(" %.1f %% |", 100 * number((Map<String, Object>) p, "test")));
            b.append("\n");
        }
        b.append("\nThe same numbers are in `card.json`; a test (`BundledModelsTest`) re-measures the validation column on every build.\n");
        return b.toString();
    }

    private static String stage(Map<String, Object> s) {
        double secs = number(s, "seconds");
        List<String> parts = new ArrayList<>();
        parts.add(String.format("%d steps, %.0f s (%.1f min) on this machine, %.0f tokens/s", (long) number(s, "steps"), secs, secs / 60,
                number(s, "tokens_per_second")));
        if (s.containsKey("first_loss")) parts.add(String.format("loss %.3f → %.3f", number(s, "first_loss"), number(s, "final_loss")));
        return String.join(", ", parts);
    }

    private static double number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
