package t2j.adapt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Interpolation weights α over named experts, composed as the paper writes it: {@code z′ = Σ_k α_k · z_k} per adapted
 * matrix, then the parametrization's mask of {@code z′}. Each expert has either one weight (the same for every
 * matrix) or one weight per decomposed matrix, in the decomposition's order (CEM's "per layer" mode). A one-hot
 * mixture reproduces that expert exactly; the empty mixture means the base weights.
 *
 * <pre>{@code
 * Mixture m = Mixture.perExpert(Map.of("math", 0.7, "code", 0.3));
 * try (Scope s = pool.use(m)) { ... }   // base weights again after the block
 * }</pre>
 *
 * @param alpha weights by expert name, in insertion order; each list has length 1 or the number of matrices
 */
public record Mixture(Map<String, List<Double>> alpha) {
    /** No expert: the base weights. */
    public static final Mixture BASE = new Mixture(Map.of());

    public Mixture {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> e : alpha.entrySet()) {
            if (e.getValue().isEmpty())
                throw new IllegalArgumentException("mixture weight list for '" + e.getKey() + "' is empty");
            for (Double d : e.getValue())
                if (d == null || !Double.isFinite(d))
                    throw new IllegalArgumentException("mixture weight for '" + e.getKey() + "' is not finite: " + d);
            copy.put(e.getKey(), List.copyOf(e.getValue()));
        }
        alpha = Collections.unmodifiableMap(copy);
    }

    /** One expert with weight 1 everywhere. */
    public static Mixture of(String expert) {
        return new Mixture(Map.of(expert, List.of(1.0)));
    }

    /** One weight per expert. */
    public static Mixture perExpert(Map<String, Double> weights) {
        Map<String, List<Double>> m = new LinkedHashMap<>();
        weights.forEach((k, v) -> m.put(k, List.of(v)));
        return new Mixture(m);
    }

    /** One weight per expert per matrix (in the decomposition's order). */
    public static Mixture perMatrix(Map<String, double[]> weights) {
        Map<String, List<Double>> m = new LinkedHashMap<>();
        weights.forEach((k, v) -> {
            Double[] boxed = new Double[v.length];
            for (int i = 0; i < v.length; i++) boxed[i] = v[i];
            m.put(k, List.of(boxed));
        });
        return new Mixture(m);
    }

    /** Whether this leaves the base weights: no expert, or every weight zero. */
    public boolean isBase() {
        for (List<Double> l : alpha.values()) for (double d : l) if (d != 0) return false;
        return true;
    }

    /** Whether any expert has one weight per matrix. */
    public boolean isPerMatrix() {
        for (List<Double> l : alpha.values()) if (l.size() > 1) return true;
        return false;
    }

    /** The weight of {@code expert} on matrix number {@code matrix} (0 for an expert not in the mixture). */
    public double alpha(String expert, int matrix) {
        List<Double> l = alpha.get(expert);
        if (l == null) return 0;
        return l.size() == 1 ? l.get(0) : l.get(matrix);
    }

    /** Each expert's weight, averaged over matrices (for tables and plots). */
    public Map<String, Double> meanAlpha() {
        Map<String, Double> m = new LinkedHashMap<>();
        alpha.forEach((k, l) ->
                m.put(k, l.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
        return m;
    }

    /** {@code math=0.70 code=0.30}; per-matrix weights are shown as their mean with {@code ~}. */
    @Override
    public String toString() {
        if (alpha.isEmpty()) return "base";
        StringBuilder b = new StringBuilder();
        boolean per = isPerMatrix();
        meanAlpha()
                .forEach((k, v) -> b.append(b.length() == 0 ? "" : " ")
                        .append(k)
                        .append(per ? "~" : "=")
                        .append(String.format(Locale.ROOT, "%.2f", v)));
        return b.toString();
    }
}
