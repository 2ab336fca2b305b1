package t2j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.generate.GenerationConfig;
import t2j.generate.Generator;
import t2j.model.Backprop;
import t2j.model.Transformer;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Verdict;
import t2j.util.Progress;
import t2j.util.Seeds;

/**
 * Trains an {@link Adapter} on a task: the paper's REINFORCE (roll out, verify, reward ±1, loss −Σ r·log p / B,
 * optional KL to the base model, Adam, global-norm clipping) or next-token loss on reference answers.
 * Validates every few steps, keeps the best parameters, can resume from its checkpoint, and stops with a
 * diagnosis on a non-finite loss or gradient (keeping the last good parameters).
 *
 * <pre>{@code
 * Trainer.Result r = new Trainer(model, svf, task, prompter, TrainingConfig.reinforce()).train(listener);
 * svf.setZ(r.best()); svf.apply();
 * }</pre>
 */
public final class Trainer {
    private final Transformer model;
    private final Adapter adapter;
    private final Task task;
    private final Prompter prompter;
    private final TrainingConfig cfg;
    private final Backprop backprop;
    private Path checkpoint;

    public Trainer(Transformer model, Adapter adapter, Task task, Prompter prompter, TrainingConfig cfg) {
        this.model = model;
        this.adapter = adapter;
        this.task = task;
        this.prompter = prompter;
        this.cfg = cfg;
        this.backprop = new Backprop(model);
    }

    /** Checkpoints to {@code file} at every validation and resumes from it when it exists. */
    public Trainer checkpointTo(Path file) {
        this.checkpoint = file;
        return this;
    }

    /** What one step measured. */
    public record Step(int iteration, double loss, double rewardMean, double batchAccuracy, double gradNorm, double paramMean,
                       double paramStd, double seconds) {}

    /** A validation result; {@code best} when it beat every earlier one. */
    public record Validation(int iteration, double accuracy, boolean best) {}

    /** Receives metrics as training goes (for live plots and progress bars). */
    public interface Listener {
        default void onStep(Step s) {}

        default void onValidation(Validation v) {}
    }

    /** The outcome: the best parameters by validation accuracy and the full history. */
    public record Result(Map<String, float[]> best, double bestValidation, double baseValidation, int bestIteration,
                         List<Step> steps, List<Validation> validations, String stopReason) {
        /**
         * The metadata a training run records in its expert file: what it was trained from, on, and with, and the validation
         * numbers its best parameters were chosen by.
         *
         * @param taskSeed the seed the task was built with, or a negative number when unknown (then not recorded)
         */
        public Map<String, String> expertInfo(String baseFingerprint, String modelType, String method, String targets, String task,
                                              long taskSeed, TrainingConfig cfg) {
            Map<String, String> info = new LinkedHashMap<>();
            info.put("base_fingerprint", baseFingerprint);
            info.put("model_type", modelType);
            info.put("method", method);
            info.put("objective", cfg.objective().name().toLowerCase());
            info.put("targets", targets);
            info.put("task", task);
            info.put("iterations", Integer.toString(cfg.iterations()));
            info.put("best_iteration", Integer.toString(bestIteration));
            info.put("best_validation", Double.toString(bestValidation));
            info.put("base_validation", Double.toString(baseValidation));
            info.put("seed", Long.toString(cfg.seed()));
            if (taskSeed >= 0) info.put("task_seed", Long.toString(taskSeed));
            // What best_validation was measured on: the first `validation` validation examples plus the last
            // `selection_holdout` training examples of the task.
            info.put("validation", Integer.toString(cfg.validationLimit()));
            info.put("selection_holdout", Integer.toString(cfg.selectionHoldout()));
            info.put("selection_z", Double.toString(cfg.selectionZ()));
            return info;
        }
    }

