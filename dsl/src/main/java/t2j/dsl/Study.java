package t2j.dsl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.HeatMapChart;
import t2j.adapt.AdaptationStudy;
import t2j.adapt.ConfusionMatrix;
import t2j.adapt.FewShotCem;
import tech.tablesaw.api.Table;

/**
 * Strategies side by side on the same requests: accuracy per task and strategy with 95 % intervals, every column's
 * paired difference from the base weights (bootstrap interval, exact McNemar test, "within noise" marked), how each
 * dispatcher routed (confusion matrices), the few-shot mixtures found, and where the time went.
 *
 * <pre>{@code
 * Study s = t2.compare(List.of("math-hard", "code-hard", "mixed-hard"), 30, Strategies.of(Strategy.PROMPT, Strategy.ORACLE));
 * s.effect("code-hard", Strategy.ORACLE).sentence()   // "oracle beats base on code-hard: ..." or "... is within noise of base ..."
 * s.effect(Study.ALL, "keywords")                     // a custom column, all requests pooled
 * s.rank("mixed-hard")                                // columns by accuracy, each with its interval and test
 * s.confusion(Strategy.PROMPT)                        // heat map: true category × chosen expert
 * s.timing()                                          // pass 1 / composition / pass 2 per request, per strategy
 * }</pre>
 */
public record Study(String model, AdaptationStudy.Report report) implements Renderable {
    /** The pseudo-task that pools every task's requests. */
    public static final String ALL = Comparison.ALL;

    public double accuracy(String task, String column) {
        return report.accuracy().accuracy(task, column);
    }

    public double accuracy(String task, Strategy strategy) {
        return accuracy(task, column(strategy));
    }

    /** The tasks, in run order. */
    public List<String> tasks() {
        return report.accuracy().rows();
    }

    /** The columns: {@code base}, the experts, the built-in strategies run and the custom dispatchers, in table order. */
    public List<String> columns() {
        return report.accuracy().columns();
    }

    /** The accuracy table as a {@link Comparison} against the base weights. */
    public Comparison comparison() {
        return new Comparison(model + ": accuracy by strategy", report.accuracy(), AdaptationStudy.BASE);
    }

    /** {@code column} (a strategy's, an expert's or a custom dispatcher's) against the base weights on {@code task} or {@link #ALL}. */
    public Effect effect(String task, String column) {
        requireBase();
        return comparison().effect(task, column);
    }

    public Effect effect(String task, Strategy strategy) {
        return effect(task, column(strategy));
    }

    /** {@code column} against {@code against} (any two columns) on the same requests. */
    public Effect effect(String task, String column, String against) {
        return comparison().effect(task, column, against);
    }

    public Effect effect(String task, Strategy strategy, Strategy against) {
        return effect(task, column(strategy), column(against));
    }

    /** Every column against base, on every task and on all requests pooled. */
    public List<Effect> effects() {
        requireBase();
        return comparison().effects();
    }

    /**
     * The columns on {@code task} (or {@link #ALL}) from most to least accurate, each with its interval and its test
     * against base: a ranking that says which places are within noise of each other's baseline.
     */
    public Table rank(String task) {
        requireBase();
        Comparison c = comparison();
        List<Effect> es = new ArrayList<>();
        for (String col : columns()) if (!col.equals(AdaptationStudy.BASE)) es.add(c.effect(task, col));
        es.sort(Comparator.comparingDouble((Effect e) -> -e.accuracy().value()));
        return Tables.effects("columns by accuracy on " + task, es);
    }

    /**
     * The few-shot mixture against each single expert on {@code task}: the claim a mixture has to earn is to beat every
     * expert alone, with the test saying whether it did.
     */
    public Map<String, Effect> mixtureVersusExperts(String task) {
        Map<String, Effect> out = new LinkedHashMap<>();
        report.mixtureVersusExperts(task).keySet().forEach(e -> out.put(e, effect(task, AdaptationStudy.FEW_SHOT, e)));
        return out;
    }

    /** Grouped bars with 95 % whiskers, y axis fitted to the data. */
    public CategoryChart chart() {
        return comparison().chart();
    }

    /** The routing of one dispatching strategy ({@code prompt}, {@code classifier}, {@code wrong-router} or a custom one). */
    public ConfusionMatrix routing(String strategy) {
        for (ConfusionMatrix c : report.confusion()) if (c.strategy().equals(strategy)) return c;
        List<String> have = new ArrayList<>();
        for (ConfusionMatrix c : report.confusion()) have.add(c.strategy());
        throw new IllegalArgumentException("no routing recorded for '" + strategy
                + "'; dispatching strategies in this study: " + String.join(", ", have));
    }

    public ConfusionMatrix routing(Strategy strategy) {
        return routing(strategy.column());
    }

    public HeatMapChart confusion(String strategy) {
        return Charts.confusion(routing(strategy));
    }

    public HeatMapChart confusion(Strategy strategy) {
        return confusion(strategy.column());
    }

    /** Milliseconds per request by strategy (mean over the tasks, weighted by requests), split into pass 1, composition and pass 2. */
    public CategoryChart timing() {
        return Charts.timing(report.timing());
    }

    /** The same for one task. */
    public CategoryChart timing(String task) {
        return Charts.timing(
                report.timing().stream().filter(t -> t.task().equals(task)).toList());
    }

    /** The few-shot search of one task. */
    public FewShot fewShot(String task) {
        FewShotCem.Result r = report.cem().get(task);
        if (r == null)
            throw new IllegalArgumentException("no few-shot search for '" + task + "' in this study (ran on: "
                    + String.join(", ", report.cem().keySet()) + ")");
        return new FewShot(r);
    }

    private static String column(Strategy s) {
        if (s == Strategy.EXPERTS)
            throw new IllegalArgumentException(
                    "EXPERTS has one column per expert: name the expert ('math', 'code', ...) instead");
        return s.column();
    }

    private void requireBase() {
        if (!columns().contains(AdaptationStudy.BASE))
            throw new IllegalStateException(
                    "this study has no 'base' column to test against; run it with Strategies (which always include base)");
    }

    @Override
    public Map<String, Object> mimeBundle() {
        List<Object> parts = new ArrayList<>();
        parts.add(chart());
        parts.add(Tables.intervals(report.accuracy()));
        if (columns().contains(AdaptationStudy.BASE)) {
            parts.add(Tables.differences(report.accuracy(), AdaptationStudy.BASE));
            parts.add(
                    "▲ beats base, ▼ trails it, ≈ within noise: the mark follows the exact McNemar test on the same requests (p < 0.05); "
                            + "the bracket is a paired bootstrap 95 % interval in points, which can exclude 0 when a handful of discordant requests all go one way "
                            + "while the test still cannot tell");
        }
        for (ConfusionMatrix c : report.confusion()) parts.add(Charts.confusion(c));
        for (String n : report.notes()) parts.add("note: " + n);
        return Mime.stack(toString(), parts.toArray());
    }

    @Override
    public String toString() {
        return report.toMarkdown();
    }
}
