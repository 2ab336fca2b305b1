package t2j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import t2j.tensor.Matrix;

/**
 * The hand-written backward pass against central finite differences of the loss, for every kind of parameter.
 *
 * <p>The model computes in float32, so the check is in float32: with a loss of O(10) summed in double from float32
 * logits, its rounding noise is ~1e-5; a step of 1e-2 on weights of scale 0.15 keeps the finite difference's own
 * error (noise/step + O(step²) curvature) near 1e-3 of the derivative, so each checked coordinate must agree to 2 %
 * relative (or 2e-3 absolute for tiny derivatives), and the whole sampled vector to a cosine of 0.999.
 */
class BackpropTest {
    static Stream<ModelConfig> configs() {
        return Stream.of(TinyModels.llama(), TinyModels.mistral());
    }

    private static final int[][] PROMPTS = {{5, 17, 42, 8, 9}, {7, 3}, {11, 12, 13}};
    private static final int[][] COMPLETIONS = {{21, 22, 23}, {31, 32, 33, 34, 35, 36, 37}, {41}};
    private static final float[] WEIGHTS = {0.5f, -0.25f, 1f}; // REINFORCE-like: signed per-row weights

    private static double loss(Backprop bp) {
        return bp.lossAndGradients(
                PROMPTS, COMPLETIONS, Backprop.weightedNll(WEIGHTS), (name, n, x, xo, ldx, g, go, ldg) -> {});
    }

    @ParameterizedTest
    @MethodSource("configs")
    void forwardOfBackpropEqualsInferenceForward(ModelConfig c) {
        Transformer m = new Transformer(ModelWeights.random(c, 3, 0.15));
        float[][] lp = m.continuationLogProbs(PROMPTS, COMPLETIONS);
        double want = 0;
        for (int b = 0; b < lp.length; b++) for (float v : lp[b]) want -= WEIGHTS[b] * v;
        assertEquals(want, loss(new Backprop(m)), 1e-4);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void gradientsMatchFiniteDifferences(ModelConfig c) {
        ModelWeights weights = ModelWeights.random(c, 3, 0.15);
        Transformer m = new Transformer(weights);
        Backprop bp = new Backprop(m);
        ParameterGradients grads = new ParameterGradients(weights);
        bp.lossAndGradients(PROMPTS, COMPLETIONS, Backprop.weightedNll(WEIGHTS), grads);

        SplittableRandom rnd = new SplittableRandom(1);
        List<double[]> pairs = new ArrayList<>();
        for (String name : weights.names()) {
            Matrix wm = weights.matrix(name), g = grads.get(name);
            for (int k = 0; k < 3; k++) {
                int r, col;
                if (name.equals("model.embed_tokens.weight")) r = COMPLETIONS[1][k]; // a row that is looked up
                else r = rnd.nextInt(wm.rows());
                col = rnd.nextInt(wm.cols());
                float orig = wm.get(r, col);
                float h = 1e-2f;
                wm.set(r, col, orig + h);
                double up = loss(bp);
                wm.set(r, col, orig - h);
                double down = loss(bp);
                wm.set(r, col, orig);
                double fd = (up - down) / (2 * h), an = g.get(r, col);
                assertTrue(
                        Math.abs(fd - an) <= 2e-3 + 0.02 * Math.abs(fd),
                        name + "[" + r + "," + col + "]: analytic " + an + " vs finite difference " + fd);
                pairs.add(new double[] {fd, an});
            }
        }
        double dot = 0, nf = 0, na = 0;
        for (double[] p : pairs) {
            dot += p[0] * p[1];
            nf += p[0] * p[0];
            na += p[1] * p[1];
        }
        assertTrue(nf > 1e-6, "loss does not depend on the sampled weights: the check would be vacuous");
        assertTrue(dot / Math.sqrt(nf * na) > 0.999, "cosine(analytic, fd) = " + dot / Math.sqrt(nf * na));
    }

    @org.junit.jupiter.api.Test
    void rowsAreGroupedByLengthInBatchOrderForTies() {
        int[][] prompts = {{1, 2, 3}, {1}, {1, 2}, {1}, {1, 2, 3, 4}};
        int[][] completions = {{1}, {1}, {1}, {1, 2}, {1}};
        // lengths 4, 2, 3, 3, 5: sorted 1(2), 2(3), 3(3), 0(4), 4(5); five rows in two groups of 3 and 2
        int[][] g = Backprop.groups(prompts, completions, 2);
        assertEquals(List.of(1, 2, 3), java.util.Arrays.stream(g[0]).boxed().toList());
        assertEquals(List.of(0, 4), java.util.Arrays.stream(g[1]).boxed().toList());
        assertEquals(0, Backprop.groups(prompts, completions, 8)[7].length, "more groups than rows leaves some empty");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void groupedRowsGiveTheWholeBatchsLossAndGradients(ModelConfig c) {
        ModelWeights weights = ModelWeights.random(c, 3, 0.15);
        Transformer m = new Transformer(weights);
        Backprop bp = new Backprop(m);
        ParameterGradients whole = new ParameterGradients(weights);
        double wholeLoss = bp.lossAndGradients(PROMPTS, COMPLETIONS, Backprop.weightedNll(WEIGHTS), whole);
        List<ParameterGradients> parts = new ArrayList<>();
        for (int i = 0; i < 2; i++) parts.add(new ParameterGradients(weights));
        double groupedLoss = bp.lossAndGradients(PROMPTS, COMPLETIONS, Backprop.weightedNll(WEIGHTS), parts);
        parts.get(0).add(parts.get(1));
        // The same sums in another order (each group pads to its own longest row): equal up to float32 rounding.
        assertEquals(wholeLoss, groupedLoss, 1e-5 * Math.abs(wholeLoss));
        double diff = 0, norm = 0;
        for (String name : weights.names()) {
            float[] a = whole.get(name).toArray(), b = parts.get(0).get(name).toArray();
            for (int i = 0; i < a.length; i++) {
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
                norm = Math.max(norm, Math.abs(a[i]));
            }
        }
        assertTrue(norm > 1e-3, "gradients are zero: the comparison would be vacuous");
        assertTrue(
                diff <= 1e-5 * norm,
                "grouped gradients differ from the whole batch's by " + diff + " (max |g| " + norm + ")");
    }
}
