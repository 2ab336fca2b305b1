package t2j.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import t2j.train.Evaluator;

/**
 * Greedy accuracy of one model setting (base weights, an expert, a strategy) on one task, with every completion kept
 * for inspection.
 *
 * <pre>{@code
 * Score s = llama.evaluate("math", 50);
 * s.accuracy();            // 0.26 in our run
 * s.examples(3)            // a table of prompts, completions and verdicts
 * }</pre>
 */
public record Score(String model, String task, String setting, Evaluator.Evaluation evaluation) implements Renderable {
    public double accuracy() {
        return evaluation.accuracy();
    }

    public int correct() {
        return evaluation.correct();
    }

    public int total() {
        return evaluation.outcomes().size();
    }

    /** The accuracy with its 95 % Wilson interval. */
    public t2j.stats.Proportion proportion() {
        return t2j.stats.Proportion.of(correct(), total());
    }

    /** Right or wrong per request, in request order: what a paired test against another score on the same requests needs. */
    public boolean[] outcomes() {
        boolean[] o = new boolean[total()];
        for (int i = 0; i < o.length; i++)
            o[i] = evaluation.outcomes().get(i).verdict().correct();
        return o;
    }

    /**
     * This score against {@code other} on the same requests: paired difference, interval, McNemar test.
     * @throws IllegalArgumentException when the two scored different requests
     */
    public Effect versus(Score other) {
        if (!task.equals(other.task) || total() != other.total())
            throw new IllegalArgumentException("a paired comparison needs the same requests: " + this + " vs " + other);
        for (int i = 0; i < total(); i++)
            if (!evaluation
                    .outcomes()
                    .get(i)
                    .example()
                    .id()
                    .equals(other.evaluation.outcomes().get(i).example().id()))
                throw new IllegalArgumentException(
                        "a paired comparison needs the same requests in the same order; request " + i + " differs");
        return new Effect(
                task,
                setting,
                other.setting,
                proportion(),
                other.proportion(),
                t2j.stats.PairedDifference.of(outcomes(), other.outcomes()));
    }

    /** The first {@code n} examples as a table: prompt, completion, extracted answer, verdict. */
    public Renderable examples(int n) {
        List<List<?>> rows = new ArrayList<>();
        for (Evaluator.Outcome o : evaluation.outcomes().subList(0, Math.min(n, total())))
            rows.add(List.of(
                    shorten(o.example().prompt(), 120),
                    shorten(o.completion(), 120),
                    String.valueOf(o.verdict().extracted()),
                    o.verdict().correct() ? "✓" : "✗"));
        var table = Tables.of(task + " examples", List.of("prompt", "completion", "extracted", "correct"), rows);
        return () -> Mime.table(table, table.print());
    }

    private static String shorten(String s, int n) {
        s = s == null ? "" : s.replace('\n', ' ');
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    @Override
    public Map<String, Object> mimeBundle() {
        return Mime.html(
                String.format(
                        Locale.ROOT,
                        "<div style=\"font-family:sans-serif;font-size:13px\"><b>%s</b> on <b>%s</b> (%s): %d / %d correct = <b>%.1f %%</b> [95 %% interval %.1f, %.1f]</div>",
                        Mime.escape(model),
                        Mime.escape(task),
                        Mime.escape(setting),
                        correct(),
                        total(),
                        100 * accuracy(),
                        100 * proportion().lo(),
                        100 * proportion().hi()),
                toString());
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s on %s (%s): %d/%d = %.1f%% [%.1f, %.1f]",
                model,
                task,
                setting,
                correct(),
                total(),
                100 * accuracy(),
                100 * proportion().lo(),
                100 * proportion().hi());
    }
}
