package t2j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import t2j.lora.LoraAdapter;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.Parametrization;
import t2j.svf.SvfAdapter;
import t2j.svf.Targets;
import t2j.task.Task;
import t2j.task.Tasks;
import t2j.train.Adapter;
import t2j.train.Trainer;
import t2j.train.TrainingConfig;

/** {@code t2j train}: an SVF expert (or the LoRA baseline) for one task. */
final class TrainCommand {
    static final String HELP = String.join("\n",
            "usage: t2j train --task NAME --model DIR --out EXPERT.safetensors [options]",
            "--dtype auto|float32|bf16: weights in memory; auto = bf16 for a bf16 checkpoint over 100 M parameters, else float32",
            "",
            "  --method svf|lora            default svf",
            "  --objective reinforce|next-token   default reinforce (the paper); next-token = the ablation",
            "  --targets mlp|attention|all-linear|REGEX   default mlp",
            "  --parametrization sigmoid-mask|plain-scale  (svf) default sigmoid-mask (the released code's)",
            "  --lora-rank R --lora-alpha A (lora) default 4 and 8",
            "  --iterations N --batch N --lr X --clip X --kl X --temperature T --max-new-tokens N",
            "  --eval-every N --validation N --seed S --normalize-rewards --reward-clip C",
            "  --task-seed S                the task's data seed (default: --seed if given, else 42; the model cards' is 42)",
            "  --samples-per-prompt G       rollouts per prompt, each weighted by its reward minus its prompt's mean (default 1)",
            "  --token-mean                 average each rollout's log-probability over its tokens instead of summing",
            "  --selection-holdout N        hold N training examples out of training and choose the best checkpoint on",
            "                               them together with the validation examples (default 0)",
            "  --selection-z Z              a checkpoint is kept as the best only if it beats the base model on the",
            "                               selection examples by a paired (McNemar) z-score >= Z (default 0: any gain)",
            "",
            "Validates every --eval-every steps and saves the best parameters to --out. A checkpoint OUT.ckpt is written",
            "at each validation; if the run is stopped, running the same command again resumes from it.",
            "");

    private TrainCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(HELP);
            return 0;
        }
        Args a = new Args("train", argv, Set.of("--dtype", "--task", "--model", "--out", "--method", "--objective", "--targets", "--parametrization",
                "--lora-rank", "--lora-alpha", "--iterations", "--batch", "--lr", "--clip", "--kl", "--temperature", "--max-new-tokens",
                "--eval-every", "--validation", "--seed", "--cache", "--reward-clip", "--task-seed", "--samples-per-prompt",
                "--selection-holdout", "--selection-z"), Set.of("--normalize-rewards", "--token-mean"));
        ModelDir md = ModelDir.load(Path.of(a.required("--model")), t2j.model.ModelWeights.Storage.parse(a.get("--dtype", "auto")));
        int taskSeed = a.integer("--task-seed", a.integer("--seed", 42));
        Task task = Tasks.builtin(a.required("--task"), taskSeed);
        Path outFile = Path.of(a.required("--out"));
        Targets targets = Targets.parse(a.get("--targets", "mlp"));
        TrainingConfig d = TrainingConfig.reinforce();
        TrainingConfig cfg = new TrainingConfig(
                TrainingConfig.Objective.valueOf(a.get("--objective", "reinforce").toUpperCase().replace('-', '_')),
                a.integer("--iterations", d.iterations()), a.integer("--batch", d.batchSize()), a.number("--lr", (float) d.learningRate()),
                a.number("--clip", (float) d.maxGradNorm()), a.number("--kl", 0f), a.number("--temperature", 0f),
                a.integer("--max-new-tokens", d.maxNewTokens()), a.integer("--eval-every", d.evalEvery()), a.integer("--validation", d.validationLimit()),
                a.has("--normalize-rewards"), a.number("--reward-clip", 0f), a.integer("--seed", 42),
                a.integer("--samples-per-prompt", 1), a.has("--token-mean"), a.integer("--selection-holdout", 0),
                a.number("--selection-z", 0f));
        String method = a.get("--method", "svf");
        String baseFingerprint = md.model().weights().fingerprint();
        ProgressBar bar = new ProgressBar(err);
        Adapter adapter;
        if (method.equals("svf")) {
            Decomposition dec = md.decomposition(targets, a.has("--cache") ? Path.of(a.get("--cache", "")) : null, bar);
            adapter = new SvfAdapter(md.model(), dec, Parametrization.fromId(a.get("--parametrization", "sigmoid-mask")), cfg.seed());
        } else if (method.equals("lora")) {
            adapter = new LoraAdapter(md.model(), targets.select(md.model().weights()), a.integer("--lora-rank", 4), a.number("--lora-alpha", 8f), cfg.seed());
        } else throw new Args.UsageException("train: --method must be svf or lora, got '" + method + "'");
        out.printf("training %s (%,d parameters) on %s, %s, %d iterations%n", method, adapter.parameterCount(), task.name(),
                cfg.objective().name().toLowerCase(), cfg.iterations());
        Trainer.Result r = new Trainer(md.model(), adapter, task, md.prompter(), cfg)
                .checkpointTo(Path.of(outFile + ".ckpt"))
                .train(new Trainer.Listener() {
                    @Override
                    public void onStep(Trainer.Step s) {
                        bar.update("train", s.iteration(), cfg.iterations());
                    }

                    @Override
                    public void onValidation(Trainer.Validation v) {
                        bar.line(String.format("iteration %4d  validation accuracy %.3f%s", v.iteration(), v.accuracy(), v.best() ? "  (best)" : ""));
                    }
                });
        Map<String, String> info = r.expertInfo(baseFingerprint, md.model().config().modelType(), method, targets.id(), task.name(), taskSeed, cfg);
        if (adapter instanceof SvfAdapter) info.put("parametrization", ((SvfAdapter) adapter).parametrization().id());
        new Expert(r.best(), info).save(outFile);
        // A finished run needs no resume point.
        java.nio.file.Files.deleteIfExists(Path.of(outFile + ".ckpt"));
        out.printf("%s; base validation %.3f, best %.3f at iteration %d; saved %s%n", r.stopReason(), r.baseValidation(), r.bestValidation(),
                r.bestIteration(), outFile);
        return 0;
    }
}
