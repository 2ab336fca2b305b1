package t2j.stats;

import java.util.Locale;

/**
 * An accuracy with its 95 % Wilson score interval (better than the normal approximation near 0 % and 100 %, and for
 * the few hundred requests a tiny-model table has).
 *
 * <pre>{@code
 * Proportion p = Proportion.of(new boolean[] {true, false, true});
 * System.out.println(p);   // "66.7 % [20.8, 93.9]"
 * }</pre>
 */
public record Proportion(int correct, int total, double lo, double hi) {
    private static final double Z95 = 1.959963984540054;

    public static Proportion of(boolean[] outcomes) {
        int k = 0;
        for (boolean b : outcomes) if (b) k++;
        return of(k, outcomes.length);
    }

    public static Proportion of(int correct, int total) {
        if (total < 0 || correct < 0 || correct > total)
            throw new IllegalArgumentException("need 0 <= correct <= total, got " + correct + "/" + total);
        if (total == 0) return new Proportion(0, 0, 0, 1);
        double p = (double) correct / total, z2 = Z95 * Z95, n = total;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return new Proportion(correct, total, Math.max(0, centre - half), Math.min(1, centre + half));
    }

    public double value() {
        return total == 0 ? 0 : (double) correct / total;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.1f %% [%.1f, %.1f]", 100 * value(), 100 * lo, 100 * hi);
    }
}
