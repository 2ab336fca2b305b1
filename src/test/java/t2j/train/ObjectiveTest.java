package t2j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import t2j.model.Backprop;
import t2j.model.ModelWeights;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Parametrization;
import t2j.svf.SvfAdapter;
import t2j.svf.Targets;
import t2j.util.Progress;

/**
 * The REINFORCE objective's pieces: the per-rollout weights (group baseline, length normalisation) checked against
 * hand-computed values, and the KL penalty's value and z-gradient checked against an independent computation and
 * central finite differences.
 */
class ObjectiveTest {
    private static final int[][] PROMPTS = {{5, 6, 7, 8}, {9, 10}, {3, 4, 5}}; // DigitWorld has 14 tokens
    private static final int[][] COMPLETIONS = {{11, 12, 13}, {1, 2, 3, 12, 13}, {7, 2}};

    @Test
    void oneRolloutPerPromptKeepsTheOriginalWeights() {
        float[] r = {1, -1, -1, 1};
        int[][] c = {{1}, {1, 2}, {1, 2, 3}, {1, 2, 3, 4}};
        // Raw rewards over the batch size.
        assertArrayEquals(
                new float[] {0.25f, -0.25f, -0.25f, 0.25f}, ReinforceLoss.rowWeights(r, c, 1, false, 0, false), 1e-7f);
        // Standardised: mean 0, sd 1 → ±1, over 4.
        assertArrayEquals(
                new float[] {0.25f, -0.25f, -0.25f, 0.25f}, ReinforceLoss.rowWeights(r, c, 1, true, 0, false), 1e-5f);
        // Clipped to ±0.5 before dividing by the batch size.
        assertArrayEquals(
                new float[] {0.125f, -0.125f, -0.125f, 0.125f},
                ReinforceLoss.rowWeights(r, c, 1, true, 0.5, false),
                1e-5f);
    }

    @Test
    void theGroupBaselineSubtractsEachPromptsMeanReward() {
        // Two prompts, three rollouts each: prompt 0 has one right of three, prompt 1 all wrong (no signal).
        float[] r = {1, -1, -1, -1, -1, -1};
        int[][] c = {{1, 2}, {1}, {1, 2, 3, 4}, {1}, {1}, {1}};
        float m = -1f / 3;
        float[] w = ReinforceLoss.rowWeights(r, c, 3, false, 0, false);
        assertArrayEquals(new float[] {(1 - m) / 6, (-1 - m) / 6, (-1 - m) / 6, 0, 0, 0}, w, 1e-7f);
        // Per prompt the weights sum to zero: whatever all rollouts of a prompt share gets no net push.
        assertEquals(0, w[0] + w[1] + w[2], 1e-7);
        // Length-normalised: each weight also divided by its rollout's length.
        float[] wl = ReinforceLoss.rowWeights(r, c, 3, false, 0, true);
        assertArrayEquals(new float[] {(1 - m) / 6 / 2, (-1 - m) / 6, (-1 - m) / 6 / 4, 0, 0, 0}, wl, 1e-7f);
        // Standardised over the batch: advantages (4/3, −2/3, −2/3, 0, 0, 0) have population sd √(8/9·... ) computed
        // here.
        double[] adv = {4.0 / 3, -2.0 / 3, -2.0 / 3, 0, 0, 0};
        double mean = 0, sd = 0;
        for (double a : adv) mean += a / 6;
        for (double a : adv) sd += (a - mean) * (a - mean) / 6;
        sd = Math.sqrt(sd);
        float[] ws = ReinforceLoss.rowWeights(r, c, 3, true, 0, false);
        for (int i = 0; i < 6; i++) assertEquals(adv[i] / (sd + 1e-6) / 6, ws[i], 1e-6, "row " + i);
    }

    private static Evaluator.Evaluation outcomes(boolean... correct) {
        List<Evaluator.Outcome> out = new ArrayList<>();
        for (boolean c : correct)
            out.add(new Evaluator.Outcome(
                    null, "", c ? t2j.task.Verdict.right("", "") : t2j.task.Verdict.wrong("", "")));
        return new Evaluator.Evaluation(out);
    }

