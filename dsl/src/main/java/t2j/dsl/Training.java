package t2j.dsl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import t2j.expert.ExpertLifecycle;
import t2j.expert.ExpertRecipe;
import t2j.expert.TrainedAdapter;
import t2j.svf.Parametrization;
import t2j.svf.Targets;
import t2j.task.Task;
import t2j.train.Trainer;
import t2j.train.TrainingConfig;

/**
 * The settings of one training run — an SVF expert (the paper's REINFORCE, or next-token as the ablation) or the LoRA
 * baseline — as an immutable value: every setter returns a changed copy, and {@link #run()} trains.
 *
 * <pre>{@code
 * TrainedExpert math = llama.train("math").iterations(20).learningRate(2e-2).seed(7).run();
 * TrainedExpert lora = llama.train("math").iterations(20).lora(4).run();      // same budget, LoRA
 * }</pre>
 *
 * <p>Training composes the z-vectors into the model's weights at every step; whatever happens — the run ends, fails, or
 * the cell is interrupted — the model holds its base weights again when {@code run()} returns.
 */
public final class Training {
    /**
     * The settings the shipped experts were trained with ({@code models/expert-flags}; a model card lists the experts
     * that override them): four rollouts per prompt against the prompt's mean reward, and a best checkpoint chosen on
     * 500 examples only when it beats the base model significantly.
     */
    public static final TrainingConfig SHIPPED = TrainingConfig.reinforce().toBuilder()
            .iterations(40)
            .batchSize(8)
            .samplesPerPrompt(4)
            .learningRate(1e-2)
            .normalizeRewards(true)
            .tokenMean(true)
            .temperature(0.7f)
            .evalEvery(5, 100)
            .selectionHoldout(400)
            .selectionZ(2)
            .seed(7)
            .build();

    private final Model model;
    private final Task task;
    private final TrainingConfig cfg;
    private final Targets targets;
    private final Parametrization parametrization;
    private final int loraRank;

    private Training(
            Model model,
            Task task,
            TrainingConfig cfg,
            Targets targets,
            Parametrization parametrization,
            int loraRank) {
        this.model = model;
        this.task = task;
        this.cfg = cfg;
        this.targets = targets;
        this.parametrization = parametrization;
        this.loraRank = loraRank;
    }

    static Training of(Model model, Task task) {
        return new Training(model, task, SHIPPED, Targets.MLP, Parametrization.SIGMOID_MASK, 0);
    }

    private Training with(UnaryOperator<TrainingConfig.Builder> change) {
        return new Training(model, task, change.apply(cfg.toBuilder()).build(), targets, parametrization, loraRank);
    }

    /** Any engine setting not named here: {@code t.config(b -> b.kl(0.1))}. */
    public Training config(UnaryOperator<TrainingConfig.Builder> change) {
        return with(change);
    }

    public Training iterations(int n) {
        return with(b -> b.iterations(n));
    }

    /** Prompts per step (one rollout each). */
    public Training batch(int n) {
        return with(b -> b.batchSize(n));
    }

    public Training learningRate(double lr) {
        return with(b -> b.learningRate(lr));
    }

    /** Sampling temperature of the rollouts (0 = greedy). */
    public Training temperature(double t) {
        return with(b -> b.temperature((float) t));
    }

    public Training seed(long seed) {
        return with(b -> b.seed(seed));
    }

    /** Validate on {@code limit} validation examples every {@code every} steps; the best validated parameters are kept. */
    public Training validation(int every, int limit) {
        return with(b -> b.evalEvery(every, limit));
    }

    /**
     * How the returned checkpoint is chosen: on the validation examples plus {@code holdout} training examples kept out
     * of training, and only if it beats the base model there by a paired z-score of at least {@code z}.
     * {@code selection(0, 0)} picks the best validation score, however small the gain (cheaper, easier to fool).
     */
    public Training selection(int holdout, double z) {
        return with(b -> b.selectionHoldout(holdout).selectionZ(z));
    }

    /** Rollouts per prompt; each is weighted by its reward minus the mean reward of its prompt's rollouts. */
    public Training samplesPerPrompt(int n) {
        return with(b -> b.samplesPerPrompt(n));
    }

    /** Next-token (supervised) training on the reference answers instead of REINFORCE: the paper's ablation. */
    public Training nextToken() {
        return with(b -> b.objective(TrainingConfig.Objective.NEXT_TOKEN));
    }

    /** Which matrices to adapt (default: the MLP's, as the paper). */
    public Training targets(Targets t) {
        return new Training(model, task, cfg, t, parametrization, loraRank);
    }

    /** How z rescales σ (default: the released code's sigmoid mask). */
    public Training parametrization(Parametrization p) {
        return new Training(model, task, cfg, targets, p, 0);
    }

    /** Train LoRA adapters of rank {@code rank} on the same matrices instead of SVF (the paper's baseline). */
    public Training lora(int rank) {
        if (rank <= 0) throw new IllegalArgumentException("LoRA rank must be > 0, got " + rank);
        return new Training(model, task, cfg, targets, parametrization, rank);
    }

    public TrainingConfig config() {
        return cfg;
    }

    /** {@code svf} or {@code lora}. */
    public String method() {
        return loraRank > 0 ? "lora" : "svf";
    }

    /** Trains, showing progress and the learning curve live; returns the best parameters by validation accuracy. */
    public TrainedExpert run() {
        ExpertRecipe recipe = loraRank > 0
                ? ExpertRecipe.lora(targets, loraRank, 2f * loraRank, cfg)
                : ExpertRecipe.svf(targets, parametrization, cfg);
        ExpertLifecycle lifecycle = ExpertLifecycle.configure(
                model.transformer(),
                model.prompter(),
                task,
                -1,
                recipe,
                () -> model.decompose(targets).decomposition());
        List<Trainer.Step> steps = Collections.synchronizedList(new ArrayList<>());
        List<Trainer.Validation> validations = Collections.synchronizedList(new ArrayList<>());
        String title = String.format(Locale.ROOT, "%s %s on %s", model.name(), method(), task.name());
        TrainedAdapter trained;
        try (Live.Panel panel = Live.panel("train " + method() + " on " + task.name())) {
            panel.withChart(() -> {
                synchronized (steps) {
                    return steps.isEmpty()
                            ? null
                            : Charts.learningCurve(title, List.copyOf(steps), List.copyOf(validations));
                }
            });
            trained = lifecycle.train(null, new Trainer.Listener() {
                @Override
                public void onStep(Trainer.Step s) {
                    steps.add(s);
                    panel.update("step", s.iteration(), cfg.iterations());
                }

                @Override
                public void onValidation(Trainer.Validation v) {
                    validations.add(v);
                    panel.note(String.format(
                            Locale.ROOT, "validation %.1f %% at step %d", 100 * v.accuracy(), v.iteration()));
                }
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new TrainedExpert(model, task, cfg.objective().name().toLowerCase(), trained);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s training of %s on %s: %s, %d iterations × %d prompts, lr %.3g, temperature %.2f, seed %d",
                method(),
                model.name(),
                task.name(),
                cfg.objective().name().toLowerCase(),
                cfg.iterations(),
                cfg.batchSize(),
                cfg.learningRate(),
                cfg.temperature(),
                cfg.seed());
    }
}
