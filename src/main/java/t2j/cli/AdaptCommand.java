package t2j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import t2j.adapt.AdaptContext;
import t2j.adapt.AdaptationStudy;
import t2j.adapt.ExpertPool;
import t2j.adapt.FewShotCem;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.Targets;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Tasks;
import t2j.tiny.ModelCard;
import t2j.tiny.TinyRecipe;

/** {@code t2j adapt}: Transformer² self-adaptation (prompt, classification expert, few-shot CEM) against its baselines. */
final class AdaptCommand {
    static final String HELP = String.join(
            "\n",
            "usage: t2j adapt --model DIR [--experts E1,E2,...] [--strategy prompt|classifier|wrong-router|fewshot|all] [--task NAME[,NAME...]]",
            "                 [--limit N] [--shots N] [--cem-iterations N] [--cem-population N] [--cem-elites R] [--per-matrix]",
            "                 [--classifier NAME] [--split test|validation] [--max-new-tokens N] [--seed S] [--cache FILE] [--record]",
            "",
            "Answers each task's requests with two-pass inference and prints the accuracy per task and strategy (with a 95 %",
            "interval), beside the base model, every single expert, a deliberately wrong router (a fixed permutation of the",
            "categories) and the oracle (each request's true category's expert); then each column's paired difference from",
            "the base model (bootstrap interval, McNemar p, '≈' when within noise), the dispatch confusion matrices, the",
            "few-shot mixtures found, and where the time went (pass 1, composition, pass 2).",
            "",
            "  --dtype auto|float32|bf16  weights in memory, default auto: bf16 for a bf16 checkpoint over 100 M parameters",
            "  --experts     expert names (DIR/experts/NAME.safetensors) or files; default every DIR/experts/*.safetensors.",
            "                An expert is named by its file name; all but the classifier are the dispatch categories.",
            "  --strategy    default all; one strategy runs beside the baselines",
            "  --task        default " + String.join(",", Tasks.UNSEEN) + " (the tasks no expert was trained on)",
            "  --limit       requests per task, default all of the split (300 test requests per unseen task)",
            "  --shots       few-shot examples per task (from the transfer split), default 10",
            "  --cem-iterations / --cem-population / --cem-elites   default 10 / 32 / 0.2 (the released code runs 50 iterations)",
            "  --per-matrix  one α per expert per adapted matrix instead of one per expert",
            "  --classifier  the classification expert's name, default classification",
            "  --split       default test",
            "  --max-new-tokens N   longest answer per pass, default 64",
            "  --seed S      the tasks' data seed and CEM's, default " + TinyRecipe.TASK_SEED + " (the model cards')",
            "  --cache FILE  the SVD cache, default $T2J_CACHE/svd or ~/.cache/t2j/svd/",
            "                <fingerprint>-<targets>.safetensors",
            "  --record      write the results into DIR's model card (card.json 'adaptation' and a README section): the golden",
            "                numbers a test re-measures",
            "");

