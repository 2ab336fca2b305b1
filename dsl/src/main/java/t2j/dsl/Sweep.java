package t2j.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;

/**
 * A measured curve (or several): accuracy against a knob such as the share of singular values kept or the number of
 * few-shot examples. Shows as a line chart; {@link #table()} gives the numbers.
 *
 * <pre>{@code
 * Sweep s = spectra.truncation(Model.task("math"), new double[]{1, 0.5, 0.25}, 50);
 * s.y("math");   // the accuracies, in the order of s.x("math")
 * }</pre>
 *
 * @param series name → {xs, ys}
 */
public record Sweep(String title, String xLabel, String yLabel, Map<String, double[][]> series) implements Renderable {
    public Sweep {
        Map<String, double[][]> copy = new LinkedHashMap<>();
        series.forEach((k, v) -> {
            if (v.length != 2 || v[0].length != v[1].length)
                throw new IllegalArgumentException("series '" + k + "' needs {xs, ys} of equal length");
            copy.put(k, new double[][] {v[0].clone(), v[1].clone()});
        });
        series = java.util.Collections.unmodifiableMap(copy);
    }

    public double[] x(String name) {
        return get(name)[0].clone();
    }

    public double[] y(String name) {
        return get(name)[1].clone();
    }

    private double[][] get(String name) {
        double[][] v = series.get(name);
        if (v == null)
            throw new IllegalArgumentException(
                    "no series '" + name + "' (have " + String.join(", ", series.keySet()) + ")");
        return v;
    }

    public XYChart chart() {
        return Charts.lines(title, xLabel, yLabel, series);
    }

    /** One row per point: series, x, y. */
    public Renderable table() {
        List<List<?>> rows = new ArrayList<>();
        series.forEach((k, v) -> {
            for (int i = 0; i < v[0].length; i++) rows.add(List.of(k, round(v[0][i]), round(v[1][i])));
        });
        var t = Tables.of(title, List.of("series", xLabel, yLabel), rows);
        return () -> Mime.table(t, t.print());
    }

    private static double round(double x) {
        return Math.round(x * 1e4) / 1e4;
    }

    @Override
    public Map<String, Object> mimeBundle() {
        return Mime.chart(chart(), toString());
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(title);
        series.forEach((k, v) -> {
            b.append("\n  ").append(k).append(':');
            for (int i = 0; i < v[0].length; i++)
                b.append(String.format(Locale.ROOT, " (%.3g, %.3f)", v[0][i], v[1][i]));
        });
        return b.toString();
    }
}
