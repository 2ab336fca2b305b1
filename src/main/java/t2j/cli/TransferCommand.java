package t2j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import t2j.adapt.Transfer;
import t2j.adapt.TransferStudy;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.Targets;
import t2j.task.Split;
import t2j.tiny.ModelCard;
import t2j.tiny.TinyRecipe;

/** {@code t2j transfer}: experts of one model applied to another, against the target's base and its own experts. */
final class TransferCommand {
    static final String HELP = String.join(
            "\n",
            "usage: t2j transfer --from DIR --to DIR [--experts E1,E2,...] [--policy as-is|shuffled|truncate-pad[,...]]",
            "                    [--task NAME[,NAME...]] [--limit N] [--split test|validation] [--max-new-tokens N] [--seed S]",
            "                    [--save DIR] [--cache FILE] [--record]",
            "",
            "Transfers each expert of --from (default every FROM/experts/*.safetensors) to the --to model and prints, per",
            "task, the accuracy of the target's base model, of each transferred version, and of the target's own expert of",
            "the same name where TO/experts has one, each with a 95 % interval; then every column's paired difference from the",
            "target's base (bootstrap interval, McNemar p, '≈' when within noise). Each expert is evaluated on the unseen task",
            "of its category (math on math-hard, code on code-hard; otherwise its own training task) unless --task is given.",
            "",
            "  --policy   default as-is,shuffled (shuffled = each z-vector in a seeded random order: the paper's control);",
            "             truncate-pad cuts or pads z-vectors whose lengths differ",
            "  --experts  expert names or files, default every FROM/experts/*.safetensors",
            "  --task     default the unseen task of each expert's category",
            "  --limit    requests per task, default all of the split",
            "  --split    default test",
            "  --max-new-tokens N   default 64",
            "  --seed S   the tasks' data seed and the shuffle's, default " + TinyRecipe.TASK_SEED
                    + " (the model cards')",
            "  --save     write the transferred experts there as NAME.POLICY.safetensors; default not saved",
            "  --cache    the target's SVD cache, default $T2J_CACHE/svd or ~/.cache/t2j/svd/",
            "             <fingerprint>-<targets>.safetensors",
            "  --record   write the results into the target's model card (card.json 'transfer' and a README section)",
            "");

    private TransferCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(HELP);
            return 0;
        }
        Args a = new Args(
                "transfer",
                argv,
                Set.of(
                        "--from",
                        "--to",
                        "--experts",
                        "--policy",
                        "--task",
                        "--limit",
                        "--split",
                        "--max-new-tokens",
                        "--seed",
                        "--save",
                        "--cache"),
                Set.of("--record"));
        Path from = Path.of(a.required("--from"));
        ModelDir target = ModelDir.load(Path.of(a.required("--to")));
        Map<String, Expert> source =
                AdaptCommand.experts(from, a.has("--experts") ? a.get("--experts", "") : null, "transfer");
        if (source.isEmpty())
            throw new Args.UsageException(
                    "transfer: no experts in " + from.resolve("experts") + " (name some with --experts)");
        List<Transfer.Policy> policies = new ArrayList<>();
        for (String p : a.get("--policy", "as-is,shuffled").split(",")) {
            try {
                policies.add(Transfer.Policy.parse(p.strip()));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("transfer: " + e.getMessage());
            }
        }
        int seed = a.integer("--seed", (int) TinyRecipe.TASK_SEED);
        Split split = Split.valueOf(a.get("--split", "test").toUpperCase());
        int limit = a.integer("--limit", Integer.MAX_VALUE);
        ProgressBar bar = new ProgressBar(err);
        Targets targets = Targets.parse(source.values().iterator().next().info().getOrDefault("targets", "mlp"));
        Decomposition dec = target.decomposition(targets, a.has("--cache") ? Path.of(a.get("--cache", "")) : null, bar);
        Map<String, Expert> own = t2j.svf.Expert.loadAll(target.dir().resolve("experts"));

        List<String> taskNames = a.has("--task") ? List.of(a.get("--task", "").split(",")) : null;
        TransferStudy.Result r = TransferStudy.run(
                source,
                target.model(),
                target.prompter(),
                dec,
                own,
                policies,
                taskNames,
                split,
                limit,
                a.integer("--max-new-tokens", 64),
                seed,
                bar);
        if (a.has("--save"))
            for (Map.Entry<String, Expert> e : r.transferred().entrySet())
                e.getValue()
                        .save(Path.of(a.get("--save", "")).resolve(e.getKey().replace('/', '.') + ".safetensors"));
        out.printf(
                "transfer %s (%s) -> %s (%s), %s accuracy%n",
                from,
                source.values().iterator().next().info().getOrDefault("model_type", "?"),
                target.dir(),
                target.model().config().modelType(),
                split.name().toLowerCase());
        out.print(r.accuracy().toMarkdown(TransferStudy.TARGET_BASE));
        if (!Files.isDirectory(target.dir().resolve("experts")))
            out.println("note: the target has no experts/ folder, so no own-expert column");
        if (a.has("--record")) {
            ModelCard.recordTransfer(target.dir(), from, r.accuracy(), "./t2j transfer " + String.join(" ", argv));
            out.println("recorded in " + target.dir().resolve("card.json") + " and README.md");
        }
        return 0;
    }
}
