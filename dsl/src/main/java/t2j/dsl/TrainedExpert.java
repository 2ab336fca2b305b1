package t2j.dsl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import t2j.svf.Expert;
import t2j.train.Trainer;

/**
 * The outcome of a {@link Training}: the learning curve, the best validated parameters, and (for SVF) the expert.
 *
 * <pre>{@code
 * TrainedExpert math = llama.train("math").iterations(20).run();
 * math.chart();                                  // reward and validation accuracy per step
 * Experts mine = llama.experts().plus(math);     // use it beside the shipped ones
 * math.save(Path.of("math.safetensors"));
 * }</pre>
 *
 * @param parameters trainable parameters of the method (SVF: one per singular value; LoRA: r·(in+out) per matrix)
 * @param expert     null for LoRA runs
 */
public record TrainedExpert(String model, String task, String method, String objective, long parameters, Trainer.Result result, Expert expert)
        implements Renderable {
    /** The SVF expert; LoRA runs have none. */
    @Override
    public Expert expert() {
        if (expert == null) throw new IllegalStateException("a " + method + " run gives no SVF expert; train with SVF (the default) to get one");
        return expert;
    }

    public double baseValidation() {
        return result.baseValidation();
    }

    public double bestValidation() {
        return result.bestValidation();
    }

    public List<Trainer.Validation> validations() {
        return result.validations();
    }

    public XYChart chart() {
        return Charts.learningCurve(String.format(Locale.ROOT, "%s %s (%s) on %s", model, method, objective, task), result.steps(), result.validations());
    }

    /** Writes the expert (atomically) for {@code Experts.load} or {@code t2j adapt --experts}. */
    public void save(Path file) {
        try {
            expert().save(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the expert to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Object> mimeBundle() {
        return Mime.chart(chart(), toString());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s (%s) on %s, %,d parameters: validation %.1f %% → %.1f %% (best at step %d; %s)", model, method, objective, task,
                parameters, 100 * result.baseValidation(), 100 * result.bestValidation(), result.bestIteration(), result.stopReason());
    }
}