    @Test
    void thePairedZScoreCountsOnlyExamplesThatChanged() {
        // base: ✓✓✗✗✗✗  now: ✓✗✓✓✓✗  → wins 3 (examples 2–4), losses 1 (example 1): z = 2/√4 = 1.
        Evaluator.Evaluation base = outcomes(true, true, false, false, false, false);
        Evaluator.Evaluation now = outcomes(true, false, true, true, true, false);
        assertEquals(1.0, McNemarSelection.pairedZ(base, now), 1e-12);
        assertEquals(-1.0, McNemarSelection.pairedZ(now, base), 1e-12);
        assertEquals(0.0, McNemarSelection.pairedZ(base, base), 0);
        // A letter-prior shift on a multiple-choice task: 10 wins and 8 losses is +2 % on 100 but z = 2/√18 ≈ 0.47.
        boolean[] b = new boolean[100], n = new boolean[100];
        for (int i = 0; i < 10; i++) n[i] = true;
        for (int i = 10; i < 18; i++) b[i] = true;
        assertEquals(2 / Math.sqrt(18), McNemarSelection.pairedZ(outcomes(b), outcomes(n)), 1e-12);
    }

    private static SvfAdapter movedAdapter(Transformer m) {
        SvfAdapter svf = new SvfAdapter(
                m, Decomposition.compute(m.weights(), Targets.MLP, Progress.NONE), Parametrization.SIGMOID_MASK, 1);
        // Far from the identity, so the policy differs from the base model and the KL and its gradient are not ~0.
        SplittableRandom rnd = new SplittableRandom(4);
        for (float[] z : svf.parameters().values())
            for (int i = 0; i < z.length; i++) z[i] = (float) (0.1 + 1.5 * t2j.util.Seeds.gaussian(rnd));
        svf.apply();
        return svf;
    }

    @Test
    void theKlPenaltyIsTheKlOfThePolicyFromTheBaseModel() {
        for (boolean tokenMean : new boolean[] {false, true}) {
            Transformer m = new Transformer(ModelWeights.random(DigitWorld.config(), 5));
            SvfAdapter svf = movedAdapter(m);
            double coef = 0.3;
            Backprop.TokenLoss none = (row, index, target, logits, dLogits) -> 0;
            Backprop.TokenLoss kl = KlPenalty.add(none, m, svf, PROMPTS, COMPLETIONS, coef, tokenMean);
            double got = new Backprop(m).lossAndGradients(PROMPTS, COMPLETIONS, kl, (n, a, b, c, d, e, f, g) -> {});
            // Independently: the two models' logits, KL(p‖q) per position, summed (or averaged per row).
            float[][][] p = m.continuationLogits(PROMPTS, COMPLETIONS);
            svf.restore();
            float[][][] q = m.continuationLogits(PROMPTS, COMPLETIONS);
            svf.apply();
            double want = 0;
            for (int b = 0; b < PROMPTS.length; b++) {
                double row = 0;
                for (int i = 0; i < COMPLETIONS[b].length; i++) row += kl(p[b][i], q[b][i]);
                want += coef * (tokenMean ? row / COMPLETIONS[b].length : row);
            }
            assertTrue(want > 1e-4, "vacuous: the policy equals the base model (" + want + ")");
            assertEquals(want, got, 1e-4 * want, "tokenMean " + tokenMean);
        }
    }

    @Test
    void theKlPenaltysGradientMatchesFiniteDifferences() {
        for (boolean tokenMean : new boolean[] {false, true}) {
            Transformer m = new Transformer(ModelWeights.random(DigitWorld.config(), 5));
            SvfAdapter svf = movedAdapter(m);
            Backprop.TokenLoss loss = KlPenalty.add(
                    Backprop.weightedNll(new float[] {0.5f, -0.25f, 0.125f}),
                    m,
                    svf,
                    PROMPTS,
                    COMPLETIONS,
                    0.2,
                    tokenMean);
            AdapterGradientCheck.check(m, svf, PROMPTS, COMPLETIONS, loss, 1e-2f);
        }
    }

    private static double kl(float[] p, float[] q) {
        double[] lp = logSoftmax(p), lq = logSoftmax(q);
        double s = 0;
        for (int j = 0; j < p.length; j++) s += Math.exp(lp[j]) * (lp[j] - lq[j]);
        return s;
    }

    private static double[] logSoftmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY, s = 0;
        for (float v : x) max = Math.max(max, v);
        for (float v : x) s += Math.exp(v - max);
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = x[i] - max - Math.log(s);
        return r;
    }
}
