package t2j.adapt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Accuracy per row (task) and column (strategy), with the counts behind every number.
 *
 * <pre>{@code
 * double p = table.accuracy("math-hard", "prompt");
 * System.out.print(table.toMarkdown());
 * }</pre>
 */
public record AccuracyTable(String title, List<String> rows, List<String> columns, List<Cell> cells) {
    /** One measured cell. */
    public record Cell(String row, String column, int correct, int total) {
        public double accuracy() {
            return total == 0 ? 0 : (double) correct / total;
        }
    }

    public AccuracyTable {
        rows = List.copyOf(rows);
        columns = List.copyOf(columns);
        cells = List.copyOf(cells);
    }

    /** Builds a table from cells, keeping first-seen row and column order. */
    public static AccuracyTable of(String title, List<Cell> cells) {
        List<String> rows = new ArrayList<>(), cols = new ArrayList<>();
        for (Cell c : cells) {
            if (!rows.contains(c.row())) rows.add(c.row());
            if (!cols.contains(c.column())) cols.add(c.column());
        }
        return new AccuracyTable(title, rows, cols, cells);
    }

    public Optional<Cell> cell(String row, String column) {
        for (Cell c : cells) if (c.row().equals(row) && c.column().equals(column)) return Optional.of(c);
        return Optional.empty();
    }

    /** The accuracy of a cell, NaN when it was not measured. */
    public double accuracy(String row, String column) {
        return cell(row, column).map(Cell::accuracy).orElse(Double.NaN);
    }

    /** A column's mean accuracy over the rows that have it (the unweighted mean, as papers average tasks). */
    public double mean(String column) {
        double s = 0;
        int n = 0;
        for (String r : rows) {
            Optional<Cell> c = cell(r, column);
            if (c.isPresent()) {
                s += c.get().accuracy();
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** Markdown with percentages and a mean row when there is more than one row. */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder("| ").append(title).append(" |");
        for (String c : columns) b.append(' ').append(c).append(" |");
        b.append("\n|---|").append("---:|".repeat(columns.size())).append('\n');
        for (String r : rows) {
            b.append("| ").append(r).append(" |");
            for (String c : columns) {
                Optional<Cell> cell = cell(r, c);
                b.append(cell.map(x -> String.format(Locale.ROOT, " %.1f %% |", 100 * x.accuracy())).orElse(" – |"));
            }
            b.append('\n');
        }
        if (rows.size() > 1) {
            b.append("| mean |");
            for (String c : columns) {
                double m = mean(c);
                b.append(Double.isNaN(m) ? " – |" : String.format(Locale.ROOT, " %.1f %% |", 100 * m));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The cells of one column, in row order. */
    public List<Cell> column(String column) {
        List<Cell> out = new ArrayList<>();
        for (String r : rows) cell(r, column).ifPresent(out::add);
        return Collections.unmodifiableList(out);
    }
}
