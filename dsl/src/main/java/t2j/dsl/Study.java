package t2j.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.HeatMapChart;
import t2j.adapt.AdaptationStudy;
import t2j.adapt.ConfusionMatrix;
import t2j.adapt.FewShotCem;

/**
 * Strategies side by side on the same requests: accuracy per task and strategy, how each dispatcher routed (confusion
 * matrices), the few-shot mixtures found, and where the time went.
 *
 * <pre>{@code
 * Study s = Transformer2.of(llama, llama.experts()).compare(List.of("math-hard", "code-hard", "reasoning-hard"), 30);
 * s.accuracy("math-hard", "prompt");
 * s.confusion("prompt")         // heat map: true category × chosen expert
 * s.timing()                    // pass 1 / composition / pass 2 per request
 * }</pre>
 */
public record Study(String model, AdaptationStudy.Report report) implements Renderable {
    public double accuracy(String task, String strategy) {
        return report.accuracy().accuracy(task, strategy);
    }

    /** The accuracy table as a {@link Comparison}. */
    public Comparison comparison() {
        return new Comparison(model + ": accuracy by strategy", report.accuracy());
    }

    public CategoryChart chart() {
        return comparison().chart();
    }

    /** The routing of one dispatching strategy ({@code prompt}, {@code classifier}, or a custom one). */
    public ConfusionMatrix routing(String strategy) {
        for (ConfusionMatrix c : report.confusion()) if (c.strategy().equals(strategy)) return c;
        List<String> have = new ArrayList<>();
        for (ConfusionMatrix c : report.confusion()) have.add(c.strategy());
        throw new IllegalArgumentException("no routing recorded for '" + strategy + "'; dispatching strategies in this study: " + String.join(", ", have));
    }

    public HeatMapChart confusion(String strategy) {
        return Charts.confusion(routing(strategy));
    }

    public CategoryChart timing() {
        return Charts.timing(report.timing());
    }

    /** The few-shot search of one task. */
    public FewShot fewShot(String task) {
        FewShotCem.Result r = report.cem().get(task);
        if (r == null) throw new IllegalArgumentException("no few-shot search for '" + task + "' in this study (ran on: " + String.join(", ", report.cem().keySet()) + ")");
        return new FewShot(r);
    }

    @Override
    public Map<String, Object> mimeBundle() {
        List<Object> parts = new ArrayList<>();
        parts.add(chart());
        parts.add(Tables.accuracy(report.accuracy()));
        for (ConfusionMatrix c : report.confusion()) parts.add(Charts.confusion(c));
        for (String n : report.notes()) parts.add("note: " + n);
        return Mime.stack(toString(), parts.toArray());
    }

    @Override
    public String toString() {
        return report.toMarkdown();
    }
}
