package t2j.train;

/**
 * Settings of an adapter training run. The defaults follow the released Transformer² code (Adam, lr 2e-3, KL 0,
 * greedy rollouts, ±1 rewards, no reward normalisation) scaled for small models: the gradient clip is 1.0 instead of
 * the original 1e-3, because with a few dozen steps instead of hundreds a 1e-3 clip would barely move z.
 *
 * <pre>{@code
 * TrainingConfig cfg = TrainingConfig.reinforce().toBuilder().iterations(60).learningRate(2e-2).build();
 * }</pre>
 *
 * @param objective         REINFORCE on verified rollouts (the paper), or next-token loss on references (the ablation)
 * @param iterations        optimiser steps
 * @param batchSize         training prompts per step
 * @param learningRate      Adam's step size
 * @param maxGradNorm       global gradient-norm clip (0 = none); the original uses 1e-3
 * @param klCoefficient     weight of KL(π_θ ‖ π_base) over the generated tokens (the paper picks from 0–0.3)
 * @param temperature       rollout sampling temperature; 0 = greedy as in the released code
 * @param maxNewTokens      longest rollout
 * @param evalEvery         validate (and checkpoint) every this many steps
 * @param validationLimit   at most this many validation examples per evaluation
 * @param normalizeRewards  standardise rewards within a batch (off in the original)
 * @param rewardClip        clip (normalised) rewards to [−c, c]; 0 = no clipping
 * @param seed              batches, rollouts and initialisation derive from it
 * @param samplesPerPrompt  rollouts per training prompt (1 = the original); with more, each rollout's advantage is its
 *                          reward minus the mean reward of its prompt's rollouts (a per-prompt, "group" baseline), so
 *                          only prompts with both right and wrong rollouts give a gradient, and tokens that right and
 *                          wrong rollouts share (the answer format) get no push
 * @param tokenMean         average each rollout's log-probability over its tokens instead of summing, so a rollout's
 *                          weight does not grow with its length
 * @param selectionHoldout  training examples (the last ones of the train split) held out of training and added to
 *                          the validation examples the best checkpoint is chosen on, for a less noisy choice
 * @param selectionZ        a checkpoint can become the best only if, on the selection examples, it beats the base model
 *                          by a paired (McNemar) z-score of at least this: {@code (wins − losses) / √(wins + losses)},
 *                          counting examples the base got wrong and it right as wins; 0 = any higher accuracy counts
 */
public record TrainingConfig(
        Objective objective,
        int iterations,
        int batchSize,
        double learningRate,
        double maxGradNorm,
        double klCoefficient,
        float temperature,
        int maxNewTokens,
        int evalEvery,
        int validationLimit,
        boolean normalizeRewards,
        double rewardClip,
        long seed,
        int samplesPerPrompt,
        boolean tokenMean,
        int selectionHoldout,
        double selectionZ) {
    /** What the loss is. */
    public enum Objective {
        REINFORCE,
        NEXT_TOKEN
    }

    public TrainingConfig {
        if (iterations < 0 || batchSize <= 0 || evalEvery <= 0 || maxNewTokens <= 0)
            throw new IllegalArgumentException(
                    "iterations >= 0, batch size, eval interval and max new tokens > 0 required");
        if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        if (rewardClip < 0) throw new IllegalArgumentException("reward clip must be >= 0, got " + rewardClip);
        if (samplesPerPrompt < 1)
            throw new IllegalArgumentException("samples per prompt must be >= 1, got " + samplesPerPrompt);
        if (selectionHoldout < 0)
            throw new IllegalArgumentException("selection holdout must be >= 0, got " + selectionHoldout);
        if (!(selectionZ >= 0)) throw new IllegalArgumentException("selection z must be >= 0, got " + selectionZ);
    }

    /** REINFORCE defaults for the bundled tiny models. */
    public static TrainingConfig reinforce() {
        // One rollout per prompt, summed log-probabilities, no hold-out: the original settings.
        return new TrainingConfig(
                Objective.REINFORCE, 40, 16, 2e-3, 1.0, 0.0, 0f, 64, 10, 100, false, 0.0, 42, 1, false, 0, 0);
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some settings of a config: {@code cfg.toBuilder().iterations(10).seed(3).build()}. */
    public static final class Builder {
        private Objective objective;
        private int iterations, batchSize, maxNewTokens, evalEvery, validationLimit;
        private double learningRate, maxGradNorm, klCoefficient, rewardClip;
        private float temperature;
        private boolean normalizeRewards, tokenMean;
        private long seed;
        private int samplesPerPrompt, selectionHoldout;
        private double selectionZ;

        private Builder(TrainingConfig c) {
            objective = c.objective;
            iterations = c.iterations;
            batchSize = c.batchSize;
            learningRate = c.learningRate;
            maxGradNorm = c.maxGradNorm;
            klCoefficient = c.klCoefficient;
            temperature = c.temperature;
            maxNewTokens = c.maxNewTokens;
            evalEvery = c.evalEvery;
            validationLimit = c.validationLimit;
            normalizeRewards = c.normalizeRewards;
            rewardClip = c.rewardClip;
            seed = c.seed;
            samplesPerPrompt = c.samplesPerPrompt;
            tokenMean = c.tokenMean;
            selectionHoldout = c.selectionHoldout;
            selectionZ = c.selectionZ;
        }

        public Builder objective(Objective v) {
            objective = v;
            return this;
        }

        public Builder iterations(int v) {
            iterations = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder maxGradNorm(double v) {
            maxGradNorm = v;
            return this;
        }

        public Builder kl(double v) {
            klCoefficient = v;
            return this;
        }

        public Builder temperature(float v) {
            temperature = v;
            return this;
        }

        public Builder maxNewTokens(int v) {
            maxNewTokens = v;
            return this;
        }
        /** Validate every {@code every} steps on at most {@code limit} examples. */
        public Builder evalEvery(int every, int limit) {
            evalEvery = every;
            validationLimit = limit;
            return this;
        }

        public Builder normalizeRewards(boolean v) {
            normalizeRewards = v;
            return this;
        }

        public Builder rewardClip(double v) {
            rewardClip = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder samplesPerPrompt(int v) {
            samplesPerPrompt = v;
            return this;
        }

        public Builder tokenMean(boolean v) {
            tokenMean = v;
            return this;
        }

        public Builder selectionHoldout(int v) {
            selectionHoldout = v;
            return this;
        }

        public Builder selectionZ(double v) {
            selectionZ = v;
            return this;
        }

        public TrainingConfig build() {
            return new TrainingConfig(
                    objective,
                    iterations,
                    batchSize,
                    learningRate,
                    maxGradNorm,
                    klCoefficient,
                    temperature,
                    maxNewTokens,
                    evalEvery,
                    validationLimit,
                    normalizeRewards,
                    rewardClip,
                    seed,
                    samplesPerPrompt,
                    tokenMean,
                    selectionHoldout,
                    selectionZ);
        }
    }
}
