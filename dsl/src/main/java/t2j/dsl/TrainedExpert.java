package t2j.dsl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import t2j.adapter.Adapter;
import t2j.expert.ExpertRecipe;
import t2j.expert.TrainedAdapter;
import t2j.svf.Expert;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.train.Evaluator;
import t2j.train.Trainer;

/**
 * The outcome of a {@link Training}: the learning curve, the best validated parameters, and (for SVF) the expert.
 *
 * <pre>{@code
 * TrainedExpert math = llama.train("math").iterations(20).run();
 * math.chart();                                  // reward and validation accuracy per step
 * math.evaluate("math", 100);                    // test accuracy with the best parameters (SVF or LoRA alike)
 * Experts mine = llama.experts().plus(math);     // use it beside the shipped ones
 * math.save(Path.of("math.safetensors"));
 * }</pre>
 */
public final class TrainedExpert implements Renderable {
    private final Model model;
    private final Task task;
    private final String method, objective;
    private final TrainedAdapter trained;
    private final Trainer.Result result;
    /** The run's adapter, bound to the model; its parameters are set to {@code result.best()} whenever it is applied. */
    private final Adapter adapter;

    TrainedExpert(Model model, Task task, String objective, TrainedAdapter trained) {
        this.model = model;
        this.task = task;
        this.method = trained.recipe().method().id();
        this.objective = objective;
        this.trained = trained;
        this.result = trained.result();
        this.adapter = trained.adapter();
    }

    /** The name of the model it was trained on. */
    public String model() {
        return model.name();
    }

    public String task() {
        return task.name();
    }

    /** {@code svf} or {@code lora}. */
    public String method() {
        return method;
    }

    /** {@code reinforce} or {@code next_token}. */
    public String objective() {
        return objective;
    }

    /** Trainable parameters of the method (SVF: one per singular value; LoRA: r·(in+out) per matrix). */
    public long parameters() {
        return adapter.parameterCount();
    }

    /** Every step and validation, and the best parameters. */
    public Trainer.Result result() {
        return result;
    }

    /** The SVF expert; LoRA runs have none (use {@link #evaluate} to score them). */
    public Expert expert() {
        if (trained.recipe().method() != ExpertRecipe.Method.SVF) {
            throw new IllegalStateException(
                    "a " + method + " run gives no SVF expert; train with SVF (the default) to get one");
        }
        return trained.expert();
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
        return Charts.learningCurve(
                String.format(Locale.ROOT, "%s %s (%s) on %s", model(), method, objective, task()),
                result.steps(),
                result.validations());
    }

    /** Greedy accuracy on {@code limit} test examples of the built-in task {@code task}, with the best parameters applied. */
    public Score evaluate(String task, int limit) {
        return evaluate(Model.task(task), Split.TEST, limit);
    }

    /** Greedy accuracy with the best parameters applied; the model holds its base weights again afterwards. */
    public Score evaluate(Task on, Split split, int limit) {
        List<Example> all = on.examples(split), some = all.subList(0, Math.min(limit, all.size()));
        result.best()
                .forEach(
                        (name, v) -> System.arraycopy(v, 0, adapter.parameters().get(name), 0, v.length));
        try (Live.Panel panel = Live.panel("evaluate " + method + " " + task() + " expert on " + on.name());
                Adapter.Weights adapted = adapter.adapted()) {
            Evaluator.Evaluation ev = new Evaluator(model.transformer(), model.prompter(), Model.MAX_NEW_TOKENS)
                    .evaluate(on, some, panel);
            return new Score(model(), on.name(), method + " " + task(), ev);
        }
    }

    /**
     * Writes what the run made, atomically: an SVF expert to a {@code .safetensors} file (for {@code Experts.load} or
     * {@code t2j adapt --experts}), a LoRA adapter to a folder in PEFT's layout.
     */
    public void save(Path file) {
        try {
            trained.save(file);
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
        return String.format(
                Locale.ROOT,
                "%s %s (%s) on %s, %,d parameters: validation %.1f %% → %.1f %% (best at step %d; %s)",
                model(),
                method,
                objective,
                task(),
                parameters(),
                100 * result.baseValidation(),
                100 * result.bestValidation(),
                result.bestIteration(),
                result.stopReason());
    }
}
