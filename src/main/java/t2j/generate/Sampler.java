package t2j.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: greedy when temperature is 0, otherwise softmax(logits / T) restricted to
 * the smallest set of tokens whose probability reaches {@code topP} (nucleus sampling, as HF's top_p).
 * Seeded: the same seed and logits give the same choices.
 */
public final class Sampler {
    private final float temperature;
    private final float topP;
    private final SplittableRandom random;

    public Sampler(float temperature, float topP, long seed) {
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        this.temperature = temperature;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    /** Greedy decoding. */
    public static Sampler greedy() {
        return new Sampler(0f, 1f, 0);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }

    public int sample(float[] logits) {
        if (temperature == 0f) return argmax(logits);
        int v = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[v];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < v; i++) p[i] /= sum;
        if (topP < 1f) {
            Integer[] order = new Integer[v];
            for (int i = 0; i < v; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
            double cum = 0, kept = 0;
            boolean[] keep = new boolean[v];
            for (Integer i : order) {
                keep[i] = true;
                kept += p[i];
                cum += p[i];
                if (cum >= topP) break;
            }
            for (int i = 0; i < v; i++) p[i] = keep[i] ? p[i] / kept : 0;
        }
        double u = random.nextDouble(), acc = 0;
        int last = 0;
        for (int i = 0; i < v; i++) {
            if (p[i] == 0) continue;
            acc += p[i];
            last = i;
            if (u < acc) return i;
        }
        return last;
    }

    /** Index of the largest logit; ties go to the lowest index, as torch.argmax does. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
