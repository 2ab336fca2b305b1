package t2j.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import t2j.model.Backprop;
import t2j.model.ParameterGradients;
import t2j.model.Transformer;
import t2j.tensor.Elementwise;
import t2j.tensor.Matrix;
import t2j.util.Progress;
import t2j.util.Seeds;

/**
 * Full-parameter next-token training (how the bundled tiny models are made): AdamW with linear warm-up and cosine
 * decay, global-norm clipping, on token sequences drawn in seeded epochs.
 *
 * <pre>{@code
 * Pretrainer.Result r = new Pretrainer(model, sequences, Pretrainer.Config.defaults(2000)).run(listener);
 * }</pre>
 */
public final class Pretrainer {
    /**
     * @param steps       optimiser steps
     * @param batchSize   sequences per step
     * @param lr          peak learning rate
     * @param weightDecay AdamW's decoupled decay (not applied to norms)
     * @param warmup      linear warm-up steps
     * @param maxGradNorm global-norm clip (0 = none)
     * @param seed        batch order derives from it
     */
    public record Config(
            int steps, int batchSize, double lr, double weightDecay, int warmup, double maxGradNorm, long seed) {
        public static Config defaults(int steps) {
            return new Config(steps, 16, 3e-3, 0.01, Math.max(1, steps / 20), 1.0, 1);
        }
    }

    /** One step's numbers. */
    public record Step(int step, double loss, double gradNorm, double lr, double tokensPerSecond) {}

    /** Per-step metrics (loss curve, throughput). */
    public interface Listener {
        void onStep(Step s);
    }

    /** Final loss and average throughput. */
    public record Result(List<Step> steps, double tokensPerSecond) {
        public double finalLoss() {
            return steps.isEmpty() ? Double.NaN : steps.get(steps.size() - 1).loss();
        }
    }

    /** Fewest parameters a thread's share of the AdamW update should hold: below it the hand-off costs more. */
    private static final int ADAM_MIN_PER_THREAD = 8192;

    private final Transformer model;
    private final List<int[]> sequences;
    private final Config cfg;
    private final Map<String, float[]> m = new HashMap<>(), v = new HashMap<>();
    private int done;
    /** The current epoch's shuffled sequences, and which epoch they are. */
    private List<int[]> order;

    private int orderEpoch = -1;
    private long elapsedNanos;
    private double firstLoss = Double.NaN;

    /** {@code sequences}: token ids to learn; the loss covers every token after the first. */
    public Pretrainer(Transformer model, List<int[]> sequences, Config cfg) {
        this.model = model;
        this.sequences = sequences;
        this.cfg = cfg;
        for (int[] s : sequences)
            if (s.length < 2) throw new IllegalArgumentException("every training sequence needs at least 2 tokens");
    }

    private java.nio.file.Path checkpoint;
    private int checkpointEvery;

    /**
     * Saves weights, optimiser moments and the step count to {@code file} every {@code everySteps} steps (atomically), and
     * resumes from it when it exists, so a long run can be stopped and continued.
     */
    public Pretrainer checkpointTo(java.nio.file.Path file, int everySteps) throws java.io.IOException {
        this.checkpoint = file;
        this.checkpointEvery = Math.max(1, everySteps);
        if (java.nio.file.Files.exists(file)) resume(file);
        return this;
    }

    private void resume(java.nio.file.Path file) throws java.io.IOException {
        try (t2j.io.SafeTensorsFile f = t2j.io.SafeTensorsFile.open(file)) {
            if (!"pretrain-checkpoint".equals(f.metadata().get("t2j.kind")))
                throw new IllegalArgumentException(file + ": not a pretraining checkpoint");
            for (String name : model.weights().names()) {
                Matrix w = model.weights().matrix(name);
                if (!f.contains("w." + name) || f.info("w." + name).numel() != w.numel())
                    throw new IllegalArgumentException(
                            file + ": checkpoint does not match this model at '" + name + "'; delete it to start over");
                w.copyFrom(f.readFloats("w." + name));
                m.put(name, f.readFloats("m." + name));
                v.put(name, f.readFloats("v." + name));
            }
            done = Integer.parseInt(f.metadata().get("step"));
            elapsedNanos = Long.parseLong(f.metadata().getOrDefault("elapsed_nanos", "0"));
            firstLoss = Double.parseDouble(f.metadata().getOrDefault("first_loss", "NaN"));
        }
    }

    private void saveCheckpoint() throws java.io.IOException {
        List<t2j.io.SafeTensorsWriter.Entry> entries = new ArrayList<>();
        for (String name : model.weights().names()) {
            Matrix w = model.weights().matrix(name);
            entries.add(entry("w." + name, w.toArray()));
            entries.add(entry("m." + name, m.get(name)));
            entries.add(entry("v." + name, v.get(name)));
        }
        t2j.io.SafeTensorsWriter.write(
                checkpoint,
                entries,
                Map.of(
                        "t2j.kind",
                        "pretrain-checkpoint",
                        "step",
                        Integer.toString(done),
                        "elapsed_nanos",
                        Long.toString(elapsedNanos),
                        "first_loss",
                        Double.toString(firstLoss)));
    }

    private static t2j.io.SafeTensorsWriter.Entry entry(String name, float[] a) {
        java.nio.FloatBuffer b = Matrix.allocate(a.length);
        b.put(a).position(0);
        return new t2j.io.SafeTensorsWriter.Entry(name, t2j.io.DType.F32, new long[] {a.length}, b);
    }

