package t2j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import t2j.expert.ExpertLifecycle;
import t2j.expert.ExpertRecipe;
import t2j.expert.TrainedAdapter;
import t2j.svf.Decomposition;
import t2j.svf.Parametrization;
import t2j.svf.Targets;
import t2j.task.Task;
import t2j.task.Tasks;
import t2j.train.Trainer;
import t2j.train.TrainingConfig;

/** {@code t2j train}: an SVF expert (or the LoRA baseline) for one task. */
final class TrainCommand {
    private static final TrainingConfig D = TrainingConfig.reinforce();

    static final String HELP = String.join(
            "\n",
            "usage: t2j train --task NAME --model DIR --out EXPERT.safetensors [options]",
            "       t2j train --method lora --task NAME --model DIR --out ADAPTER_DIR [options]",
            "",
            "  --dtype auto|float32|bf16    weights in memory; default auto: bf16 for a bf16 checkpoint over 100 M",
            "                               parameters, else float32",
            "  --method svf|lora            default svf; lora writes a PEFT adapter folder (adapter_config.json +",
            "                               adapter_model.safetensors) that PeftModel.from_pretrained loads",
            "  --objective reinforce|next-token   default reinforce (the paper); next-token = the ablation",
            "  --targets mlp|attention|all-linear|REGEX   default mlp",
            "  --parametrization sigmoid-mask|plain-scale  (svf) default sigmoid-mask (the released code's)",
            "  --lora-rank R                (lora) default 4",
            "  --lora-alpha A               (lora) default 8; the update is scaled by alpha/rank",
            "  --iterations N               optimiser steps, default " + D.iterations(),
            "  --batch N                    training prompts per step, default " + D.batchSize(),
            "  --lr X                       Adam's learning rate, default " + D.learningRate(),
            "  --clip X                     global gradient-norm clip, default " + D.maxGradNorm(),
            "  --kl X                       weight of KL(policy || base) on the rollouts, default 0",
            "  --temperature T              rollout sampling temperature, default 0 (greedy, as the released code)",
            "  --max-new-tokens N           longest rollout, default " + D.maxNewTokens(),
            "  --eval-every N               validate (and checkpoint) every N steps, default " + D.evalEvery(),
            "  --validation N               validation examples per evaluation, default " + D.validationLimit(),
            "  --seed S                     batches, rollouts and initialisation, default 42",
            "  --normalize-rewards          standardise rewards within a batch (default off, as the released code)",
            "  --reward-clip C              clip (normalised) rewards to [-C, C], default 0 (no clipping)",
            "  --task-seed S                the task's data seed (default: --seed if given, else 42; the model cards' is 42)",
            "  --samples-per-prompt G       rollouts per prompt, each weighted by its reward minus its prompt's mean (default 1)",
            "  --token-mean                 average each rollout's log-probability over its tokens instead of summing",
            "  --selection-holdout N        hold N training examples out of training and choose the best checkpoint on",
            "                               them together with the validation examples (default 0)",
            "  --selection-z Z              a checkpoint is kept as the best only if it beats the base model on the",
            "                               selection examples by a paired (McNemar) z-score >= Z (default 0: any gain)",
            "  --cache FILE                 (svf) the SVD cache, default $T2J_CACHE/svd or ~/.cache/t2j/svd/...",
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
        Args a = new Args(
                "train",
                argv,
                Set.of(
                        "--dtype",
                        "--task",
                        "--model",
                        "--out",
                        "--method",
                        "--objective",
                        "--targets",
                        "--parametrization",
                        "--lora-rank",
                        "--lora-alpha",
                        "--iterations",
                        "--batch",
                        "--lr",
                        "--clip",
                        "--kl",
                        "--temperature",
                        "--max-new-tokens",
                        "--eval-every",
                        "--validation",
                        "--seed",
                        "--cache",
                        "--reward-clip",
                        "--task-seed",
                        "--samples-per-prompt",
                        "--selection-holdout",
                        "--selection-z"),
                Set.of("--normalize-rewards", "--token-mean"));
        ModelDir md = ModelDir.load(
                Path.of(a.required("--model")), t2j.model.ModelWeights.Storage.parse(a.get("--dtype", "auto")));
        int taskSeed = a.integer("--task-seed", a.integer("--seed", 42));
        Task task = Tasks.builtin(a.required("--task"), taskSeed);
        Path outFile = Path.of(a.required("--out"));
        Targets targets = Targets.parse(a.get("--targets", "mlp"));
        TrainingConfig d = TrainingConfig.reinforce();
        TrainingConfig cfg = d.toBuilder()
                .objective(TrainingConfig.Objective.valueOf(
                        a.get("--objective", "reinforce").toUpperCase().replace('-', '_')))
                .iterations(a.integer("--iterations", d.iterations()))
                .batchSize(a.integer("--batch", d.batchSize()))
                .learningRate(a.number("--lr", (float) d.learningRate()))
                .maxGradNorm(a.number("--clip", (float) d.maxGradNorm()))
                .kl(a.number("--kl", 0f))
                .temperature(a.number("--temperature", 0f))
                .maxNewTokens(a.integer("--max-new-tokens", d.maxNewTokens()))
                .evalEvery(a.integer("--eval-every", d.evalEvery()), a.integer("--validation", d.validationLimit()))
                .normalizeRewards(a.has("--normalize-rewards"))
                .rewardClip(a.number("--reward-clip", 0f))
                .seed(a.integer("--seed", 42))
                .samplesPerPrompt(a.integer("--samples-per-prompt", 1))
                .tokenMean(a.has("--token-mean"))
                .selectionHoldout(a.integer("--selection-holdout", 0))
                .selectionZ(a.number("--selection-z", 0f))
                .build();
        String method = a.get("--method", "svf");
        ExpertRecipe recipe = switch (method) {
            case "svf" ->
                ExpertRecipe.svf(targets, Parametrization.fromId(a.get("--parametrization", "sigmoid-mask")), cfg);
            case "lora" -> ExpertRecipe.lora(targets, a.integer("--lora-rank", 4), a.number("--lora-alpha", 8f), cfg);
            default -> throw new Args.UsageException("train: --method must be svf or lora, got '" + method + "'");
        };
        if (recipe.method() == ExpertRecipe.Method.LORA && outFile.toString().endsWith(".safetensors")) {
            throw new Args.UsageException(
                    "train: --method lora writes a folder in PEFT's layout (adapter_config.json + "
                            + "adapter_model.safetensors); give --out a folder name, not " + outFile);
        }
        ProgressBar bar = new ProgressBar(err);
        Path cache = a.has("--cache") ? Path.of(a.get("--cache", "")) : null;
        ExpertLifecycle run = ExpertLifecycle.configure(
                md.model(), md.prompter(), task, taskSeed, recipe, () -> decomposition(md, targets, cache, bar));
        out.printf(
                "training %s (%,d parameters) on %s, %s, %d iterations%n",
                method,
                run.adapter().parameterCount(),
                task.name(),
                cfg.objective().name().toLowerCase(),
                cfg.iterations());
        Path checkpoint = Path.of(outFile + ".ckpt");
        String barLabel = "train " + task.name();
        TrainedAdapter trained = run.train(checkpoint, new Trainer.Listener() {
            @Override
            public void onStep(Trainer.Step s) {
                bar.update(barLabel, s.iteration(), cfg.iterations());
            }

            @Override
            public void onValidation(Trainer.Validation v) {
                String best = v.best() ? "  (best)" : "";
                bar.line(String.format("iteration %4d  validation accuracy %.3f%s", v.iteration(), v.accuracy(), best));
            }
        });
        trained.save(outFile);
        // A finished run needs no resume point.
        Files.deleteIfExists(checkpoint);
        Trainer.Result r = trained.result();
        out.printf(
                "%s; base validation %.3f, best %.3f at iteration %d; saved %s%n",
                r.stopReason(), r.baseValidation(), r.bestValidation(), r.bestIteration(), outFile);
        return 0;
    }

    private static Decomposition decomposition(ModelDir md, Targets targets, Path cache, ProgressBar bar) {
        try {
            return md.decomposition(targets, cache, bar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
