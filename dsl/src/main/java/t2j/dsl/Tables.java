package t2j.dsl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import t2j.adapt.AccuracyTable;
import t2j.adapt.ConfusionMatrix;
import t2j.adapt.TimingSummary;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Tablesaw tables of the engine's results. A table rather than the engine's Markdown because notebooks sort,
 * filter and join them, and because the kernel shows any Tablesaw table as HTML ({@link Mime#html(Table)}).
 * Numbers are rounded to what the measurement supports, so the HTML shows them without a column of noise digits.
 *
 * <pre>{@code
 * Table acc = Tables.accuracy(study.accuracy());
 * double promptOnMathHard = acc.where(acc.stringColumn("task").isEqualTo("math-hard")).doubleColumn("prompt").get(0);
 * }</pre>
 */
public final class Tables {
    private Tables() {}

    /**
     * Accuracy in percent (one decimal) per task and strategy, and a final {@code mean} row: the unweighted mean
     * over tasks, as papers average them ({@link AccuracyTable#mean(String)}). Unmeasured cells are missing values.
     *
     * @throws IllegalArgumentException when a strategy is called {@code task}, which would clash with the first column
     */
    public static Table accuracy(AccuracyTable t) {
        if (t.columns().contains("task"))
            throw new IllegalArgumentException("accuracy table '" + t.title() + "' has a strategy named 'task'");
        StringColumn task = StringColumn.create("task");
        t.rows().forEach(task::append);
        task.append("mean");
        Table out = Table.create(t.title() == null ? "accuracy" : t.title(), task);
        for (String c : t.columns()) {
            DoubleColumn col = DoubleColumn.create(c);
            for (String r : t.rows()) percent(col, t.accuracy(r, c));
            percent(col, t.mean(c));
            out.addColumns(col);
        }
        return out;
    }

    /**
     * Accuracy with its 95 % Wilson interval per task and strategy, as text ({@code 27.3 [22.6, 32.6]}), with the
     * number of requests per task: what {@link #accuracy(AccuracyTable)} shows, plus how far to trust it.
     */
    public static Table intervals(AccuracyTable t) {
        if (t.columns().contains("task") || t.columns().contains("n"))
            throw new IllegalArgumentException("accuracy table '" + t.title() + "' has a strategy named 'task' or 'n'");
        StringColumn task = StringColumn.create("task");
        IntColumn n = IntColumn.create("n");
        Table out = Table.create("accuracy in % [95 % interval]", task, n);
        List<StringColumn> cols = new ArrayList<>();
        for (String c : t.columns()) cols.add(StringColumn.create(c));
        for (String r : t.rows()) {
            task.append(r);
            n.append(
                    t.cell(r, t.columns().get(0)).map(AccuracyTable.Cell::total).orElse(0));
            for (int k = 0; k < cols.size(); k++) {
                var cell = t.cell(r, t.columns().get(k));
                if (cell.isEmpty()) cols.get(k).appendMissing();
                else {
                    var p = cell.get().proportion();
                    cols.get(k)
                            .append(String.format(
                                    java.util.Locale.ROOT,
                                    "%.1f [%.1f, %.1f]",
                                    100 * p.value(),
                                    100 * p.lo(),
                                    100 * p.hi()));
                }
            }
        }
        cols.forEach(out::addColumns);
        return out;
    }

    /**
     * Every column's paired difference from {@code baseline} on the same requests, in points, per task and on all
     * requests pooled: {@code ▲ +18.3 [+12.0, +24.7] p=1.2e-10}, with ▲ (beats), ▼ (trails) or ≈ (within noise: exact
     * McNemar p ≥ 0.05). Cells without per-request outcomes are missing.
     * @throws IllegalArgumentException when {@code baseline} is not a column
     */
    public static Table differences(AccuracyTable t, String baseline) {
        if (!t.columns().contains(baseline))
            throw new IllegalArgumentException(
                    "accuracy table '" + t.title() + "' has no baseline column '" + baseline + "'");
        StringColumn task = StringColumn.create("task");
        Table out = Table.create("points vs " + baseline + " (paired 95 % interval, McNemar p)", task);
        List<String> others = new ArrayList<>(t.columns());
        others.remove(baseline);
        List<StringColumn> cols = new ArrayList<>();
        for (String c : others) cols.add(StringColumn.create(unique(c, List.of("task"))));
        List<String> rows = new ArrayList<>(t.rows());
        if (rows.size() > 1) rows.add(AccuracyTable.ALL);
        for (String r : rows) {
            task.append(r);
            for (int k = 0; k < others.size(); k++) {
                var d = t.versus(r, others.get(k), baseline);
                if (d.isEmpty()) cols.get(k).appendMissing();
                else
                    cols.get(k)
                            .append(mark(d.get()) + " "
                                    + String.format(
                                            java.util.Locale.ROOT,
                                            "%+.1f [%+.1f, %+.1f] p=%s",
                                            100 * d.get().delta(),
                                            100 * d.get().lo(),
                                            100 * d.get().hi(),
                                            t2j.stats.PairedDifference.formatP(
                                                    d.get().p())));
            }
        }
        cols.forEach(out::addColumns);
        return out;
    }

    /** ▲, ▼ or ≈ for a paired difference, as {@link Effect.Verdict#mark()}. */
    static String mark(t2j.stats.PairedDifference d) {
        return !d.significant()
                ? Effect.Verdict.WITHIN_NOISE.mark()
                : d.delta() > 0 ? Effect.Verdict.BETTER.mark() : Effect.Verdict.WORSE.mark();
    }

    /**
     * Effects as rows: task, column, baseline, both accuracies, the difference with its interval, p and the verdict,
     * sorted as given. What {@link Study#rank(String)} shows.
     */
    public static Table effects(String name, List<Effect> effects) {
        List<List<?>> rows = new ArrayList<>();
        for (Effect e : effects)
            rows.add(List.of(
                    e.task(),
                    e.column(),
                    String.format(
                            java.util.Locale.ROOT,
                            "%.1f [%.1f, %.1f]",
                            100 * e.accuracy().value(),
                            100 * e.accuracy().lo(),
                            100 * e.accuracy().hi()),
                    e.baseline(),
                    String.format(
                            java.util.Locale.ROOT,
                            "%+.1f [%+.1f, %+.1f]",
                            100 * e.delta(),
                            100 * e.difference().lo(),
                            100 * e.difference().hi()),
                    t2j.stats.PairedDifference.formatP(e.p()),
                    e.verdict().mark() + " " + e.verdict().verb()));
        return of(
                name,
                List.of("task", "column", "accuracy % [95 %]", "vs", "points [95 %]", "McNemar p", "verdict"),
                rows);
    }

    /**
     * The counts behind a routing confusion matrix: a row per true category that had requests (as
     * {@link ConfusionMatrix#toMarkdown()}), a column per chosen label.
     */
    public static Table confusion(ConfusionMatrix m) {
        StringColumn truth = StringColumn.create(unique("true \\ chosen", m.chosenLabels()));
        List<IntColumn> cols = new ArrayList<>();
        for (String c : m.chosenLabels()) cols.add(IntColumn.create(c));
        for (String t : m.trueLabels()) {
            if (m.rowTotal(t) == 0) continue;
            truth.append(t);
            for (int k = 0; k < cols.size(); k++)
                cols.get(k).append(m.count(t, m.chosenLabels().get(k)));
        }
        Table out = Table.create("routing by " + m.strategy(), truth);
        cols.forEach(out::addColumns);
        return out;
    }

    /**
     * The timing of adaptation runs, with the columns of {@link TimingSummary#toMarkdown(List)}: seconds to the
     * millisecond, overhead (first pass and composition over the total) in percent, and milliseconds per example.
     */
    public static Table timing(List<TimingSummary> rows) {
        if (rows == null) throw new IllegalArgumentException("timing table: rows must not be null");
        StringColumn task = StringColumn.create("task"), strategy = StringColumn.create("strategy");
        IntColumn examples = IntColumn.create("examples"), compositions = IntColumn.create("compositions");
        DoubleColumn p1 = DoubleColumn.create("pass 1 s"),
                comp = DoubleColumn.create("compose s"),
                p2 = DoubleColumn.create("pass 2 s"),
                overhead = DoubleColumn.create("overhead %"),
                perExample = DoubleColumn.create("ms/example");
        for (TimingSummary t : rows) {
            task.append(t.task());
            strategy.append(t.strategy());
            examples.append(t.examples());
            compositions.append(t.compositions());
            p1.append(round(t.pass1Seconds(), 3));
            comp.append(round(t.composeSeconds(), 3));
            p2.append(round(t.pass2Seconds(), 3));
            overhead.append(round(100 * t.overhead(), 1));
            perExample.append(round(t.millisPerExample(), 1));
        }
        return Table.create("timing", task, strategy, examples, compositions, p1, comp, p2, overhead, perExample);
    }

    /**
     * A table from rows of plain values, for anything the other builders do not cover. Each column's type is
     * inferred from its non-null values: all {@link Integer} (or Short, Byte) gives an integer column, integral
     * values with a {@link Long} a long column, other numbers a double column, anything else strings
     * ({@code toString()}). Nulls are missing values.
     *
     * @throws IllegalArgumentException on no columns, a duplicate or null column name, or a row of the wrong length
     */
    public static Table of(String name, List<String> columns, List<List<?>> rows) {
        if (columns == null || columns.isEmpty())
            throw new IllegalArgumentException("table '" + name + "' has no columns");
        if (rows == null) throw new IllegalArgumentException("table '" + name + "': rows must not be null");
        Set<String> seen = new HashSet<>();
        for (String c : columns) {
            if (c == null) throw new IllegalArgumentException("table '" + name + "' has a null column name");
            if (!seen.add(c))
                throw new IllegalArgumentException("table '" + name + "' has two columns named '" + c + "'");
        }
        for (int r = 0; r < rows.size(); r++) {
            List<?> row = rows.get(r);
            if (row == null || row.size() != columns.size())
                throw new IllegalArgumentException(
                        "table '" + name + "': row " + r + " has " + (row == null ? 0 : row.size())
                                + " values, expected " + columns.size() + " (" + String.join(", ", columns) + ")");
        }
        Table out = Table.create(name == null ? "" : name);
        for (int c = 0; c < columns.size(); c++) {
            List<Object> values = new ArrayList<>(rows.size());
            for (List<?> row : rows) values.add(row.get(c));
            out.addColumns(column(columns.get(c), values));
        }
        return out;
    }

    private static Column<?> column(String name, List<Object> values) {
        boolean ints = true, longs = true, numbers = true;
        for (Object v : values) {
            if (v == null) continue;
            boolean small = v instanceof Integer || v instanceof Short || v instanceof Byte;
            ints &= small;
            longs &= small || v instanceof Long;
            numbers &= v instanceof Number;
        }
        if (ints && numbers && values.stream().anyMatch(v -> v != null)) {
            IntColumn col = IntColumn.create(name);
            for (Object v : values)
                if (v == null) col.appendMissing();
                else col.append(((Number) v).intValue());
            return col;
        }
        if (longs && numbers && values.stream().anyMatch(v -> v != null)) {
            LongColumn col = LongColumn.create(name);
            for (Object v : values)
                if (v == null) col.appendMissing();
                else col.append(((Number) v).longValue());
            return col;
        }
        if (numbers && values.stream().anyMatch(v -> v != null)) {
            DoubleColumn col = DoubleColumn.create(name);
            for (Object v : values)
                if (v == null) col.appendMissing();
                else col.append(((Number) v).doubleValue());
            return col;
        }
        StringColumn col = StringColumn.create(name);
        for (Object v : values)
            if (v == null) col.appendMissing();
            else col.append(v.toString());
        return col;
    }

    private static void percent(DoubleColumn col, double fraction) {
        if (Double.isFinite(fraction)) col.append(round(100 * fraction, 1));
        else col.appendMissing();
    }

    private static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }

    private static String unique(String name, List<String> taken) {
        String n = name;
        while (taken.contains(n)) n = n + " ";
        return n;
    }
}
