package t2j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import t2j.adapt.AdaptContext;
import t2j.adapt.ExpertPool;
import t2j.adapt.log.AdaptationLog;
import t2j.expert.feedback.Feedback;
import t2j.expert.feedback.FeedbackLearner;
import t2j.json.Json;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Tasks;
import t2j.tiny.TinyRecipe;
import t2j.train.TrainingConfig;
import t2j.util.Progress;

/** {@code t2j feedback}: applies a file of verdicts to an expert, as a new version kept only if it holds up. */
final class FeedbackCommand {
    static final String HELP = String.join(
            "\n",
            "usage: t2j feedback --model DIR --expert NAME --feedback FILE.jsonl --versions DIR --task NAME",
            "                    [--experts DIR] [--held-out N] [--iterations N] [--lr X] [--max-new-tokens N]",
            "                    [--log FILE]",
            "",
            "Each line of the feedback file is a verdict on one answer the expert gave:",
            "  {\"id\": \"r1\", \"prompt\": \"...\", \"completion\": \"...\", \"reward\": 1}",
            "  (optional \"system\"; reward +1 for right, -1 for wrong)",
            "The expert (from --experts, default DIR/experts, or the newest kept version in --versions) is",
            "trained on the verdicts with REINFORCE and written as NAME.vN.safetensors in --versions (never",
            "overwriting a file; version 1 is the expert as it was). The new version is kept only if its accuracy",
            "on the first --held-out validation examples of --task is not below its parent's; otherwise it is",
            "rolled back (the file stays, marked rejected).",
            "  --held-out N       held-out check size (default 100)",
            "  --iterations N     REINFORCE steps (default 20)",
            "  --lr X             learning rate (default 0.002)",
            "  --max-new-tokens N answer length of rollouts and the check (default 64)",
            "  --log FILE         append the update (kept or rolled back, and why) to this adaptation log",
            "");

    private FeedbackCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args a = new Args(
                "feedback",
                argv,
                Set.of(
                        "--model",
                        "--expert",
                        "--feedback",
                        "--versions",
                        "--task",
                        "--experts",
                        "--held-out",
                        "--iterations",
                        "--lr",
                        "--max-new-tokens",
                        "--log"),
                Set.of());
        String name = a.required("--expert");
        Path feedbackFile = Path.of(a.required("--feedback"));
        if (!Files.isRegularFile(feedbackFile))
            throw new Args.UsageException("feedback: file not found: " + feedbackFile);
        ModelDir md = ModelDir.load(Path.of(a.required("--model")));
        Path versions = Path.of(a.required("--versions"));
        Task task = Tasks.builtin(a.required("--task"), TinyRecipe.TASK_SEED);
        Path expertDir = Path.of(a.get("--experts", md.dir().resolve("experts").toString()));
        Map<String, Expert> experts = Expert.loadAll(expertDir);
        if (!experts.containsKey(name))
            throw new Args.UsageException(
                    "feedback: no expert '" + name + "' in " + expertDir + " (have " + experts.keySet() + ")");
        int maxNew = a.integer("--max-new-tokens", 64);
        Decomposition dec = Decomposition.compute(
                md.model().weights(),
                t2j.svf.Targets.parse(experts.get(name).info().getOrDefault("targets", "mlp")),
                Progress.NONE);
        ExpertPool pool = new ExpertPool(md.model(), dec, Map.of(name, experts.get(name)));
        if (a.has("--log")) pool.logTo(AdaptationLog.appendingTo(Path.of(a.get("--log", "")), "t2j feedback"));
        AdaptContext ctx = new AdaptContext(md.model(), md.prompter(), pool, maxNew);
        TrainingConfig cfg = TrainingConfig.reinforce().toBuilder()
                .iterations(a.integer("--iterations", 20))
                .learningRate(a.number("--lr", 0.002f))
                .maxNewTokens(maxNew)
                .build();
        FeedbackLearner fl = new FeedbackLearner(ctx, versions, cfg);
        List<FeedbackLearner.Version> kept = fl.versions(name).stream()
                .filter(v -> v.status().equals("kept"))
                .toList();
        if (kept.size() > 1) fl.revert(name, kept.get(kept.size() - 1).version());
        List<String> lines = Files.readAllLines(feedbackFile);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            String where = feedbackFile + ":" + (i + 1);
            Map<String, Object> o = Json.parseObject(lines.get(i), where);
            if (!(o.get("prompt") instanceof String p)
                    || !(o.get("completion") instanceof String c)
                    || !(o.get("reward") instanceof Number r))
                throw new IllegalArgumentException(where
                        + ": a feedback line needs \"prompt\" and \"completion\" strings and a numeric \"reward\"");
            fl.feedback(new Feedback(
                    name,
                    String.valueOf(o.getOrDefault("id", "line-" + (i + 1))),
                    (String) o.get("system"),
                    p,
                    c,
                    r.doubleValue()));
        }
        List<Example> valid = task.examples(Split.VALIDATION);
        List<Example> heldOut = valid.subList(0, Math.min(a.integer("--held-out", 100), valid.size()));
        FeedbackLearner.Update u = fl.update(name, task, heldOut);
        out.println(name + ": " + u.reason());
        out.println("file: " + fl.file(name, u.to()));
        return 0;
    }
}