    private AdaptCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(HELP);
            return 0;
        }
        Args a = new Args(
                "adapt",
                argv,
                Set.of(
                        "--dtype",
                        "--model",
                        "--experts",
                        "--strategy",
                        "--task",
                        "--limit",
                        "--shots",
                        "--cem-iterations",
                        "--cem-population",
                        "--cem-elites",
                        "--classifier",
                        "--split",
                        "--max-new-tokens",
                        "--seed",
                        "--cache"),
                Set.of("--per-matrix", "--record"));
        ModelDir md = ModelDir.load(
                Path.of(a.required("--model")), t2j.model.ModelWeights.Storage.parse(a.get("--dtype", "auto")));
        Map<String, Expert> experts = experts(md.dir(), a.has("--experts") ? a.get("--experts", "") : null, "adapt");
        if (experts.isEmpty())
            throw new Args.UsageException(
                    "adapt: no experts in " + md.dir().resolve("experts") + " (name some with --experts)");
        String classifier = a.get("--classifier", "classification");
        List<String> names = new ArrayList<>(experts.keySet());
        names.remove(classifier);
        List<String> categories = Tasks.inBuiltinOrder(names);
        List<String> strategies = switch (a.get("--strategy", "all")) {
            case "all" -> AdaptationStudy.ALL;
            case "prompt" ->
                List.of(AdaptationStudy.BASE, AdaptationStudy.EXPERTS, AdaptationStudy.PROMPT, AdaptationStudy.ORACLE);
            case "classifier" ->
                List.of(
                        AdaptationStudy.BASE,
                        AdaptationStudy.EXPERTS,
                        AdaptationStudy.CLASSIFIER,
                        AdaptationStudy.ORACLE);
            case "wrong-router" ->
                List.of(
                        AdaptationStudy.BASE,
                        AdaptationStudy.EXPERTS,
                        AdaptationStudy.WRONG_ROUTER,
                        AdaptationStudy.ORACLE);
            case "fewshot", "few-shot" ->
                List.of(
                        AdaptationStudy.BASE,
                        AdaptationStudy.EXPERTS,
                        AdaptationStudy.FEW_SHOT,
                        AdaptationStudy.ORACLE);
            default ->
                throw new Args.UsageException(
                        "adapt: --strategy must be prompt, classifier, wrong-router, fewshot or all, got '"
                                + a.get("--strategy", "") + "'");
        };
        int seed = a.integer("--seed", (int) TinyRecipe.TASK_SEED);
        List<Task> tasks = new ArrayList<>();
        for (String t : a.get("--task", String.join(",", Tasks.UNSEEN)).split(","))
            tasks.add(Tasks.builtin(t.strip(), seed));

        ProgressBar bar = new ProgressBar(err);
        Targets targets =
                Targets.parse(experts.values().iterator().next().info().getOrDefault("targets", "mlp"));
        Decomposition dec = md.decomposition(targets, a.has("--cache") ? Path.of(a.get("--cache", "")) : null, bar);
        ExpertPool pool = new ExpertPool(md.model(), dec, experts);
        AdaptContext ctx = new AdaptContext(md.model(), md.prompter(), pool, a.integer("--max-new-tokens", 64));
        FewShotCem.Config cem = FewShotCem.Config.defaults()
                .withIterations(a.integer("--cem-iterations", 10))
                .withPopulation(a.integer("--cem-population", 32))
                .withEliteRatio(a.number("--cem-elites", 0.2f))
                .withPerMatrix(a.has("--per-matrix"))
                .withSeed(seed);
        AdaptationStudy.Config cfg = new AdaptationStudy.Config(
                strategies,
                categories,
                classifier,
                Split.valueOf(a.get("--split", "test").toUpperCase()),
                a.integer("--limit", Integer.MAX_VALUE),
                a.integer("--shots", 10),
                cem);
        out.printf(
                "%s: experts %s; categories %s; tasks %s%n",
                md.dir(),
                String.join(", ", experts.keySet()),
                String.join(", ", categories),
                String.join(", ", tasks.stream().map(Task::name).toList()));
        AdaptationStudy.Report r = new AdaptationStudy(ctx, cfg).run(tasks, bar);
        out.print(r.toMarkdown());
        if (a.has("--record")) {
            ModelCard.recordAdaptation(md.dir(), r, cfg, "./t2j adapt " + String.join(" ", argv));
            out.println("recorded in " + md.dir().resolve("card.json") + " and README.md");
        }
        return 0;
    }

    /**
     * Experts by name: a comma list of names (looked up as {@code DIR/experts/NAME.safetensors}) or files, or every
     * expert file of {@code DIR/experts} when {@code list} is null.
     */
    static Map<String, Expert> experts(Path modelDir, String list, String command) throws java.io.IOException {
        if (list == null) return t2j.svf.Expert.loadAll(modelDir.resolve("experts"));
        Map<String, Expert> out = new LinkedHashMap<>();
        for (String item : list.split(",")) {
            item = item.strip();
            if (item.isEmpty()) continue;
            Path f = item.endsWith(".safetensors") || item.contains("/")
                    ? Path.of(item)
                    : modelDir.resolve("experts").resolve(item + ".safetensors");
            if (!Files.exists(f)) throw new Args.UsageException(command + ": no expert file " + f);
            out.put(f.getFileName().toString().replace(".safetensors", ""), Expert.load(f));
        }
        return out;
    }
}