    public Result train(Listener listener) throws IOException {
        List<Example> train = task.examples(Split.TRAIN);
        List<Example> valid = task.examples(Split.VALIDATION);
        if (valid.size() > cfg.validationLimit()) valid = valid.subList(0, cfg.validationLimit());
        if (cfg.selectionHoldout() > 0) {
            // The last training examples are never trained on and join the validation examples the best checkpoint is chosen on.
            int keep = train.size() - cfg.selectionHoldout();
            if (keep <= 0)
                throw new IllegalArgumentException("selection holdout " + cfg.selectionHoldout() + " leaves no training examples of " + train.size());
            List<Example> selection = new ArrayList<>(valid);
            selection.addAll(train.subList(keep, train.size()));
            valid = selection;
            train = train.subList(0, keep);
        }
        if (train.isEmpty()) throw new IllegalArgumentException("task " + task.name() + " has no training examples");
        Adam adam = Adam.withLearningRate(cfg.learningRate());
        Evaluator evaluator = new Evaluator(model, prompter, cfg.maxNewTokens());
        List<Step> steps = new ArrayList<>();
        List<Validation> validations = new ArrayList<>();
        Map<String, float[]> best = copy(adapter.parameters());
        int start = 0, bestIteration = 0;
        double bestValidation, baseValidation;
        Evaluator.Evaluation baseOutcomes = null;

        TrainingCheckpoint resumed = checkpoint != null && Files.exists(checkpoint) ? TrainingCheckpoint.load(checkpoint, adapter.parameters()) : null;
        if (resumed != null) {
            start = resumed.iteration();
            copyInto(resumed.params(), adapter.parameters());
            adam.restore(resumed.adamState(), resumed.adamSteps());
            best = resumed.best();
            bestValidation = resumed.bestValidation();
            baseValidation = resumed.baseValidation();
            bestIteration = resumed.bestIteration();
            if (cfg.selectionZ() > 0) {
                adapter.restore();
                baseOutcomes = evaluator.evaluate(task, valid, Progress.NONE);
                adapter.apply();
            }
        } else {
            adapter.restore();
            baseOutcomes = evaluator.evaluate(task, valid, Progress.NONE);
            baseValidation = baseOutcomes.accuracy();
            adapter.apply();
            bestValidation = evaluator.evaluate(task, valid, Progress.NONE).accuracy();
            Validation v0 = new Validation(0, bestValidation, true);
            validations.add(v0);
            listener.onValidation(v0);
        }

        String stop = "completed " + cfg.iterations() + " iterations";
        try {
            long baseline = t2j.util.DirectMemory.used();
            for (int it = start + 1; it <= cfg.iterations(); it++) {
                Progress.checkInterrupted("training");
                t2j.util.DirectMemory.reclaimAbove(baseline, t2j.util.DirectMemory.TRAINING_SLACK);
                long t0 = System.nanoTime();
                List<Example> batch = batch(train, it);
                Map<String, float[]> grads = zeros(adapter.parameters());
                double[] stats = cfg.objective() == TrainingConfig.Objective.REINFORCE ? reinforceStep(batch, grads, it) : nextTokenStep(batch, grads);
                double norm = Adam.clip(grads, cfg.maxGradNorm());
                if (!Double.isFinite(stats[0]) || !Double.isFinite(norm)) {
                    stop = "stopped at iteration " + it + ": " + (Double.isFinite(stats[0]) ? "gradient norm" : "loss") + " is not finite ("
                            + stats[0] + ", |g| = " + norm + "); the best parameters so far are kept. Lower the learning rate or clip harder.";
                    break;
                }
                adam.step(adapter.parameters(), grads, 1.0);
                adapter.apply();
                double[] ms = meanStd(adapter.parameters());
                Step s = new Step(it, stats[0], stats[1], stats[2], norm, ms[0], ms[1], (System.nanoTime() - t0) / 1e9);
                steps.add(s);
                listener.onStep(s);
                if (it % cfg.evalEvery() == 0 || it == cfg.iterations()) {
                    Evaluator.Evaluation e = evaluator.evaluate(task, valid, Progress.NONE);
                    double acc = e.accuracy();
                    boolean isBest = acc > bestValidation && (cfg.selectionZ() <= 0 || pairedZ(baseOutcomes, e) >= cfg.selectionZ());
                    if (isBest) {
                        bestValidation = acc;
                        bestIteration = it;
                        best = copy(adapter.parameters());
                    }
                    Validation v = new Validation(it, acc, isBest);
                    validations.add(v);
                    listener.onValidation(v);
                    if (checkpoint != null)
                        new TrainingCheckpoint(it, adapter.parameters(), adam.state(), adam.steps(), best, bestValidation, baseValidation, bestIteration).save(checkpoint);
                }
            }
        } finally {
            // Whatever happened (interrupt included), leave the model with the best parameters, never half-updated.
            copyInto(best, adapter.parameters());
            adapter.apply();
        }
        return new Result(copy(best), bestValidation, baseValidation, bestIteration, steps, validations, stop);
    }

