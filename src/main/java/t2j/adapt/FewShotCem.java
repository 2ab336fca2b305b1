package t2j.adapt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import t2j.task.Example;
import t2j.task.Task;
import t2j.task.Verdict;
import t2j.util.Progress;

/**
 * Few-shot adaptation: the Cross-Entropy Method searches interpolation weights α over experts on a handful of a new
 * task's examples, once per task (the paper's third strategy).
 *
 * <p>As in the released code: α starts at 1/K (K experts) with standard deviation range/2; each iteration samples a
 * population from the Gaussian, clamps it to the α range, and always puts the best member so far in slot 0, where it
 * is re-evaluated; every member is scored by its greedy accuracy on the shots; the top {@code elites} by accuracy
 * (ties to the lower slot) give the new mean and (unbiased) standard deviation. The best member overall is the one
 * with the highest accuracy, ties broken by the mean per-token log-likelihood of its correct generations (0 when it
 * has none). The mixture is the paper's {@code z′ = Σ α_k z_k} passed through the experts' mask ({@link ExpertPool#masks}), so a one-hot α is
 * exactly that expert (the released code skipped the mask for mixtures).
 *
 * <pre>{@code
 * FewShotCem.Result r = new FewShotCem(FewShotCem.Config.defaults().withIterations(10))
 *         .search(task, task.examples(Split.TRANSFER).subList(0, 10), ctx, List.of("math", "code", "reasoning"), Progress.NONE);
 * TwoPass tp = new TwoPass(ctx, r.dispatcher());
 * }</pre>
 */
public final class FewShotCem {
    private final Config cfg;

    public FewShotCem(Config cfg) {
        this.cfg = cfg;
    }

    /**
     * @param population  members per iteration (original 32)
     * @param eliteRatio  fraction kept as elites (original 0.2, i.e. 6 of 32); at least 2 are kept
     * @param iterations  CEM iterations (the released script runs 50, the paper "up to 100")
     * @param alphaMin    lower clamp of α (original 0)
     * @param alphaMax    upper clamp of α (original 1)
     * @param perMatrix   one α per expert per adapted matrix (the released code's {@code per_layer=true}) instead of one per expert
     * @param seed        sampling seed
     */
    public record Config(
            int population,
            double eliteRatio,
            int iterations,
            double alphaMin,
            double alphaMax,
            boolean perMatrix,
            long seed) {
        public Config {
            if (population < 2) throw new IllegalArgumentException("CEM population must be >= 2, got " + population);
            if (!(eliteRatio > 0 && eliteRatio <= 1))
                throw new IllegalArgumentException("elite ratio must be in (0, 1], got " + eliteRatio);
            if (iterations < 1) throw new IllegalArgumentException("CEM needs at least one iteration");
            if (!(alphaMax > alphaMin))
                throw new IllegalArgumentException(
                        "α range must have max > min, got [" + alphaMin + ", " + alphaMax + "]");
        }

        /** The released code's settings: population 32, elites 0.2, 50 iterations, α in [0, 1], one α per expert, seed 42. */
        public static Config defaults() {
            return new Config(32, 0.2, 50, 0, 1, false, 42);
        }

        /** Number of elites: {@code ⌊population·eliteRatio⌋}, at least 2 (a standard deviation needs two). */
        public int elites() {
            return Math.min(population, Math.max(2, (int) (population * eliteRatio)));
        }

        public Config withPopulation(int v) {
            return new Config(v, eliteRatio, iterations, alphaMin, alphaMax, perMatrix, seed);
        }

        public Config withEliteRatio(double v) {
            return new Config(population, v, iterations, alphaMin, alphaMax, perMatrix, seed);
        }

        public Config withIterations(int v) {
            return new Config(population, eliteRatio, v, alphaMin, alphaMax, perMatrix, seed);
        }

        public Config withRange(double lo, double hi) {
            return new Config(population, eliteRatio, iterations, lo, hi, perMatrix, seed);
        }

        public Config withPerMatrix(boolean v) {
            return new Config(population, eliteRatio, iterations, alphaMin, alphaMax, v, seed);
        }

        public Config withSeed(long v) {
            return new Config(population, eliteRatio, iterations, alphaMin, alphaMax, perMatrix, v);
        }
    }

