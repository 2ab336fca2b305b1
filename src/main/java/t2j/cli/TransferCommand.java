package t2j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import t2j.adapt.AccuracyTable;
import t2j.adapt.AdaptContext;
import t2j.adapt.Decision;
import t2j.adapt.Dispatcher;
import t2j.adapt.ExpertPool;
import t2j.adapt.Transfer;
import t2j.adapt.TwoPass;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.Targets;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Tasks;
import t2j.tiny.TinyRecipe;

/** {@code t2j transfer}: experts of one model applied to another, against the target's base and its own experts. */
final class TransferCommand {
    static final String HELP = String.join("\n",
            "usage: t2j transfer --from DIR --to DIR [--experts E1,E2,...] [--policy as-is|shuffled|truncate-pad[,...]]",
            "                    [--task NAME[,NAME...]] [--limit N] [--split test|validation] [--max-new-tokens N] [--seed S]",
            "                    [--save DIR] [--cache FILE]",
            "",
            "Transfers each expert of --from (default every FROM/experts/*.safetensors) to the --to model and prints, per",
            "task, the accuracy of the target's base model, of each transferred version, and of the target's own expert of",
            "the same name where TO/experts has one. Each expert is evaluated on its own task unless --task is given.",
            "",
            "  --policy   default as-is,shuffled (shuffled = each z-vector in a seeded random order: the paper's control);",
            "             truncate-pad cuts or pads z-vectors whose lengths differ",
            "  --limit    requests per task, default 100",
            "  --save     write the transferred experts there as NAME.POLICY.safetensors",
            "");

    private TransferCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(HELP);
            return 0;
        }
        Args a = new Args("transfer", argv, Set.of("--from", "--to", "--experts", "--policy", "--task", "--limit", "--split", "--max-new-tokens",
                "--seed", "--save", "--cache"), Set.of());
        Path from = Path.of(a.required("--from"));
        ModelDir target = ModelDir.load(Path.of(a.required("--to")));
        Map<String, Expert> source = AdaptCommand.experts(from, a.has("--experts") ? a.get("--experts", "") : null, "transfer");
        if (source.isEmpty()) throw new Args.UsageException("transfer: no experts in " + from.resolve("experts") + " (name some with --experts)");
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
        int limit = a.integer("--limit", 100);
        ProgressBar bar = new ProgressBar(err);
        Targets targets = Targets.parse(source.values().iterator().next().info().getOrDefault("targets", "mlp"));
        Decomposition dec = target.decomposition(targets, a.has("--cache") ? Path.of(a.get("--cache", "")) : null, bar);
        Map<String, Expert> own = t2j.svf.Expert.loadAll(target.dir().resolve("experts"));
        String modelType = target.model().config().modelType();

        Map<String, Expert> pool = new LinkedHashMap<>();
        for (Map.Entry<String, Expert> e : source.entrySet())
            for (Transfer.Policy p : policies) {
                Expert moved = Transfer.apply(e.getValue(), dec, modelType, p, seed);
                pool.put(e.getKey() + "/" + p.id(), moved);
                if (a.has("--save")) moved.save(Path.of(a.get("--save", "")).resolve(e.getKey() + "." + p.id() + ".safetensors"));
            }
        for (String name : source.keySet()) if (own.containsKey(name)) pool.put(name + "/own", own.get(name));
        AdaptContext ctx = new AdaptContext(target.model(), target.prompter(), new ExpertPool(target.model(), dec, pool), a.integer("--max-new-tokens", 64));

        List<String> taskNames = a.has("--task") ? List.of(a.get("--task", "").split(",")) : null;
        List<AccuracyTable.Cell> cells = new ArrayList<>();
        for (Map.Entry<String, Expert> e : source.entrySet()) {
            List<String> names = taskNames != null ? taskNames : List.of(e.getValue().task());
            for (String tn : names) {
                Task task = Tasks.builtin(tn.strip(), seed);
                String row = names.size() == 1 && taskNames == null ? task.name() : e.getKey() + " on " + task.name();
                List<Example> all = task.examples(split), req = all.subList(0, Math.min(limit, all.size()));
                Map<String, Decision> columns = new LinkedHashMap<>();
                columns.put("target base", Decision.base("baseline"));
                for (Transfer.Policy p : policies) columns.put("transferred " + p.id(), Decision.expert(e.getKey() + "/" + p.id(), p.id()));
                columns.put("target's own", own.containsKey(e.getKey()) ? Decision.expert(e.getKey() + "/own", "own") : null);
                for (Map.Entry<String, Decision> c : columns.entrySet()) {
                    if (c.getValue() == null) continue;
                    TwoPass.Run run = new TwoPass(ctx, Dispatcher.fixed(c.getKey(), c.getValue())).answerAll(req, bar);
                    int ok = 0;
                    for (TwoPass.Answer ans : run.answers()) if (task.verify(ans.example(), ans.completion()).correct()) ok++;
                    cells.add(new AccuracyTable.Cell(row, c.getKey(), ok, req.size()));
                }
            }
        }
        out.printf("transfer %s (%s) -> %s (%s), %s accuracy%n", from, source.values().iterator().next().info().getOrDefault("model_type", "?"),
                target.dir(), modelType, split.name().toLowerCase());
        out.print(AccuracyTable.of("task", cells).toMarkdown());
        if (!Files.isDirectory(target.dir().resolve("experts"))) out.println("note: the target has no experts/ folder, so no own-expert column");
        return 0;
    }
}
