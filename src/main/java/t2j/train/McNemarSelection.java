package t2j.train;

import t2j.train.Evaluator.Evaluation;

/**
 * Which validation result becomes the new best parameters: a higher accuracy than the best so far and, when
 * {@code minZ > 0}, a paired McNemar z-score against the base model of at least {@code minZ}, so a lucky draw on a
 * small selection set does not pick the checkpoint.
 */
final class McNemarSelection {
    private final double minZ;
    private final Evaluation base;

    /** @param base the base model's outcomes on the selection set (needed only when {@code minZ > 0}) */
    McNemarSelection(double minZ, Evaluation base) {
        this.minZ = minZ;
        this.base = base;
    }

    boolean isNewBest(Evaluation now, double bestSoFar) {
        return now.accuracy() > bestSoFar && (minZ <= 0 || pairedZ(base, now) >= minZ);
    }

    /**
     * McNemar's paired z-score of {@code now} against {@code base} on the same examples: {@code (wins − losses) /
     * √(wins + losses)}, where a win is an example {@code base} got wrong and {@code now} right; 0 when none differ.
     */
    static double pairedZ(Evaluation base, Evaluation now) {
        int wins = 0;
        int losses = 0;
        for (int i = 0; i < base.outcomes().size(); i++) {
            boolean b = base.outcomes().get(i).verdict().correct();
            boolean n = now.outcomes().get(i).verdict().correct();
            if (n && !b) wins++;
            if (b && !n) losses++;
        }
        return wins + losses == 0 ? 0 : (wins - losses) / Math.sqrt(wins + losses);
    }
}