    /** How one α vector did on the shots. */
    public record Fitness(int correct, int total, double logLikelihood) implements Comparable<Fitness> {
        public double accuracy() {
            return total == 0 ? 0 : (double) correct / total;
        }

        /** Accuracy first, then log-likelihood. */
        @Override
        public int compareTo(Fitness o) {
            int c = Double.compare(accuracy(), o.accuracy());
            return c != 0 ? c : Double.compare(logLikelihood, o.logLikelihood);
        }
    }

    /**
     * One iteration, for plots: the sampling distribution after it, the best α so far and its fitness.
     *
     * @param mean / std      the refitted distribution (per dimension: expert-major, then matrix)
     * @param best            the best α so far
     * @param populationMeanAccuracy mean accuracy of this iteration's members
     */
    public record Iteration(
            int iteration,
            List<Double> mean,
            List<Double> std,
            List<Double> best,
            Fitness bestFitness,
            double populationMeanAccuracy,
            double eliteMeanAccuracy) {}

    /**
     * The search's outcome.
     *
     * @param experts  the experts mixed, in α order
     * @param matrices adapted matrices (per-matrix α follow this order)
     * @param history  one entry per iteration
     */
    public record Result(
            String task,
            List<String> experts,
            List<String> matrices,
            boolean perMatrix,
            Mixture best,
            Fitness bestFitness,
            List<Iteration> history,
            int evaluations,
            int shots,
            double seconds) {
        /** The found mixture as a decision. */
        public Decision decision() {
            return Decision.mixture(
                    best,
                    String.format(
                            Locale.ROOT,
                            "CEM on %d %s shots: %s (shot accuracy %.2f)",
                            shots,
                            task,
                            best,
                            bestFitness.accuracy()));
        }

        /** A dispatcher that always answers with the found mixture. */
        public Dispatcher dispatcher() {
            return Dispatcher.fixed("few-shot", decision());
        }

        /** Each expert's best weight (mean over matrices when per matrix). */
        public Map<String, Double> bestAlpha() {
            return best.meanAlpha();
        }

        /** Per iteration, each expert's weight in the best α so far (mean over matrices): the series to plot. */
        public Map<String, List<Double>> bestAlphaHistory() {
            Map<String, List<Double>> m = new LinkedHashMap<>();
            int per = perMatrix ? matrices.size() : 1;
            for (int k = 0; k < experts.size(); k++) {
                List<Double> series = new ArrayList<>();
                for (Iteration it : history) {
                    double s = 0;
                    for (int i = 0; i < per; i++) s += it.best().get(k * per + i);
                    series.add(s / per);
                }
                m.put(experts.get(k), Collections.unmodifiableList(series));
            }
            return Collections.unmodifiableMap(m);
        }
    }

