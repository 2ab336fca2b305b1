package t2j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import t2j.adapter.Adapter;
import t2j.model.Transformer;
import t2j.prompt.Prompter;
import t2j.task.Example;
import t2j.task.Task;
import t2j.util.DirectMemory;
import t2j.util.Progress;
import t2j.util.Seeds;

/**
 * Trains an {@link Adapter} on a task: the loop around an objective ({@link ReinforceLoss}, the paper's
 * REINFORCE, or {@link NextTokenLoss}), Adam and global-norm clipping. Validates every few steps on a
 * {@link SelectionSplit}, keeps the best parameters by {@link McNemarSelection}, resumes from its
 * {@link TrainingCheckpoint}, and stops with a diagnosis on a non-finite loss or gradient (keeping the last good
 * parameters).
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
    private Path checkpoint;

    public Trainer(Transformer model, Adapter adapter, Task task, Prompter prompter, TrainingConfig cfg) {
        this.model = model;
        this.adapter = adapter;
        this.task = task;
        this.prompter = prompter;
        this.cfg = cfg;
    }

    /** Checkpoints to {@code file} at every validation and resumes from it when it exists. */
    public Trainer checkpointTo(Path file) {
        this.checkpoint = file;
        return this;
    }

    /** What one step measured. */
    public record Step(
            int iteration,
            double loss,
            double rewardMean,
            double batchAccuracy,
            double gradNorm,
            double paramMean,
            double paramStd,
            double seconds) {}

    /** A validation result; {@code best} when it beat every earlier one. */
    public record Validation(int iteration, double accuracy, boolean best) {}

    /** Receives metrics as training goes (for live plots and progress bars). */
    public interface Listener {
        default void onStep(Step s) {}

        default void onValidation(Validation v) {}
    }

    /** The outcome: the best parameters by validation accuracy and the full history. */
    public record Result(
            Map<String, float[]> best,
            double bestValidation,
            double baseValidation,
            int bestIteration,
            List<Step> steps,
            List<Validation> validations,
            String stopReason) {
        /**
         * The metadata a training run records in its expert file: what it was trained from, on, and with, and the validation
         * numbers its best parameters were chosen by.
         *
         * @param taskSeed the seed the task was built with, or a negative number when unknown (then not recorded)
         */
        public Map<String, String> expertInfo(
                String baseFingerprint,
                String modelType,
                String method,
                String targets,
                String task,
                long taskSeed,
                TrainingConfig cfg) {
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
        SelectionSplit split = SelectionSplit.of(task, cfg);
        List<Example> train = split.train();
        List<Example> valid = split.selection();
        Adam adam = Adam.withLearningRate(cfg.learningRate());
        Evaluator evaluator = new Evaluator(model, prompter, cfg.maxNewTokens());
        BatchLoss objective = BatchLoss.of(cfg, model, adapter, task, prompter);
        List<Step> steps = new ArrayList<>();
        List<Validation> validations = new ArrayList<>();
        Map<String, float[]> best = copy(adapter.parameters());
        int start = 0;
        int bestIteration = 0;
        double bestValidation;
        double baseValidation;
        Evaluator.Evaluation baseOutcomes = null;

        Optional<TrainingCheckpoint> resumed = TrainingCheckpoint.resumable(checkpoint, adapter.parameters());
        if (resumed.isPresent()) {
            TrainingCheckpoint c = resumed.get();
            start = c.iteration();
            c.restoreInto(adapter.parameters(), adam);
            best = c.best();
            bestValidation = c.bestValidation();
            baseValidation = c.baseValidation();
            bestIteration = c.bestIteration();
            if (cfg.selectionZ() > 0) {
                try (Adapter.Weights base = adapter.base()) {
                    baseOutcomes = evaluator.evaluate(task, valid, Progress.NONE);
                }
            }
        } else {
            try (Adapter.Weights base = adapter.base()) {
                baseOutcomes = evaluator.evaluate(task, valid, Progress.NONE);
                baseValidation = baseOutcomes.accuracy();
            }
            bestValidation = evaluator.evaluate(task, valid, Progress.NONE).accuracy();
            Validation v0 = new Validation(0, bestValidation, true);
            validations.add(v0);
            listener.onValidation(v0);
        }
        McNemarSelection selection = new McNemarSelection(cfg.selectionZ(), baseOutcomes);

        String stop = "completed " + cfg.iterations() + " iterations";
        try {
            long baseline = DirectMemory.used();
            for (int it = start + 1; it <= cfg.iterations(); it++) {
                Progress.checkInterrupted("training");
                DirectMemory.reclaimAbove(baseline, DirectMemory.TRAINING_SLACK);
                long t0 = System.nanoTime();
                List<Example> batch = batch(train, it);
                Map<String, float[]> grads = zeros(adapter.parameters());
                StepStats stats = objective.step(batch, grads, it);
                double norm = Adam.clip(grads, cfg.maxGradNorm());
                if (!Double.isFinite(stats.loss()) || !Double.isFinite(norm)) {
                    String what = Double.isFinite(stats.loss()) ? "gradient norm" : "loss";
                    stop = "stopped at iteration " + it + ": " + what + " is not finite (" + stats.loss() + ", |g| = "
                            + norm + "); the best parameters so far are kept. Lower the learning rate or clip harder.";
                    break;
                }
                adam.step(adapter.parameters(), grads, 1.0);
                adapter.apply();
                double[] ms = meanStd(adapter.parameters());
                double seconds = (System.nanoTime() - t0) / 1e9;
                Step s = new Step(
                        it, stats.loss(), stats.rewardMean(), stats.batchAccuracy(), norm, ms[0], ms[1], seconds);
                steps.add(s);
                listener.onStep(s);
                if (it % cfg.evalEvery() == 0 || it == cfg.iterations()) {
                    Evaluator.Evaluation e = evaluator.evaluate(task, valid, Progress.NONE);
                    boolean isBest = selection.isNewBest(e, bestValidation);
                    if (isBest) {
                        bestValidation = e.accuracy();
                        bestIteration = it;
                        best = copy(adapter.parameters());
                    }
                    Validation v = new Validation(it, e.accuracy(), isBest);
                    validations.add(v);
                    listener.onValidation(v);
                    if (checkpoint != null) {
                        new TrainingCheckpoint(
                                        it,
                                        adapter.parameters(),
                                        adam.state(),
                                        adam.steps(),
                                        best,
                                        bestValidation,
                                        baseValidation,
                                        bestIteration)
                                .save(checkpoint);
                    }
                }
            }
        } finally {
            // Whatever happened (interrupt included), leave the model with the best parameters, never half-updated.
            copyInto(best, adapter.parameters());
            adapter.apply();
        }
        return new Result(copy(best), bestValidation, baseValidation, bestIteration, steps, validations, stop);
    }

    /** The batch of iteration {@code it}: a seeded shuffle per epoch, so resuming picks the same batches. */
    private List<Example> batch(List<Example> train, int it) {
        int b = Math.min(cfg.batchSize(), train.size());
        int perEpoch = Math.max(1, train.size() / b);
        int epoch = (it - 1) / perEpoch;
        int slot = (it - 1) % perEpoch;
        List<Example> order = new ArrayList<>(train);
        Collections.shuffle(order, new Random(Seeds.derive(cfg.seed(), "epoch", epoch)));
        return order.subList(slot * b, slot * b + b);
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
        for (float[] v : params.values())
            for (float x : v) {
                s += x;
                ss += (double) x * x;
                n++;
            }
        double mean = s / Math.max(1, n);
        return new double[] {mean, Math.sqrt(Math.max(0, ss / Math.max(1, n) - mean * mean))};
    }
}
