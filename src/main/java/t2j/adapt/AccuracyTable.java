package t2j.adapt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import t2j.stats.PairedDifference;
import t2j.stats.Proportion;

/**
 * Accuracy per row (task) and column (strategy), with the counts behind every number.
 *
 * <pre>{@code
 * double p = table.accuracy("math-hard", "prompt");
 * System.out.print(table.toMarkdown());
 * }</pre>
 */
public record AccuracyTable(String title, List<String> rows, List<String> columns, List<Cell> cells) {
    /**
     * One measured cell.
     *
     * @param outcomes right or wrong per request, in request order (null when only the counts are known): what paired
     *                 comparisons between columns need
     */
    public record Cell(String row, String column, int correct, int total, boolean[] outcomes) {
        public Cell {
            if (outcomes != null && outcomes.length != total)
                throw new IllegalArgumentException(
                        row + " / " + column + ": " + outcomes.length + " outcomes for " + total + " requests");
        }

        /** Counts only: no paired comparison possible. */
        public Cell(String row, String column, int correct, int total) {
            this(row, column, correct, total, null);
        }

        /** From per-request outcomes. */
        public static Cell of(String row, String column, boolean[] outcomes) {
            int k = 0;
            for (boolean b : outcomes) if (b) k++;
            return new Cell(row, column, k, outcomes.length, outcomes.clone());
        }

        public double accuracy() {
            return total == 0 ? 0 : (double) correct / total;
        }

        // Value semantics for the outcomes too (a record compares arrays by reference).
        @Override
        public boolean equals(Object o) {
            return o instanceof Cell c
                    && row.equals(c.row)
                    && column.equals(c.column)
                    && correct == c.correct
                    && total == c.total
                    && java.util.Arrays.equals(outcomes, c.outcomes);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(row, column, correct, total, java.util.Arrays.hashCode(outcomes));
        }

        /** The accuracy with its 95 % interval. */
        public Proportion proportion() {
            return Proportion.of(correct, total);
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

    /**
     * Column minus {@code baseline} on the same requests, with a paired interval and McNemar's test; empty when either
     * cell is missing or was recorded without per-request outcomes. Row {@link #ALL} pools every row's requests.
     */
    public Optional<PairedDifference> versus(String row, String column, String baseline) {
        boolean[] a = outcomes(row, column), b = outcomes(row, baseline);
        if (a == null || b == null) return Optional.empty();
        return Optional.of(PairedDifference.of(a, b));
    }

    /** The pseudo-row that pools the requests of every row. */
    public static final String ALL = "all requests";

    private boolean[] outcomes(String row, String column) {
        if (!row.equals(ALL)) return cell(row, column).map(Cell::outcomes).orElse(null);
        List<boolean[]> parts = new ArrayList<>();
        int n = 0;
        for (String r : rows) {
            boolean[] o = cell(r, column).map(Cell::outcomes).orElse(null);
            if (o == null) return null;
            parts.add(o);
            n += o.length;
        }
        boolean[] out = new boolean[n];
        int at = 0;
        for (boolean[] o : parts) {
            System.arraycopy(o, 0, out, at, o.length);
            at += o.length;
        }
        return out;
    }

    /**
     * Two tables: accuracy with its 95 % interval per cell, then every column's paired difference from
     * {@code baseline} (interval, McNemar p, "≈" where within noise), with a row pooling all requests.
     */
    public String toMarkdown(String baseline) {
        StringBuilder b = new StringBuilder("| ").append(title).append(" (95 % interval) |");
        for (String c : columns) b.append(' ').append(c).append(" |");
        b.append("\n|---|").append("---:|".repeat(columns.size())).append('\n');
        for (String r : rows) {
            b.append("| ")
                    .append(r)
                    .append(" (n=")
                    .append(cell(r, columns.get(0)).map(Cell::total).orElse(0))
                    .append(") |");
            for (String c : columns) {
                Optional<Cell> cell = cell(r, c);
                b.append(cell.map(x -> String.format(
                                Locale.ROOT,
                                " %.1f [%.1f, %.1f] |",
                                100 * x.accuracy(),
                                100 * x.proportion().lo(),
                                100 * x.proportion().hi()))
                        .orElse(" – |"));
            }
            b.append('\n');
        }
        meanRow(b, " %.1f |");
        List<String> others = new ArrayList<>(columns);
        others.remove(baseline);
        if (!columns.contains(baseline) || others.isEmpty()) return b.toString();
        b.append("\n| points vs ").append(baseline).append(" (paired 95 % interval, McNemar p; ≈ within noise) |");
        for (String c : others) b.append(' ').append(c).append(" |");
        b.append("\n|---|").append("---:|".repeat(others.size())).append('\n');
        List<String> diffRows = new ArrayList<>(rows);
        if (rows.size() > 1) diffRows.add(ALL);
        for (String r : diffRows) {
            b.append("| ").append(r).append(" |");
            for (String c : others)
                b.append(versus(r, c, baseline)
                        .map(d -> String.format(
                                Locale.ROOT,
                                " %s%+.1f [%+.1f, %+.1f] p=%s |",
                                d.significant() ? "" : "≈ ",
                                100 * d.delta(),
                                100 * d.lo(),
                                100 * d.hi(),
                                PairedDifference.formatP(d.p())))
                        .orElse(" – |"));
            b.append('\n');
        }
        return b.toString();
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
                b.append(cell.map(x -> String.format(Locale.ROOT, " %.1f %% |", 100 * x.accuracy()))
                        .orElse(" – |"));
            }
            b.append('\n');
        }
        meanRow(b, " %.1f %% |");
        return b.toString();
    }

    /** The unweighted mean of each column over the rows, when there is more than one row. */
    private void meanRow(StringBuilder b, String format) {
        if (rows.size() < 2) return;
        b.append("| mean |");
        for (String c : columns) {
            double m = mean(c);
            b.append(Double.isNaN(m) ? " – |" : String.format(Locale.ROOT, format, 100 * m));
        }
        b.append('\n');
    }

    /** The cells of one column, in row order. */
    public List<Cell> column(String column) {
        List<Cell> out = new ArrayList<>();
        for (String r : rows) cell(r, column).ifPresent(out::add);
        return Collections.unmodifiableList(out);
    }
}
