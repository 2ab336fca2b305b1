package t2j.train;

/**
 * Settings of an adapter training run. The defaults follow the released Transformer² code (Adam, lr 2e-3, global
 * gradient-norm clip, KL 0, greedy rollouts, ±1 rewards) scaled for small models; every one can be changed.
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
 * @param seed              batches, rollouts and initialisation derive from it
 */
public record TrainingConfig(Objective objective, int iterations, int batchSize, double learningRate, double maxGradNorm,
                             double klCoefficient, float temperature, int maxNewTokens, int evalEvery, int validationLimit,
                             boolean normalizeRewards, long seed) {
    /** What the loss is. */
    public enum Objective { REINFORCE, NEXT_TOKEN }

    public TrainingConfig {
        if (iterations < 0 || batchSize <= 0 || evalEvery <= 0 || maxNewTokens <= 0)
            throw new IllegalArgumentException("iterations >= 0, batch size, eval interval and max new tokens > 0 required");
        if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
    }

    /** REINFORCE defaults for the bundled tiny models. */
    public static TrainingConfig reinforce() {
        return new TrainingConfig(Objective.REINFORCE, 40, 16, 2e-3, 1.0, 0.0, 0f, 48, 10, 100, false, 42);
    }

    public TrainingConfig withObjective(Objective o) {
        return new TrainingConfig(o, iterations, batchSize, learningRate, maxGradNorm, klCoefficient, temperature, maxNewTokens, evalEvery, validationLimit, normalizeRewards, seed);
    }

    public TrainingConfig withIterations(int n) {
        return new TrainingConfig(objective, n, batchSize, learningRate, maxGradNorm, klCoefficient, temperature, maxNewTokens, evalEvery, validationLimit, normalizeRewards, seed);
    }

    public TrainingConfig withBatchSize(int n) {
        return new TrainingConfig(objective, iterations, n, learningRate, maxGradNorm, klCoefficient, temperature, maxNewTokens, evalEvery, validationLimit, normalizeRewards, seed);
    }

    public TrainingConfig withLearningRate(double lr) {
        return new TrainingConfig(objective, iterations, batchSize, lr, maxGradNorm, klCoefficient, temperature, maxNewTokens, evalEvery, validationLimit, normalizeRewards, seed);
    }

    public TrainingConfig withMaxGradNorm(double n) {
        return new TrainingConfig(objective, iterations, batchSize, learningRate, n, klCoefficient, temperature, maxNewTokens, evalEvery, validationLimit, normalizeRewards, seed);
    }

    public TrainingConfig withKl(double coefficient) {
        return new TrainingConfig(objective, iterations, batchSize, learningRate, maxGradNorm, coefficient, temperature, maxNewTokens, evalEvery, validationLimit, normalizeRewards, seed);
    }

    public TrainingConfig withTemperature(float t) {
        return new TrainingConfig(objective, iterations, batchSize, learningRate, maxGradNorm, klCoefficient, t, maxNewTokens, evalEvery, validationLimit, normalizeRewards, seed);
    }

    public TrainingConfig withMaxNewTokens(int n) {
        return new TrainingConfig(objective, iterations, batchSize, learningRate, maxGradNorm, klCoefficient, temperature, n, evalEvery, validationLimit, normalizeRewards, seed);
    }

    public TrainingConfig withEvalEvery(int n, int limit) {
        return new TrainingConfig(objective, iterations, batchSize, learningRate, maxGradNorm, klCoefficient, temperature, maxNewTokens, n, limit, normalizeRewards, seed);
    }

    public TrainingConfig withRewardNormalization(boolean on) {
        return new TrainingConfig(objective, iterations, batchSize, learningRate, maxGradNorm, klCoefficient, temperature, maxNewTokens, evalEvery, validationLimit, on, seed);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(objective, iterations, batchSize, learningRate, maxGradNorm, klCoefficient, temperature, maxNewTokens, evalEvery, validationLimit, normalizeRewards, s);
    }
}
