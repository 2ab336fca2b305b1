package t2j.adapt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Which category a dispatcher chose for requests of each true category (the paper's Fig. 6): rows are true
 * categories, columns the chosen labels (the categories, then anything else the dispatcher said, {@code other} last).
 *
 * <pre>{@code
 * ConfusionMatrix cm = ConfusionMatrix.of("prompt", List.of("math", "code"), pairs);
 * double routed = cm.accuracy();
 * }</pre>
 *
 * @param counts {@code counts.get(row).get(column)}
 */
public record ConfusionMatrix(
        String strategy, List<String> trueLabels, List<String> chosenLabels, List<List<Integer>> counts) {
    public ConfusionMatrix {
        trueLabels = List.copyOf(trueLabels);
        chosenLabels = List.copyOf(chosenLabels);
        List<List<Integer>> c = new ArrayList<>();
        for (List<Integer> row : counts) c.add(List.copyOf(row));
        counts = Collections.unmodifiableList(c);
    }

    /** One routed request: its true category and the label chosen for it. */
    public record Pair(String trueLabel, String chosen) {}

    /** Counts {@code pairs}; rows in {@code categories} order (plus any true label not in it). */
    public static ConfusionMatrix of(String strategy, List<String> categories, List<Pair> pairs) {
        List<String> rows = new ArrayList<>(categories), cols = new ArrayList<>(categories);
        for (Pair p : pairs) {
            if (!rows.contains(p.trueLabel())) rows.add(p.trueLabel());
            if (!cols.contains(p.chosen()) && !p.chosen().equals(Decision.OTHER)) cols.add(p.chosen());
        }
        cols.add(Decision.OTHER);
        int[][] n = new int[rows.size()][cols.size()];
        for (Pair p : pairs) n[rows.indexOf(p.trueLabel())][cols.indexOf(p.chosen())]++;
        List<List<Integer>> counts = new ArrayList<>();
        for (int[] r : n) {
            List<Integer> l = new ArrayList<>();
            for (int x : r) l.add(x);
            counts.add(l);
        }
        return new ConfusionMatrix(strategy, rows, cols, counts);
    }

    public int count(String trueLabel, String chosen) {
        int r = trueLabels.indexOf(trueLabel), c = chosenLabels.indexOf(chosen);
        return r < 0 || c < 0 ? 0 : counts.get(r).get(c);
    }

    public int rowTotal(String trueLabel) {
        int r = trueLabels.indexOf(trueLabel);
        return r < 0 ? 0 : counts.get(r).stream().mapToInt(Integer::intValue).sum();
    }

    public int total() {
        int s = 0;
        for (List<Integer> r : counts) for (int x : r) s += x;
        return s;
    }

    /** Requests routed to their own category. */
    public int correct() {
        int s = 0;
        for (String t : trueLabels) s += count(t, t);
        return s;
    }

    /** The routing accuracy. */
    public double accuracy() {
        int t = total();
        return t == 0 ? 0 : (double) correct() / t;
    }

    /** The fraction of a true category's requests that went to {@code chosen} (a row of Fig. 6). */
    public double rate(String trueLabel, String chosen) {
        int t = rowTotal(trueLabel);
        return t == 0 ? 0 : (double) count(trueLabel, chosen) / t;
    }

    /** Markdown with row-normalised rates and the counts in brackets. */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder("| ").append(strategy).append(": true \\ chosen |");
        for (String c : chosenLabels) b.append(' ').append(c).append(" |");
        b.append("\n|---|").append("---:|".repeat(chosenLabels.size())).append('\n');
        for (String t : trueLabels) {
            if (rowTotal(t) == 0) continue;
            b.append("| ").append(t).append(" |");
            for (String c : chosenLabels) b.append(String.format(Locale.ROOT, " %.2f (%d) |", rate(t, c), count(t, c)));
            b.append('\n');
        }
        b.append(
                String.format(Locale.ROOT, "routing accuracy %.1f %% (%d/%d)%n", 100 * accuracy(), correct(), total()));
        return b.toString();
    }
}
