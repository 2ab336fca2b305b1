package t2j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.SvfAdapter;
import t2j.svf.Targets;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Tasks;
import t2j.train.Evaluator;

/** {@code t2j eval}: greedy accuracy of a model, optionally with an SVF expert applied, on a task split. */
final class EvalCommand {
    static final String HELP = String.join(
            "\n",
            "usage: t2j eval --model DIR --task NAME [--expert FILE] [--split test|validation|train|transfer]",
            "                [--limit N] [--show N] [--max-new-tokens N] [--seed S]",
            "",
            "Prints the accuracy and, with --show, the first N completions with their verdicts.",
            "",
            "  --dtype auto|float32|bf16  weights in memory, default auto: bf16 for a bf16 checkpoint over 100 M parameters",
            "  --expert FILE        an SVF expert to apply, default none (the base model)",
            "  --split S            default test",
            "  --limit N            examples, default all of the split",
            "  --show N             completions to print, default 0",
            "  --max-new-tokens N   default 64",
            "  --seed S             the task's data seed, default 42 (the model cards')",
            "  --cache FILE         the SVD cache (with --expert), default $T2J_CACHE/svd or ~/.cache/t2j/svd/...",
            "");

    private EvalCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(HELP);
            return 0;
        }
        Args a = new Args(
                "eval",
                argv,
                Set.of(
                        "--dtype",
                        "--model",
                        "--task",
                        "--expert",
                        "--split",
                        "--limit",
                        "--show",
                        "--max-new-tokens",
                        "--seed",
                        "--cache"),
                Set.of());
        ModelDir md = ModelDir.load(
                Path.of(a.required("--model")), t2j.model.ModelWeights.Storage.parse(a.get("--dtype", "auto")));
        Task task = Tasks.builtin(a.required("--task"), a.integer("--seed", 42));
        Split split = Split.valueOf(a.get("--split", "test").toUpperCase());
        List<Example> examples = task.examples(split);
        int limit = a.integer("--limit", examples.size());
        examples = examples.subList(0, Math.min(limit, examples.size()));
        ProgressBar bar = new ProgressBar(err);
        String label = "base model";
        if (a.has("--expert")) {
            Path file = Path.of(a.get("--expert", ""));
            if (!java.nio.file.Files.exists(file))
                throw new Args.UsageException("eval: expert file not found: " + file);
            Expert e = Expert.load(file);
            Targets targets = Targets.parse(e.info().getOrDefault("targets", "mlp"));
            Decomposition dec = md.decomposition(targets, a.has("--cache") ? Path.of(a.get("--cache", "")) : null, bar);
            e.checkFits(dec);
            SvfAdapter svf = new SvfAdapter(md.model(), dec, e.parametrization(), 0);
            svf.setZ(e.z());
            svf.apply();
            label = "expert " + e.task();
        }
        Evaluator.Evaluation ev = new Evaluator(md.model(), md.prompter(), a.integer("--max-new-tokens", 64))
                .evaluate(task, examples, bar);
        int show = a.integer("--show", 0);
        for (int i = 0; i < Math.min(show, ev.outcomes().size()); i++) {
            Evaluator.Outcome o = ev.outcomes().get(i);
            out.printf(
                    "[%s] %s%n  -> %s%n  %s%n",
                    o.verdict().correct() ? "ok" : "x",
                    o.example().prompt(),
                    o.completion().replace("\n", " "),
                    o.verdict().reason());
        }
        out.printf(
                "%s on %s/%s: accuracy %.3f (%d/%d)%n",
                label,
                task.name(),
                split.name().toLowerCase(),
                ev.accuracy(),
                ev.correct(),
                ev.outcomes().size());
        return 0;
    }
}
