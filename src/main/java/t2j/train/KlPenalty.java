package t2j.train;

import t2j.adapter.Adapter;
import t2j.model.Backprop;
import t2j.model.Transformer;

/**
 * Adds {@code coefficient · KL(π_θ ‖ π_base)} at every scored token to a loss, the paper's regulariser (the released
 * code penalises the reverse direction, KL(π_base ‖ π_θ); we follow the paper).
 */
final class KlPenalty {
    private KlPenalty() {}

    static Backprop.TokenLoss add(
            Backprop.TokenLoss loss,
            Transformer model,
            Adapter adapter,
            int[][] prompts,
            int[][] completions,
            double coefficient) {
        return add(loss, model, adapter, prompts, completions, coefficient, false);
    }

    /**
     * As {@link #add(Backprop.TokenLoss, Transformer, Adapter, int[][], int[][], double)}; with {@code tokenMean} a row's
     * KL is averaged over its tokens instead of summed (matching a length-normalised REINFORCE term).
     */
    static Backprop.TokenLoss add(
            Backprop.TokenLoss loss,
            Transformer model,
            Adapter adapter,
            int[][] prompts,
            int[][] completions,
            double coefficient,
            boolean tokenMean) {
        float[][][] ref;
        try (Adapter.Weights base = adapter.base()) {
            ref = model.continuationLogits(prompts, completions);
        }
        return (row, index, target, logits, dLogits) -> {
            double l = loss.apply(row, index, target, logits, dLogits);
            double coef = tokenMean ? coefficient / Math.max(1, completions[row].length) : coefficient;
            double[] logP = logSoftmax(logits), logQ = logSoftmax(ref[row][index]);
            double kl = 0;
            for (int j = 0; j < logits.length; j++) kl += Math.exp(logP[j]) * (logP[j] - logQ[j]);
            for (int j = 0; j < logits.length; j++) {
                double p = Math.exp(logP[j]);
                dLogits[j] += (float) (coef * p * (logP[j] - logQ[j] - kl));
            }
            return l + coef * kl;
        };
    }

    private static double[] logSoftmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) max = Math.max(max, v);
        double s = 0;
        for (float v : x) s += Math.exp(v - max);
        double logZ = max + Math.log(s);
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = x[i] - logZ;
        return r;
    }
}