    /**
     * McNemar's paired z-score of {@code now} against {@code base} on the same examples: {@code (wins − losses) /
     * √(wins + losses)}, where a win is an example {@code base} got wrong and {@code now} right; 0 when none differ.
     */
    static double pairedZ(Evaluator.Evaluation base, Evaluator.Evaluation now) {
        int wins = 0, losses = 0;
        for (int i = 0; i < base.outcomes().size(); i++) {
            boolean b = base.outcomes().get(i).verdict().correct(), n = now.outcomes().get(i).verdict().correct();
            if (n && !b) wins++;
            if (b && !n) losses++;
        }
        return wins + losses == 0 ? 0 : (wins - losses) / Math.sqrt(wins + losses);
    }

    /** The batch of iteration {@code it}: a seeded shuffle per epoch, so resuming picks the same batches. */
    private List<Example> batch(List<Example> train, int it) {
        int b = Math.min(cfg.batchSize(), train.size());
        int perEpoch = Math.max(1, train.size() / b);
        int epoch = (it - 1) / perEpoch, slot = (it - 1) % perEpoch;
        List<Example> order = new ArrayList<>(train);
        java.util.Collections.shuffle(order, new java.util.Random(Seeds.derive(cfg.seed(), "epoch", epoch)));
        return order.subList(slot * b, slot * b + b);
    }

    /**
     * Rolls out ({@code samplesPerPrompt} per prompt), verifies and accumulates REINFORCE gradients; returns {loss, mean
     * reward, batch accuracy}.
     */
    private double[] reinforceStep(List<Example> batch, Map<String, float[]> grads, int it) {
        int g = cfg.samplesPerPrompt(), n = batch.size() * g;
        int[][] prompts = new int[n][];
        for (int i = 0; i < n; i++) prompts[i] = prompter.promptIds(batch.get(i / g));
        GenerationConfig gen = GenerationConfig.greedy(cfg.maxNewTokens(), prompter.stopIds())
                .withSampling(cfg.temperature(), 1f, Seeds.derive(cfg.seed(), "rollout", it));
        List<Generator.Generation> outs = new Generator(model).generate(List.of(prompts), gen, null);
        int[][] completions = new int[n][];
        float[] rewards = new float[n];
        int correct = 0;
        for (int i = 0; i < n; i++) {
            Generator.Generation out = outs.get(i);
            // The stop token is part of what the policy chose: score it too, so the model learns when to stop.
            completions[i] = out.stopReason().equals("eos") ? append(out.tokens(), prompter.stopIds()[0]) : out.tokens();
            Verdict v = task.verify(batch.get(i / g), prompter.decode(out.tokens()));
            rewards[i] = (float) v.reward();
            if (v.correct()) correct++;
        }
        double mean = 0;
        for (float r : rewards) mean += r / n;
        float[] weights = rowWeights(rewards, completions, g, cfg.normalizeRewards(), cfg.rewardClip(), cfg.tokenMean());
        Backprop.TokenLoss loss = Backprop.weightedNll(weights);
        if (cfg.klCoefficient() > 0) loss = KlPenalty.add(loss, model, adapter, prompts, completions, cfg.klCoefficient() / n, cfg.tokenMean());
        t2j.model.MemoryPlan.backprop(model.config(), prompts, completions).check();
        double l = backprop.lossAndGradients(prompts, completions, loss, adapter.gradientSink(grads));
        return new double[] {l, mean, (double) correct / n};
    }

