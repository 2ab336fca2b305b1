package t2j.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma & Ba) over named float vectors, with bias correction and optional decoupled weight decay (AdamW),
 * plus the global-norm gradient clipping the original recipe uses.
 */
public final class Adam {
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, float[]> m = new LinkedHashMap<>();
    private final Map<String, float[]> v = new LinkedHashMap<>();
    private int steps;

    public Adam(double lr, double beta1, double beta2, double eps, double weightDecay) {
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** torch.optim.Adam's defaults with the given learning rate. */
    public static Adam withLearningRate(double lr) {
        return new Adam(lr, 0.9, 0.999, 1e-8, 0);
    }

    /** Updates {@code params} in place from {@code grads}, scaling the step by {@code lrScale} (for schedules). */
    public void step(Map<String, float[]> params, Map<String, float[]> grads, double lrScale) {
        steps++;
        double c1 = 1 - Math.pow(beta1, steps), c2 = 1 - Math.pow(beta2, steps);
        double a = lr * lrScale;
        for (Map.Entry<String, float[]> e : params.entrySet()) {
            float[] p = e.getValue(), g = grads.get(e.getKey());
            float[] mm = m.computeIfAbsent(e.getKey(), k -> new float[p.length]);
            float[] vv = v.computeIfAbsent(e.getKey(), k -> new float[p.length]);
            for (int i = 0; i < p.length; i++) {
                mm[i] = (float) (beta1 * mm[i] + (1 - beta1) * g[i]);
                vv[i] = (float) (beta2 * vv[i] + (1 - beta2) * g[i] * g[i]);
                double update = (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + eps);
                p[i] = (float) (p[i] - a * (update + weightDecay * p[i]));
            }
        }
    }

    public int steps() {
        return steps;
    }

    /** Moment estimates, for checkpoints: {@code m.NAME} and {@code v.NAME}. */
    public Map<String, float[]> state() {
        Map<String, float[]> s = new LinkedHashMap<>();
        m.forEach((k, x) -> s.put("m." + k, x));
        v.forEach((k, x) -> s.put("v." + k, x));
        return s;
    }

    /** Restores {@link #state()} and the step count from a checkpoint. */
    public void restore(Map<String, float[]> state, int stepCount) {
        m.clear();
        v.clear();
        state.forEach((k, x) -> (k.startsWith("m.") ? m : v).put(k.substring(2), x.clone()));
        steps = stepCount;
    }

    /** Global L2 norm of all gradients. */
    public static double globalNorm(Map<String, float[]> grads) {
        double ss = 0;
        for (float[] g : grads.values()) for (float x : g) ss += (double) x * x;
        return Math.sqrt(ss);
    }

    /** Scales all gradients so their global norm is at most {@code maxNorm}; returns the norm before clipping. */
    public static double clip(Map<String, float[]> grads, double maxNorm) {
        double norm = globalNorm(grads);
        if (maxNorm > 0 && norm > maxNorm) {
            float s = (float) (maxNorm / (norm + 1e-6));
            for (float[] g : grads.values()) for (int i = 0; i < g.length; i++) g[i] *= s;
        }
        return norm;
    }
}
