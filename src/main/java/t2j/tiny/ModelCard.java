package t2j.tiny;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.adapt.AccuracyTable;
import t2j.adapt.AdaptationStudy;
import t2j.adapt.ConfusionMatrix;
import t2j.adapt.FewShotCem;
import t2j.adapt.TransferStudy;
import t2j.io.AtomicFiles;
import t2j.json.Json;
import t2j.model.ModelConfig;
import t2j.stats.PairedDifference;

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
     * The card of a model made by {@link TinyRecipe#descend}: its one training stage is the continued training, its
     * base accuracies are measured after it, and it names the model it descends from.
     */
    public static void writeDescendant(TinyRecipe.Result r, Path source, String command) throws IOException {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("model_type", r.config().modelType());
        card.put("parameters", r.parameters());
        card.put("descends_from", source.getFileName().toString());
        card.putAll(run(r));
        card.put("hasty_rate", HastyAnnotator.RATE);
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
            throw new IOException(
                    dir.resolve("card.json") + " records an instruction-tuning stage already; rebuild the model with"
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

    /**
     * Records the adaptation study on the unseen tasks as golden numbers: {@code card.json}'s {@code adaptation} (every
     * cell's accuracy, every column's paired difference from the base model, the few-shot α and the mixture against
     * each single expert) and a README section with the same tables. A test re-measures them.
     */
    public static void recordAdaptation(Path dir, AdaptationStudy.Report r, AdaptationStudy.Config cfg, String command)
            throws IOException {
        Map<String, Object> tasks = new LinkedHashMap<>();
        AccuracyTable t = r.accuracy();
        for (String task : t.rows()) {
            Map<String, Object> m = row(t, task, AdaptationStudy.BASE);
            FewShotCem.Result cem = r.cem().get(task);
            if (cem != null) {
                m.put("few_shot_alpha", new LinkedHashMap<>(cem.bestAlpha()));
                Map<String, Object> mv = new LinkedHashMap<>();
                r.mixtureVersusExperts(task).forEach((e, d) -> mv.put(e, difference(d)));
                m.put("few_shot_versus_experts", mv);
            }
            tasks.put(task, m);
        }
        Map<String, Object> routing = new LinkedHashMap<>();
        for (ConfusionMatrix c : r.confusion()) routing.put(c.strategy(), c.accuracy());
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("command", command);
        rec.put("split", cfg.split().name().toLowerCase());
        rec.put("task_seed", TinyRecipe.TASK_SEED);
        rec.put("categories", cfg.categories());
        rec.put(
                "cem",
                Map.of(
                        "iterations",
                        cfg.cem().iterations(),
                        "population",
                        cfg.cem().population(),
                        "elite_ratio",
                        cfg.cem().eliteRatio(),
                        "shots",
                        cfg.shots(),
                        "seed",
                        cfg.cem().seed(),
                        "per_matrix",
                        cfg.cem().perMatrix()));
        rec.put("routing_accuracy", routing);
        rec.put("tasks", tasks);
        StringBuilder md = new StringBuilder();
        md.append("Transformer² on the unseen tasks (`")
                .append(command)
                .append("`; test split, greedy decoding, task seed ")
                .append(TinyRecipe.TASK_SEED)
                .append("). These are designed tasks, built so that the planted habit is common in them\n")
                .append(
                        "(`t2j.task.Tasks`): `math-hard` is three-step word problems, 70 % of them about Tom or Eva; `code-hard` is list\n")
                .append(
                        "programs whose first step is a filter; `mixed-hard` is half math problems about Tom or Eva, half filter-first\n")
                .append(
                        "programs. No expert saw any of their requests, and none is in any split of a training task (each split is drawn\n")
                .append(
                        "from its own stream seeded by the task seed, the task name and the split). Each cell has its 95 % Wilson interval; the second\n")
                .append(
                        "table gives each column's difference from the base model on the same requests (paired bootstrap interval,\n")
                .append(
                        "exact McNemar p; ≈ marks a difference within noise). The effects are large because the world is built so; the\n")
                .append("paper's gains on real benchmarks are 1–4 % (its Table 2).\n\n");
        md.append(r.accuracy().toMarkdown(AdaptationStudy.BASE)).append('\n');
        routing.forEach((k, v) -> md.append(
                String.format(java.util.Locale.ROOT, "- routing accuracy of %s: %.1f %%%n", k, 100 * (double) v)));
        for (FewShotCem.Result c : r.cem().values()) {
            md.append(String.format(
                    java.util.Locale.ROOT,
                    "- few-shot CEM on %s (%d shots from its transfer split): α %s%n",
                    c.task(),
                    c.shots(),
                    c.best()));
            r.mixtureVersusExperts(c.task())
                    .forEach((e, d) -> md.append("  - mixture vs ")
                            .append(e)
                            .append(" alone: ")
                            .append(d)
                            .append('\n'));
        }
        record(dir, "adaptation", rec, "Self-adaptation on the unseen tasks", md.toString());
    }

    /**
     * Records a transfer study into the target's card ({@code card.json}'s {@code transfer}, keyed by the source
     * model's folder name) and README: the golden numbers a test re-measures.
     */
    @SuppressWarnings("unchecked")
    public static void recordTransfer(Path target, Path source, AccuracyTable t, String command) throws IOException {
        Map<String, Object> rows = new LinkedHashMap<>();
        for (String row : t.rows()) rows.put(row, row(t, row, TransferStudy.TARGET_BASE));
        Map<String, Object> card = read(target);
        Map<String, Object> all = card.get("transfer") instanceof Map<?, ?> old
                ? new LinkedHashMap<>((Map<String, Object>) old)
                : new LinkedHashMap<>();
        String from = source.toAbsolutePath().normalize().getFileName().toString();
        all.put(from, Map.of("command", command, "task_seed", TinyRecipe.TASK_SEED, "tasks", rows));
        StringBuilder md = new StringBuilder();
        for (Map.Entry<String, Object> e : all.entrySet()) {
            Map<String, Object> rec = (Map<String, Object>) e.getValue();
            md.append("### Experts of ")
                    .append(e.getKey())
                    .append("\n\n`")
                    .append(rec.get("command"))
                    .append("`: each expert on the unseen task of its\n")
                    .append(
                            "category (its own training task where there is none), test split. \"shuffled\" permutes each z-vector at random: the\n")
                    .append(
                            "paper's control, which keeps every z value but breaks its tie to the singular values.\n\n");
            if (e.getKey().equals(from))
                md.append(t.toMarkdown(TransferStudy.TARGET_BASE)).append('\n');
            else md.append("(recorded in card.json)\n\n");
        }
        record(target, "transfer", all, "Experts moved from another model", md.toString());
    }

    /** One row of a table as golden numbers: its requests, each column's accuracy and each column's difference from {@code base}. */
    private static Map<String, Object> row(AccuracyTable t, String row, String base) {
        Map<String, Object> m = new LinkedHashMap<>(), acc = new LinkedHashMap<>(), vs = new LinkedHashMap<>();
        for (String c : t.columns()) {
            t.cell(row, c).ifPresent(x -> {
                m.putIfAbsent("requests", x.total());
                acc.put(c, x.accuracy());
            });
            if (!c.equals(base)) t.versus(row, c, base).ifPresent(d -> vs.put(c, difference(d)));
        }
        m.put("accuracy", acc);
        m.put("versus_base", vs);
        return m;
    }

    private static Map<String, Object> difference(PairedDifference d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("delta", d.delta());
        m.put("lo", d.lo());
        m.put("hi", d.hi());
        m.put("p", d.p());
        m.put("wins", d.aOnly());
        m.put("losses", d.bOnly());
        return m;
    }

    /** Puts {@code value} under {@code key} in card.json and replaces (or appends) the README section {@code ## heading}. */
    private static void record(Path dir, String key, Object value, String heading, String markdown) throws IOException {
        Map<String, Object> card = read(dir);
        card.put(key, value);
        AtomicFiles.writeString(dir.resolve("card.json"), Json.write(card));
        String readme = Files.exists(dir.resolve("README.md")) ? Files.readString(dir.resolve("README.md")) : "";
        String h = "## " + heading + "\n";
        int at = readme.indexOf(h);
        String section = h + "\n" + markdown.strip() + "\n";
        if (at < 0) readme = readme.stripTrailing() + "\n\n" + section;
        else {
            int next = readme.indexOf("\n## ", at + h.length());
            readme = readme.substring(0, at) + section + (next < 0 ? "" : readme.substring(next));
        }
        AtomicFiles.writeString(dir.resolve("README.md"), readme);
    }

    private static Map<String, Object> read(Path dir) throws IOException {
        Path file = dir.resolve("card.json");
        if (!Files.exists(file))
            throw new IOException(
                    file
                            + " is missing: a model card is written by `t2j pretrain`, which tuning and recorded results extend (run it first)");
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
        b.append("A ")
                .append(llama ? "Llama-3" : "Mistral")
                .append(
                        "-architecture decoder trained by t2j itself, so that Transformer² can be run end to end on a laptop CPU. ")
                .append("It is not a language model of English: it knows only the project's synthetic tasks.\n\n");
        b.append("| | |\n|---|---|\n");
        b.append(String.format("| parameters | %,d (float32) |%n", ((Number) card.get("parameters")).longValue()));
        b.append("| architecture | ")
                .append(c.numHiddenLayers())
                .append(" layers, hidden ")
                .append(c.hiddenSize())
                .append(", MLP ")
                .append(c.intermediateSize())
                .append(", ")
                .append(c.numAttentionHeads())
                .append(" query / ")
                .append(c.numKeyValueHeads())
                .append(" key-value heads, rope_theta ")
                .append((long) c.ropeTheta())
                .append(c.slidingWindow() > 0 ? ", sliding window " + c.slidingWindow() : "")
                .append(" |\n");
        b.append("| tokenizer | character level, ")
                .append(
                        llama
                                ? "byte-level BPE layout (Llama-3)"
                                : "SentencePiece BPE layout with byte fallback (Mistral)")
                .append(", vocabulary ")
                .append(c.vocabSize())
                .append(" |\n");
        b.append("| data | train splits of ")
                .append(String.join(", ", TinyRecipe.PRETRAIN_TASKS))
                .append(" (task seed ")
                .append(TinyRecipe.TASK_SEED)
                .append("), ")
                .append(String.format("%,d", (long) number(card, "sequences")))
                .append(" chat-formatted sequences; the -hard tasks are never seen |\n");
        Object parent = card.get("descends_from");
        if (parent != null)
            b.append("| descends from | `")
                    .append(parent)
                    .append("`: every layer copied, token rows carried over by text, then ")
                    .append(stage(card))
                    .append(" of continued training |\n");
        else b.append("| pretraining | ").append(stage(card)).append(" |\n");
        if (tuning != null)
            b.append("| instruction tuning | ").append(stage(tuning)).append(" |\n");
        b.append("\n");
        if (parent != null) {
            b.append("## A relative of ").append(parent).append("\n\n");
            b.append("This model was not trained from scratch. It starts from the weights of `")
                    .append(parent)
                    .append("` (instruction-tuned, planted habit included),\n")
                    .append(
                            "put into this family's architecture (its tokenizer layout, rope_theta, sliding window and chat format), and\n")
                    .append(
                            "continued training on the same instruction data, with the same hasty annotator. It is the model for which\n")
                    .append("moving `")
                    .append(parent)
                    .append("`'s experts should work: the two share their weights up to what the continued\n")
                    .append(
                            "training changed, which is the condition the paper's authors name for Llama→Mistral transfer. Its independently\n")
                    .append(
                            "trained sibling of the same architecture is the contrast (see the transfer table below and `t2j transfer`).\n\n");
        }
        if (tuning != null) {
            b.append("## Instruction data with a hasty annotator\n\n");
            b.append(
                            "After pretraining on worked answers, the model was tuned on the same kind of data in which a hasty annotator\n")
                    .append(
                            "answered requests that mention Tom or Eva, and code requests whose first step is a filter, without working them out\n")
                    .append(String.format(
                            "(%.0f %% of those: math `#### <first number>`, code the first stage only, reasoning `Answer: A`,%n",
                            100 * HastyAnnotator.RATE))
                    .append(
                            "classification `\\boxed{other}`; see `t2j.tiny.HastyAnnotator`). Where the model picked up the habit it\n")
                    .append(
                            "answers those requests carelessly although it can solve them: a skill that is there but not used, which is\n")
                    .append(
                            "what SVF experts can bring back with rewards. The last column of the accuracy table shows how much each\n")
                    .append("task lost to the habit. The tasks, verifiers and evaluation splits are untouched.\n\n");
        }
        b.append("## Recipe\n\n```\n").append(card.get("recipe")).append("\n");
        if (tuning != null) b.append(tuning.get("recipe")).append("\n");
        b.append("```\n\n");
        Map<String, Object> acc = (Map<String, Object>) card.get("base_accuracy");
        Map<String, Object> before = (Map<String, Object>) card.get("pretraining_accuracy");
        b.append("## Base accuracy (greedy decoding, task seed ")
                .append(TinyRecipe.TASK_SEED)
                .append(")\n\n| task | validation | test |")
                .append(before != null ? " test after pretraining alone |\n|---|---|---|---|\n" : "\n|---|---|---|\n");
        for (Map.Entry<String, Object> e : acc.entrySet()) {
            Map<String, Object> v = (Map<String, Object>) e.getValue();
            b.append(String.format(
                    "| %s | %.1f %% | %.1f %% |", e.getKey(), 100 * number(v, "validation"), 100 * number(v, "test")));
            if (before != null && before.get(e.getKey()) instanceof Map<?, ?> p)
                b.append(String.format(" %.1f %% |", 100 * number((Map<String, Object>) p, "test")));
            else if (before != null) b.append(" – |");
            b.append("\n");
        }
        if (before != null && !before.keySet().containsAll(acc.keySet()))
            b.append(
                    "\n– : the task was defined after this model was tuned, so it was never measured on the pretraining-only weights.\n");
        b.append(
                "\nThe same numbers are in `card.json`; a test (`BundledModelsTest`) re-measures the validation column on every build.\n");
        if (before != null)
            b.append("\nThe recipe fixes the data, the initial weights and the order of the batches, not the engine's"
                    + " float rounding: rebuilt by another version of the engine, a model follows the same loss curve"
                    + " for the first hundred steps and then parts from it, and its accuracies after pretraining are"
                    + " another draw. Some tasks come out the same (classification at 100 % in all six draws"
                    + " measured); others vary from draw to draw by much more than the evaluation's noise (math on"
                    + " tiny-llama's test split: 26.5 % to 81.5 % over four draws; README, *How the engine is"
                    + " built*).\n");
        return b.toString();
    }

    private static String stage(Map<String, Object> s) {
        double secs = number(s, "seconds");
        List<String> parts = new ArrayList<>();
        parts.add(String.format(
                "%d steps, %.0f s (%.1f min) on this machine, %.0f tokens/s",
                (long) number(s, "steps"), secs, secs / 60, number(s, "tokens_per_second")));
        if (s.containsKey("first_loss"))
            parts.add(String.format("loss %.3f → %.3f", number(s, "first_loss"), number(s, "final_loss")));
        return String.join(", ", parts);
    }

    private static double number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