    /**
     * The REINFORCE weight of each rollout's log-probability (the loss is {@code −Σ_b w_b·log p(y_b)}): the reward, minus
     * the mean reward of the rollouts of the same prompt when there are {@code group > 1} of them (consecutive rows);
     * standardised over the batch if {@code normalize}, clipped to ±{@code clip} if positive; divided by the number of
     * rollouts, and with {@code tokenMean} also by the rollout's length.
     */
    static float[] rowWeights(float[] rewards, int[][] completions, int group, boolean normalize, double clip, boolean tokenMean) {
        int n = rewards.length;
        double[] adv = new double[n];
        for (int p = 0; p < n; p += group) {
            double m = 0;
            for (int i = p; i < p + group; i++) m += rewards[i] / (double) group;
            for (int i = p; i < p + group; i++) adv[i] = group > 1 ? rewards[i] - m : rewards[i];
        }
        if (normalize) {
            double mean = 0, sd = 0;
            for (double a : adv) mean += a / n;
            for (double a : adv) sd += (a - mean) * (a - mean) / n;
            sd = Math.sqrt(sd);
            // With a group baseline the advantages already have mean 0 per prompt; only the scale is standardised.
            for (int i = 0; i < n; i++) adv[i] = (group > 1 ? adv[i] : adv[i] - mean) / (sd + 1e-6);
        }
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            double r = adv[i];
            if (clip > 0) r = Math.max(-clip, Math.min(clip, r));
            w[i] = (float) (r / n / (tokenMean ? Math.max(1, completions[i].length) : 1));
        }
        return w;
    }

    /** Next-token loss on the reference completions; returns {loss, NaN, NaN}. */
    private double[] nextTokenStep(List<Example> batch, Map<String, float[]> grads) {
        int n = batch.size(), tokens = 0;
        int[][] prompts = new int[n][], refs = new int[n][];
        for (int i = 0; i < n; i++) {
            prompts[i] = prompter.promptIds(batch.get(i));
            refs[i] = prompter.referenceIds(batch.get(i));
            tokens += refs[i].length;
        }
        float[] w = new float[n];
        java.util.Arrays.fill(w, 1f / Math.max(1, tokens));
        t2j.model.MemoryPlan.backprop(model.config(), prompts, refs).check();
        double l = backprop.lossAndGradients(prompts, refs, Backprop.weightedNll(w), adapter.gradientSink(grads));
        return new double[] {l, Double.NaN, Double.NaN};
    }

    private static int[] append(int[] a, int x) {
        int[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = x;
        return r;
    }

    static Map<String, float[]> copy(Map<String, float[]> m) {
        Map<String, float[]> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, v.clone()));
        return c;
    }

    private static void copyInto(Map<String, float[]> src, Map<String, float[]> dst) {
        src.forEach((k, v) -> System.arraycopy(v, 0, dst.get(k), 0, v.length));
    }

    private static Map<String, float[]> zeros(Map<String, float[]> like) {
        Map<String, float[]> z = new LinkedHashMap<>();
        like.forEach((k, v) -> z.put(k, new float[v.length]));
        return z;
    }

    private static double[] meanStd(Map<String, float[]> params) {
        double s = 0, ss = 0;
        long n = 0;
        for (float[] v : params.values()) for (float x : v) { s += x; ss += (double) x * x; n++; }
        double mean = s / Math.max(1, n);
        return new double[] {mean, Math.sqrt(Math.max(0, ss / Math.max(1, n) - mean * mean))};
    }
}
