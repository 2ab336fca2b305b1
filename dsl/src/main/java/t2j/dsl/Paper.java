package t2j.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import t2j.adapt.AdaptationStudy;
import t2j.adapt.Transfer;
import t2j.adapt.TransferStudy;
import tech.tablesaw.api.Table;

/**
 * The paper's own numbers (Sun, Cetin & Tang, ICLR 2025), to put beside ours so nobody mistakes the size of an effect
 * in the bundled tiny world — built so the experts have a planted habit to undo — for the size of the paper's effects
 * on 8B models and real benchmarks. Percent accuracy, copied from the paper's tables.
 *
 * <pre>{@code
 * Paper.beside(study)              // Table 2's gains over base next to each of our columns' paired difference
 * Paper.besideTransfer(transfer)   // Table 5 (Llama-3 → Mistral, ordered vs shuffled) next to ours
 * }</pre>
 */
public final class Paper {
    private Paper() {}

    /** The paper's unseen tasks, in table order. */
    public static final List<String> TASKS = List.of("MATH", "HumanEval", "ARC-Challenge");

    /** Table 2, Llama3-8B-Instruct: method → accuracy on MATH, HumanEval, ARC-Challenge. */
    public static final Map<String, double[]> TABLE2_LLAMA3_8B = table(
            "base", new double[] {24.54, 60.98, 80.63},
            "prompt", new double[] {25.22, 61.59, 81.74},
            "classifier", new double[] {25.18, 62.80, 81.37},
            "few-shot", new double[] {25.47, 62.99, 82.61});

    /** Table 2, Mistral-7B-Instruct-v0.3. */
    public static final Map<String, double[]> TABLE2_MISTRAL_7B = table(
            "base", new double[] {13.02, 43.29, 71.76},
            "prompt", new double[] {11.86, 43.90, 72.35},
            "classifier", new double[] {11.60, 43.90, 74.83},
            "few-shot", new double[] {13.39, 47.40, 75.47});

    /** Table 5: Llama3-8B's SVF experts on Mistral-7B (each on the unseen task of its training task's kind). */
    public static final Map<String, double[]> TABLE5 = table(
            "target base", new double[] {13.02, 43.29, 71.76},
            "transferred as-is", new double[] {11.96, 45.12, 72.01},
            "transferred shuffled", new double[] {10.52, 40.24, 70.82});

    private static Map<String, double[]> table(Object... kv) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (double[]) kv[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Table 2 for both 8B-scale models, with each method's gain over its base in points. */
    public static Table table2() {
        List<List<?>> rows = new ArrayList<>();
        for (var model : Map.of("Llama3-8B", TABLE2_LLAMA3_8B, "Mistral-7B", TABLE2_MISTRAL_7B).entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .toList()) {
            double[] base = model.getValue().get("base");
            model.getValue().forEach((method, v) -> {
                List<Object> row = new ArrayList<>(List.of(model.getKey(), method));
                for (int t = 0; t < 3; t++)
                    row.add(
                            method.equals("base")
                                    ? fmt(v[t])
                                    : String.format(Locale.ROOT, "%.2f (%+.2f)", v[t], v[t] - base[t]));
                rows.add(row);
            });
        }
        return Tables.of(
                "the paper's Table 2: accuracy % (points over base)",
                List.of("model", "method", TASKS.get(0), TASKS.get(1), TASKS.get(2)), rows);
    }

    /**
     * Our study beside the paper's Table 2: for each of our columns, its paired difference from base on each of our tasks
     * (points, 95 % interval, ▲/▼/≈ from the test), and for the paper's three strategies the gains Table 2 reports for
     * Llama3-8B (columns the paper did not run show "–"). The paper's test sets are real benchmarks with no planted habit;
     * its gains are 1–4 % relative.
     */
    public static Table beside(Study study) {
        List<String> cols = new ArrayList<>(List.of("column"));
        for (String t : study.tasks()) cols.add("ours: " + t);
        for (String t : TASKS) cols.add("paper Llama3-8B: " + t);
        List<List<?>> rows = new ArrayList<>();
        double[] base = TABLE2_LLAMA3_8B.get("base");
        for (String c : study.columns()) {
            if (c.equals(AdaptationStudy.BASE)) continue;
            List<Object> row = new ArrayList<>(List.of(c));
            for (String t : study.tasks()) row.add(points(study.effect(t, c)));
            double[] p = TABLE2_LLAMA3_8B.get(c);
            for (int t = 0; t < 3; t++)
                row.add(p == null ? "–" : String.format(Locale.ROOT, "%+.2f (×%.2f)", p[t] - base[t], p[t] / base[t]));
            rows.add(row);
        }
        List<Object> baseRow = new ArrayList<>(List.of("base accuracy %"));
        for (String t : study.tasks())
            baseRow.add(String.format(Locale.ROOT, "%.1f", 100 * study.accuracy(t, AdaptationStudy.BASE)));
        for (int t = 0; t < 3; t++) baseRow.add(fmt(base[t]));
        rows.add(0, baseRow);
        return Tables.of(
                "gains over base in points: ours (paired 95 % interval, ▲ ▼ ≈) beside the paper's Table 2", cols, rows);
    }

    /**
     * A transfer study beside the paper's Table 5: for each of our rows (tasks), the as-is and shuffled experts' paired
     * differences from the target's base; for the paper, Table 5's differences for MATH, HumanEval and ARC-Challenge.
     */
    public static Table besideTransfer(Comparison transfer) {
        List<List<?>> rows = new ArrayList<>();
        String asIs = TransferStudy.transferred(Transfer.Policy.AS_IS),
                shuffled = TransferStudy.transferred(Transfer.Policy.SHUFFLED);
        for (String r : transfer.rows()) {
            rows.add(List.of(
                    "ours: " + r,
                    String.format(Locale.ROOT, "%.1f", 100 * transfer.accuracy(r, transfer.baseline())),
                    transfer.columns().contains(asIs) ? points(transfer.effect(r, asIs)) : "–",
                    transfer.columns().contains(shuffled) ? points(transfer.effect(r, shuffled)) : "–"));
        }
        double[] base = TABLE5.get("target base"),
                ordered = TABLE5.get("transferred as-is"),
                shuf = TABLE5.get("transferred shuffled");
        for (int t = 0; t < 3; t++)
            rows.add(List.of(
                    "paper (Llama3-8B → Mistral-7B): " + TASKS.get(t),
                    fmt(base[t]),
                    String.format(Locale.ROOT, "%+.2f", ordered[t] - base[t]),
                    String.format(Locale.ROOT, "%+.2f", shuf[t] - base[t])));
        return Tables.of(
                transfer.title() + " beside the paper's Table 5 (points over the target's base)",
                List.of("task", "target base %", "as-is (ordered σ)", "shuffled"),
                rows);
    }

    private static String points(Effect e) {
        return String.format(
                Locale.ROOT,
                "%s %+.1f [%+.1f, %+.1f]",
                e.verdict().mark(),
                100 * e.delta(),
                100 * e.difference().lo(),
                100 * e.difference().hi());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
