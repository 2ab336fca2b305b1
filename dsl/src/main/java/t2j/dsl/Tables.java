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
    private Tables() {
    }

    /**
     * Accuracy in percent (one decimal) per task and strategy, and a final {@code mean} row: the unweighted mean
     * over tasks, as papers average them ({@link AccuracyTable#mean(String)}). Unmeasured cells are missing values.
     *
     * @throws IllegalArgumentException when a strategy is called {@code task}, which would clash with the first column
     */
    public static Table accuracy(AccuracyTable t) {
        if (t.columns().contains("task")) throw new IllegalArgumentException("accuracy table '" + t.title() + "' has a strategy named 'task'");
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
            for (int k = 0; k < cols.size(); k++) cols.get(k).append(m.count(t, m.chosenLabels().get(k)));
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
        DoubleColumn p1 = DoubleColumn.create("pass 1 s"), comp = DoubleColumn.create("compose s"), p2 = DoubleColumn.create("pass 2 s"),
                overhead = DoubleColumn.create("overhead %"), perExample = DoubleColumn.create("ms/example");
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
        if (columns == null || columns.isEmpty()) throw new IllegalArgumentException("table '" + name + "' has no columns");
        if (rows == null) throw new IllegalArgumentException("table '" + name + "': rows must not be null");
        Set<String> seen = new HashSet<>();
        for (String c : columns) {
            if (c == null) throw new IllegalArgumentException("table '" + name + "' has a null column name");
            if (!seen.add(c)) throw new IllegalArgumentException("table '" + name + "' has two columns named '" + c + "'");
        }
        for (int r = 0; r < rows.size(); r++) {
            List<?> row = rows.get(r);
            if (row == null || row.size() != columns.size())
                throw new IllegalArgumentException("table '" + name + "': row " + r + " has " + (row == null ? 0 : row.size()) + " values, expected "
                        + columns.size() + " (" + String.join(", ", columns) + ")");
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
            for (Object v : values) if (v == null) col.appendMissing(); else col.append(((Number) v).intValue());
            return col;
        }
        if (longs && numbers && values.stream().anyMatch(v -> v != null)) {
            LongColumn col = LongColumn.create(name);
            for (Object v : values) if (v == null) col.appendMissing(); else col.append(((Number) v).longValue());
            return col;
        }
        if (numbers && values.stream().anyMatch(v -> v != null)) {
            DoubleColumn col = DoubleColumn.create(name);
            for (Object v : values) if (v == null) col.appendMissing(); else col.append(((Number) v).doubleValue());
            return col;
        }
        StringColumn col = StringColumn.create(name);
        for (Object v : values) if (v == null) col.appendMissing(); else col.append(v.toString());
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
