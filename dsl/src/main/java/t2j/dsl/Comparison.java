package t2j.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import t2j.adapt.AccuracyTable;
import t2j.stats.PairedDifference;

/**
 * Accuracy of several settings (base, experts, strategies, transferred experts) on several tasks, each tested against
 * a baseline column on the same requests: bars with 95 % interval whiskers, the accuracies with their intervals, and
 * every column's paired difference from the baseline with its interval, McNemar p and a mark (▲ beats, ▼ trails,
 * ≈ within noise).
 *
 * <pre>{@code
 * Comparison c = llama.experts().compare(List.of("math-hard", "code-hard"), 100);
 * c.effect("code-hard", "code").verdict()     // BETTER, WORSE or WITHIN_NOISE, from the paired test
 * }</pre>
 *
 * @param baseline the column every other column is tested against
 */
public record Comparison(String title, AccuracyTable table, String baseline) implements Renderable {
    /** The row that pools every task's requests. */
    public static final String ALL = AccuracyTable.ALL;

    public Comparison {
        if (!table.columns().contains(baseline))
            throw new IllegalArgumentException("comparison '" + title + "': no baseline column '" + baseline
                    + "' (columns: " + String.join(", ", table.columns()) + ")");
    }

    /** With the table's first column as the baseline. */
    public Comparison(String title, AccuracyTable table) {
        this(title, table, table.columns().get(0));
    }

    /** Accuracy of {@code column} (a setting) on {@code row} (a task); NaN when not measured. */
    public double accuracy(String row, String column) {
        return table.accuracy(row, column);
    }

    /** A setting's mean accuracy over the tasks. */
    public double mean(String column) {
        return table.mean(column);
    }

    public List<String> rows() {
        return table.rows();
    }

    public List<String> columns() {
        return table.columns();
    }

    /** {@code column} against the baseline on {@code row} (a task, or {@link #ALL}). */
    public Effect effect(String row, String column) {
        return effect(row, column, baseline);
    }

    /** {@code column} against any other column on the same requests. */
    public Effect effect(String row, String column, String against) {
        if (!row.equals(ALL) && !table.rows().contains(row))
            throw new IllegalArgumentException("no row '" + row + "' in '" + title + "'; rows: "
                    + String.join(", ", table.rows()) + " (or Comparison.ALL)");
        for (String c : List.of(column, against))
            if (!table.columns().contains(c))
                throw new IllegalArgumentException(
                        "no column '" + c + "' in '" + title + "'; columns: " + String.join(", ", table.columns()));
        PairedDifference d = table.versus(row, column, against)
                .orElseThrow(() -> new IllegalStateException("'" + title + "' has no per-request outcomes for " + column
                        + " and " + against + " on " + row + ", so no paired test"));
        return new Effect(row, column, against, proportion(row, column), proportion(row, against), d);
    }

    /** Every column but the baseline against the baseline, on every row and on all requests pooled. */
    public List<Effect> effects() {
        List<Effect> out = new ArrayList<>();
        List<String> rows = new ArrayList<>(table.rows());
        if (rows.size() > 1) rows.add(ALL);
        for (String r : rows)
            for (String c : table.columns())
                if (!c.equals(baseline) && table.versus(r, c, baseline).isPresent()) out.add(effect(r, c));
        return out;
    }

    private t2j.stats.Proportion proportion(String row, String column) {
        if (!row.equals(ALL)) return table.cell(row, column).orElseThrow().proportion();
        int k = 0, n = 0;
        for (AccuracyTable.Cell c : table.column(column)) {
            k += c.correct();
            n += c.total();
        }
        return t2j.stats.Proportion.of(k, n);
    }

    /** Grouped bars with 95 % whiskers, y axis fitted to the data. */
    public CategoryChart chart() {
        CategoryChart c = Charts.accuracy(table);
        c.setTitle(title);
        return c;
    }

    @Override
    public Map<String, Object> mimeBundle() {
        return Mime.stack(
                toString(),
                chart(),
                Tables.intervals(table),
                Tables.differences(table, baseline),
                "▲ beats " + baseline
                        + ", ▼ trails it, ≈ within noise: the mark follows the exact McNemar test on the same requests (p < 0.05); "
                        + "the bracket is a paired bootstrap 95 % interval in points, which can exclude 0 when a handful of discordant requests all go one way "
                        + "while the test still cannot tell");
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s%n%s", title, table.toMarkdown(baseline));
    }
}
