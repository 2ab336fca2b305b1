package t2j.train;

/**
 * What one batch's loss computation measured: the loss, and for REINFORCE the mean reward and the share of correct
 * rollouts (NaN for objectives without rollouts).
 */
record StepStats(double loss, double rewardMean, double batchAccuracy) {}