    /** Training time over all sessions of this run, resumed ones included. */
    public double elapsedSeconds() {
        return elapsedNanos / 1e9;
    }

    /** The loss of the run's very first step (also after a resume). */
    public double firstLoss() {
        return firstLoss;
    }

    /** Steps taken so far (a resumed run continues from here). */
    public int stepsDone() {
        return done;
    }

    public Result run(Listener listener) {
        // One gradient per row group of the batch; the first also holds their sum.
        List<ParameterGradients> parts = new ArrayList<>();
        for (int g = 0; g < Backprop.GROUPS; g++) parts.add(new ParameterGradients(model.weights()));
        ParameterGradients grads = parts.get(0);
        Backprop bp = new Backprop(model);
        List<Step> out = new ArrayList<>();
        long tokens = 0, nanos = 0, baseline = t2j.util.DirectMemory.used();
        while (done < cfg.steps()) {
            Progress.checkInterrupted("pretraining");
            int step = done + 1;
            long t0 = System.nanoTime();
            List<int[]> batch = batch(step);
            int[][] first = new int[batch.size()][], rest = new int[batch.size()][];
            int count = 0;
            for (int i = 0; i < batch.size(); i++) {
                int[] s = batch.get(i);
                first[i] = new int[] {s[0]};
                rest[i] = java.util.Arrays.copyOfRange(s, 1, s.length);
                count += rest[i].length;
            }
            float[] w = new float[batch.size()];
            java.util.Arrays.fill(w, 1f / count);
            for (ParameterGradients g : parts) g.zero();
            double loss = bp.lossAndGradients(first, rest, Backprop.weightedNll(w), parts);
            for (int g = 1; g < parts.size(); g++) grads.add(parts.get(g));
            double norm = grads.norm();
            if (!Double.isFinite(loss) || !Double.isFinite(norm))
                throw new ArithmeticException("pretraining diverged at step " + step + " (loss " + loss + ", |g| "
                        + norm + "); lower the learning rate");
            double scale = cfg.maxGradNorm() > 0 && norm > cfg.maxGradNorm() ? cfg.maxGradNorm() / norm : 1.0;
            double lr = learningRate(step);
            adamw(grads, scale, lr, step);
            done = step;
            long dt = System.nanoTime() - t0;
            tokens += count + batch.size();
            nanos += dt;
            elapsedNanos += dt;
            if (Double.isNaN(firstLoss)) firstLoss = loss;
            Step s = new Step(step, loss, norm, lr, (count + batch.size()) / (dt / 1e9));
            out.add(s);
            listener.onStep(s);
            t2j.util.DirectMemory.reclaimAbove(baseline, t2j.util.DirectMemory.TRAINING_SLACK);
            if (checkpoint != null && (done % checkpointEvery == 0 || done == cfg.steps())) {
                try {
                    saveCheckpoint();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot write checkpoint " + checkpoint, e);
                }
            }
        }
        return new Result(out, nanos == 0 ? 0 : tokens / (nanos / 1e9));
    }

    /** Warm-up then cosine decay to 10 % of the peak. */
    double learningRate(int step) {
        if (step <= cfg.warmup()) return cfg.lr() * step / cfg.warmup();
        double p = (double) (step - cfg.warmup()) / Math.max(1, cfg.steps() - cfg.warmup());
        return cfg.lr() * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, p))));
    }

    private List<int[]> batch(int step) {
        int b = Math.min(cfg.batchSize(), sequences.size());
        int perEpoch = Math.max(1, sequences.size() / b);
        int epoch = (step - 1) / perEpoch, slot = (step - 1) % perEpoch;
        // Shuffled once per epoch, not per step: the recipe's 80 000 sequences took milliseconds a step to reshuffle.
        if (epoch != orderEpoch) {
            order = new ArrayList<>(sequences);
            Collections.shuffle(order, new Random(Seeds.derive(cfg.seed(), "pretrain-epoch", epoch)));
            orderEpoch = epoch;
        }
        return order.subList(slot * b, slot * b + b);
    }

    private void adamw(ParameterGradients grads, double gradScale, double lr, int step) {
        double b1 = 0.9, b2 = 0.95, eps = 1e-8;
        double c1 = 1 - Math.pow(b1, step), c2 = 1 - Math.pow(b2, step);
        for (Map.Entry<String, Matrix> e : grads.all().entrySet()) {
            String name = e.getKey();
            Matrix g = e.getValue(), p = model.weights().matrix(name);
            int n = (int) p.numel();
            float[] mm = m.computeIfAbsent(name, k -> new float[n]), vv = v.computeIfAbsent(name, k -> new float[n]);
            double decay = name.endsWith("norm.weight") ? 0 : cfg.weightDecay();
            Elementwise.AdamW k = new Elementwise.AdamW(gradScale, lr, b1, b2, c1, c2, eps, decay);
            // Updated in place, block by block: copying every weight to the heap and back each step would double the
            // work. Element-wise, so the split over threads changes no bit.
            p.forEachBlock((first, count, pb) -> {
                java.nio.FloatBuffer gb = g.blockOf(first);
                int go = g.offsetInBlock(first), off = first * p.cols();
                t2j.tensor.Parallel.forRange(
                        count * p.cols(),
                        ADAM_MIN_PER_THREAD,
                        (lo, hi, part) -> Elementwise.adamw(gb, go + lo, pb, lo, mm, vv, off + lo, hi - lo, k));
            });
        }
    }
}