    /**
     * Searches α over {@code experts} (pool names) on {@code shots} of {@code task}. The model is left at its base
     * weights, also when interrupted.
     */
    public Result search(Task task, List<Example> shots, AdaptContext ctx, List<String> experts, Progress progress) {
        if (experts.isEmpty()) throw new IllegalArgumentException("few-shot adaptation needs at least one expert");
        if (shots.isEmpty())
            throw new IllegalArgumentException("few-shot adaptation of " + task.name() + " needs at least one example");
        for (String e : experts) ctx.pool().expert(e);
        long t0 = System.nanoTime();
        int k = experts.size(), per = cfg.perMatrix() ? ctx.pool().matrices().size() : 1, dims = k * per;
        double lo = cfg.alphaMin(), hi = cfg.alphaMax();
        double[] mean = new double[dims], std = new double[dims];
        Arrays.fill(mean, clamp(1.0 / k, lo, hi));
        Arrays.fill(std, (hi - lo) / 2);
        double[] best = mean.clone();
        Fitness bestFit = null;
        SplittableRandom rnd = new SplittableRandom(cfg.seed());
        List<Iteration> history = new ArrayList<>();
        int evaluations = 0;
        try (Scope scope = ctx.pool().use()) {
            for (int it = 1; it <= cfg.iterations(); it++) {
                double[][] pop = new double[cfg.population()][];
                pop[0] = best.clone();
                for (int j = 1; j < pop.length; j++) {
                    pop[j] = new double[dims];
                    for (int d = 0; d < dims; d++)
                        pop[j][d] = clamp(mean[d] + std[d] * t2j.util.Seeds.gaussian(rnd), lo, hi);
                }
                Fitness[] fit = new Fitness[pop.length];
                for (int j = 0; j < pop.length; j++) {
                    Progress.checkInterrupted("few-shot search");
                    fit[j] = fitness(task, shots, ctx, scope, mixture(experts, pop[j], per));
                    evaluations++;
                    progress.update(
                            "CEM " + task.name(),
                            (long) (it - 1) * pop.length + j + 1,
                            (long) cfg.iterations() * pop.length);
                }
                // Slot 0 is the best so far, re-evaluated: its new score replaces the old one.
                bestFit = fit[0];
                for (int j = 1; j < pop.length; j++)
                    if (fit[j].compareTo(bestFit) > 0) {
                        bestFit = fit[j];
                        best = pop[j].clone();
                    }
                Integer[] order = new Integer[pop.length];
                for (int j = 0; j < order.length; j++) order[j] = j;
                Arrays.sort(
                        order,
                        (a, b) -> Double.compare(fit[b].accuracy(), fit[a].accuracy())); // stable: ties keep slot order
                int e = cfg.elites();
                double eliteAcc = 0, popAcc = 0;
                for (Fitness f : fit) popAcc += f.accuracy();
                for (int d = 0; d < dims; d++) {
                    double s = 0;
                    for (int i = 0; i < e; i++) s += pop[order[i]][d];
                    double m = s / e, v = 0;
                    for (int i = 0; i < e; i++) v += (pop[order[i]][d] - m) * (pop[order[i]][d] - m);
                    mean[d] = m;
                    std[d] = Math.sqrt(v / (e - 1));
                }
                for (int i = 0; i < e; i++) eliteAcc += fit[order[i]].accuracy();
                history.add(new Iteration(
                        it, boxed(mean), boxed(std), boxed(best), bestFit, popAcc / pop.length, eliteAcc / e));
            }
        }
        return new Result(
                task.name(),
                List.copyOf(experts),
                ctx.pool().matrices(),
                cfg.perMatrix(),
                mixture(experts, best, per),
                bestFit,
                Collections.unmodifiableList(history),
                evaluations,
                shots.size(),
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The fitness CEM gives one mixture: its greedy accuracy on the shots and the mean per-token log-likelihood of
     * its correct generations. The model is left at its base weights.
     */
    public static Fitness evaluate(Task task, List<Example> shots, AdaptContext ctx, Mixture m) {
        try (Scope scope = ctx.pool().use()) {
            return fitness(task, shots, ctx, scope, m);
        }
    }

    /** As {@link #evaluate}, composing through the caller's scope (the search restores once at the end). */
    private static Fitness fitness(Task task, List<Example> shots, AdaptContext ctx, Scope scope, Mixture m) {
        scope.compose(m, Controls.NONE, "search");
        List<Completions.Row> rows = Completions.greedy(
                ctx.model(), ctx.prompter(), shots, ctx.maxNewTokens(), ctx.batchSize(), "few-shot search");
        List<int[]> prompts = new ArrayList<>(), conts = new ArrayList<>();
        int correct = 0;
        for (int i = 0; i < shots.size(); i++) {
            Verdict v = task.verify(shots.get(i), rows.get(i).text());
            if (!v.correct()) continue;
            correct++;
            if (rows.get(i).tokens().length > 0) {
                prompts.add(rows.get(i).prompt());
                conts.add(rows.get(i).tokens());
            }
        }
        double ll = 0;
        if (!prompts.isEmpty()) {
            float[][] lp = ctx.model().continuationLogProbs(prompts.toArray(new int[0][]), conts.toArray(new int[0][]));
            for (float[] row : lp) {
                double s = 0;
                for (float x : row) s += x;
                ll += s / row.length;
            }
            ll /= lp.length;
        }
        return new Fitness(correct, shots.size(), ll);
    }

    private static Mixture mixture(List<String> experts, double[] x, int per) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (int k = 0; k < experts.size(); k++) m.put(experts.get(k), Arrays.copyOfRange(x, k * per, (k + 1) * per));
        return Mixture.perMatrix(m);
    }

    private static List<Double> boxed(double[] x) {
        List<Double> l = new ArrayList<>(x.length);
        for (double d : x) l.add(d);
        return Collections.unmodifiableList(l);
    }

    private static double clamp(double x, double lo, double hi) {
        return Math.max(lo, Math.min(hi, x));
    }
}
