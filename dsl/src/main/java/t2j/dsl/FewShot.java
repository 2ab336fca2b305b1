package t2j.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import t2j.adapt.Dispatcher;
import t2j.adapt.FewShotCem;
import t2j.adapt.Mixture;

/**
 * A few-shot CEM search: α over the experts per iteration, and the mixture found.
 *
 * <pre>{@code
 * FewShot fs = t2.fewShot("math-hard", 10);
 * fs.best();                                     // e.g. math=0.81 code=0.12 reasoning=0.30
 * t2.by(fs.dispatcher()).evaluate("math-hard", 50)
 * }</pre>
 */
public record FewShot(FewShotCem.Result result) implements Renderable {
    public Mixture best() {
        return result.best();
    }

    /** Each expert's weight in the best mixture (mean over matrices when per matrix). */
    public Map<String, Double> alpha() {
        return result.bestAlpha();
    }

    /** Accuracy of the best mixture on the shots. */
    public double shotAccuracy() {
        return result.bestFitness().accuracy();
    }

    /** A dispatcher that answers every request with the mixture found. */
    public Dispatcher dispatcher() {
        return result.dispatcher();
    }

    public XYChart chart() {
        return Charts.cemAlpha(result);
    }

    @Override
    public Map<String, Object> mimeBundle() {
        List<List<?>> rows = new ArrayList<>();
        alpha().forEach((k, v) -> rows.add(List.of(k, Math.round(v * 1000) / 1000.0)));
        return Mime.stack(toString(), chart(), Tables.of("best α", List.of("expert", "α"), rows));
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "CEM on %d %s shots: best %s, shot accuracy %.2f, %d evaluations in %.1f s",
                result.shots(),
                result.task(),
                result.best(),
                shotAccuracy(),
                result.evaluations(),
                result.seconds());
    }
}
