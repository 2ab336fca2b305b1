package t2j.tiny;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The README.md of a bundled tiny model: what it is, the exact recipe, and its measured base accuracies. */
public final class ModelCard {
    private ModelCard() {}

    public static void write(TinyRecipe.Result r, String command) throws IOException {
        StringBuilder b = new StringBuilder();
        String name = r.dir().getFileName().toString();
        b.append("# ").append(name).append("\n\n");
        b.append("A ").append(r.config().modelType().equals("llama") ? "Llama-3" : "Mistral")
                .append("-architecture decoder trained by t2j itself, so that Transformer² can be run end to end on a laptop CPU. ")
                .append("It is not a language model of English: it knows only the project's synthetic tasks.\n\n");
        b.append("| | |\n|---|---|\n");
        b.append("| parameters | ").append(String.format("%,d", r.parameters())).append(" (float32) |\n");
        b.append("| architecture | ").append(r.config().numHiddenLayers()).append(" layers, hidden ").append(r.config().hiddenSize())
                .append(", MLP ").append(r.config().intermediateSize()).append(", ").append(r.config().numAttentionHeads()).append(" query / ")
                .append(r.config().numKeyValueHeads()).append(" key-value heads, rope_theta ").append((long) r.config().ropeTheta())
                .append(r.config().slidingWindow() > 0 ? ", sliding window " + r.config().slidingWindow() : "").append(" |\n");
        b.append("| tokenizer | character level, ").append(r.config().modelType().equals("llama") ? "byte-level BPE layout (Llama-3)" : "SentencePiece BPE layout with byte fallback (Mistral)")
                .append(", vocabulary ").append(r.config().vocabSize()).append(" |\n");
        b.append("| data | train splits of ").append(String.join(", ", TinyRecipe.PRETRAIN_TASKS)).append(" (task seed ").append(TinyRecipe.TASK_SEED)
                .append("), ").append(r.sequences()).append(" chat-formatted sequences; the -hard tasks are never seen |\n");
        b.append("| training | ").append(r.steps()).append(" steps, ").append(String.format("%.0f s (%.1f min) on this machine, %.0f tokens/s", r.seconds(), r.seconds() / 60, r.tokensPerSecond()))
                .append(String.format(", loss %.3f → %.3f", r.firstLoss(), r.finalLoss())).append(" |\n\n");
        b.append("## Recipe\n\n```\n").append(command).append("\n```\n\n");
        b.append("## Base accuracy (greedy decoding, task seed ").append(TinyRecipe.TASK_SEED).append(")\n\n| task | validation | test |\n|---|---|---|\n");
        for (Map.Entry<String, double[]> e : r.accuracy().entrySet())
            b.append(String.format("| %s | %.1f %% | %.1f %% |%n", e.getKey(), 100 * e.getValue()[0], 100 * e.getValue()[1]));
        b.append("\nThe same numbers are in `card.json`; a test (`BundledModelsTest`) re-measures the validation column on every build.\n");
        atomicWrite(r.dir().resolve("README.md"), b.toString());

        // The same facts for programs: tests check that the recorded accuracies reproduce.
        Map<String, Object> card = new java.util.LinkedHashMap<>();
        card.put("model_type", r.config().modelType());
        card.put("parameters", r.parameters());
        card.put("steps", r.steps());
        card.put("seconds", r.seconds());
        card.put("tokens_per_second", r.tokensPerSecond());
        card.put("final_loss", r.finalLoss());
        card.put("task_seed", TinyRecipe.TASK_SEED);
        card.put("recipe", command);
        Map<String, Object> acc = new java.util.LinkedHashMap<>();
        r.accuracy().forEach((task, v) -> acc.put(task, Map.of("validation", v[0], "test", v[1])));
        card.put("base_accuracy", acc);
        atomicWrite(r.dir().resolve("card.json"), t2j.json.Json.write(card));
    }

    private static void atomicWrite(Path file, String text) throws IOException {
        t2j.io.AtomicFiles.writeString(file, text);
    }
}
