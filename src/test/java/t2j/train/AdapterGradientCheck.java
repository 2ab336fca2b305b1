package t2j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import t2j.adapter.Adapter;
import t2j.model.Backprop;
import t2j.model.Transformer;

/**
 * Checks an adapter's analytic gradient against central finite differences of a REINFORCE-shaped loss through the
 * whole network (float32; see BackpropTest for why 3 % per coordinate and a cosine of 0.999 are the right bounds).
 */
public final class AdapterGradientCheck {
    private static final int[][] PROMPTS = {{5, 6, 7, 8}, {9, 10}};
    private static final int[][] COMPLETIONS = {{11, 12, 13}, {14, 15, 16, 17, 18}};

    private AdapterGradientCheck() {}

    /** Checks the first, middle and last entry of every parameter vector with step {@code h}. */
    public static void check(Transformer m, Adapter adapter, float h) {
        check(m, adapter, PROMPTS, COMPLETIONS, Backprop.weightedNll(new float[] {1f, -0.5f}), h);
    }

    /** The same check for any loss over the given rows (one weight per row in {@code loss}). */
    public static void check(
            Transformer m, Adapter adapter, int[][] prompts, int[][] completions, Backprop.TokenLoss loss, float h) {
        Backprop bp = new Backprop(m);
        Map<String, float[]> grads = new LinkedHashMap<>();
        adapter.parameters().forEach((k, v) -> grads.put(k, new float[v.length]));
        adapter.apply();
        bp.lossAndGradients(prompts, completions, loss, adapter.gradientSink(grads));
        double dot = 0, nf = 0, na = 0;
        for (String name : adapter.parameters().keySet()) {
            float[] p = adapter.parameters().get(name);
            for (int k : new int[] {0, p.length / 2, p.length - 1}) {
                float orig = p[k];
                p[k] = orig + h;
                adapter.apply();
                double up = bp.lossAndGradients(prompts, completions, loss, (n, a, b, c, d, e, f, g) -> {});
                p[k] = orig - h;
                adapter.apply();
                double down = bp.lossAndGradients(prompts, completions, loss, (n, a, b, c, d, e, f, g) -> {});
                p[k] = orig;
                double fd = (up - down) / (2 * h), an = grads.get(name)[k];
                assertTrue(
                        Math.abs(fd - an) <= 1e-3 + 0.03 * Math.abs(fd),
                        name + "[" + k + "]: analytic " + an + " vs fd " + fd);
                dot += fd * an;
                nf += fd * fd;
                na += an * an;
            }
        }
        adapter.apply();
        assertTrue(nf > 1e-8, "loss does not depend on the parameters: vacuous check");
        assertTrue(dot / Math.sqrt(nf * na) > 0.999, "cosine " + dot / Math.sqrt(nf * na));
    }
}
