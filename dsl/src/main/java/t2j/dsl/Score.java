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

    /** The first {@code n} examples as a table: prompt, completion, extracted answer, verdict. */
    public Renderable examples(int n) {
        List<List<?>> rows = new ArrayList<>();
        for (Evaluator.Outcome o : evaluation.outcomes().subList(0, Math.min(n, total())))
            rows.add(List.of(shorten(o.example().prompt(), 120), shorten(o.completion(), 120), String.valueOf(o.verdict().extracted()),
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
        return Mime.html(String.format(Locale.ROOT,
                "<div style=\"font-family:sans-serif;font-size:13px\"><b>%s</b> on <b>%s</b> (%s): %d / %d correct = <b>%.1f %%</b></div>",
                Mime.escape(model), Mime.escape(task), Mime.escape(setting), correct(), total(), 100 * accuracy()), toString());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s on %s (%s): %d/%d = %.1f%%", model, task, setting, correct(), total(), 100 * accuracy());
    }
}
