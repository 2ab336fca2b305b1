package t2j.dsl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import t2j.adapt.AdaptContext;
import t2j.adapt.AdaptationStudy;
import t2j.adapt.ExpertPool;
import t2j.adapt.Transfer;
import t2j.adapt.TransferStudy;
import t2j.svf.Expert;
import t2j.svf.Targets;
import t2j.task.Split;
import t2j.task.Task;
import t2j.tiny.TinyRecipe;

/**
 * Named SVF experts of one model: what the second pass of Transformer² chooses from. Immutable: {@link #only},
 * {@link #plus} and {@link #transferTo} return new sets.
 *
 * <pre>{@code
 * Experts experts = llama.experts();                       // the shipped math, code, reasoning, classification
 * experts.chart()                                          // each expert's mean mask per matrix
 * experts.compare(List.of("math", "code"), 50)             // base vs each expert on each task
 * Experts moved = experts.transferTo(mistral, Transfer.Policy.AS_IS);
 * }</pre>
 */
public final class Experts implements Renderable {
    private final Model model;
    private final Map<String, Expert> experts;

    Experts(Model model, Map<String, Expert> experts) {
        this.model = model;
        this.experts = Collections.unmodifiableMap(new LinkedHashMap<>(experts));
    }

    /** Experts for {@code model}; each is checked against the model's weights when first composed. */
    public static Experts of(Model model, Map<String, Expert> experts) {
        return new Experts(model, experts);
    }

    /** Every {@code *.safetensors} expert file in {@code dir}, named by file name. */
    public static Experts load(Model model, Path dir) {
        try {
            return new Experts(model, Expert.loadAll(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the experts in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Model model() {
        return model;
    }

    public List<String> names() {
        return new ArrayList<>(experts.keySet());
    }

    public Expert get(String name) {
        Expert e = experts.get(name);
        if (e == null)
            throw new IllegalArgumentException(
                    "no expert named '" + name + "'; this set has " + String.join(", ", experts.keySet()));
        return e;
    }

    /** The engine's map, for {@code ExpertPool} and friends. */
    public Map<String, Expert> asMap() {
        return experts;
    }

    /** Only the named experts, in the order given. */
    public Experts only(String... names) {
        Map<String, Expert> m = new LinkedHashMap<>();
        for (String n : names) m.put(n, get(n));
        return new Experts(model, m);
    }

    /** This set with {@code expert} added (or replaced) under {@code name}. */
    public Experts plus(String name, Expert expert) {
        Map<String, Expert> m = new LinkedHashMap<>(experts);
        m.put(name, expert);
        return new Experts(model, m);
    }

    /** This set with a freshly trained expert, named after its task. */
    public Experts plus(TrainedExpert trained) {
        return plus(trained.task(), trained.expert());
    }

    /** The matrices the experts adapt (those of the first expert; all must agree to be mixed). */
    List<String> matrices() {
        return experts.isEmpty()
                ? List.of()
                : new ArrayList<>(experts.values().iterator().next().z().keySet());
    }

    Targets targets() {
        return experts.isEmpty()
                ? Targets.MLP
                : Targets.parse(experts.values().iterator().next().info().getOrDefault("targets", "mlp"));
    }

    /** Each expert's mean mask per adapted matrix: where, layer by layer, the experts differ. */
    public XYChart chart() {
        return Charts.zVectors(model.name() + ": expert masks by matrix", experts, matrices());
    }

    /** One row per expert: task, parameters, and the validation accuracies recorded when it was trained. */
    public Renderable table() {
        List<List<?>> rows = new ArrayList<>();
        for (Map.Entry<String, Expert> e : experts.entrySet()) {
            Map<String, String> info = e.getValue().info();
            rows.add(List.of(
                    e.getKey(),
                    e.getValue().task(),
                    e.getValue().parameterCount(),
                    info.getOrDefault("base_validation", "?"),
                    info.getOrDefault("best_validation", "?"),
                    info.getOrDefault("transferred_from_model_type", "")));
        }
        var t = Tables.of(
                model.name() + " experts",
                List.of("expert", "task", "parameters", "base validation", "expert validation", "transferred from"),
                rows);
        return () -> Mime.table(t, t.print());
    }

    /** No experts yet: for a model that has none of its own (a transfer target without an {@code experts/} folder). */
    public static Experts none(Model model) {
        return new Experts(model, Map.of());
    }

    /** Test accuracy of the base weights and of each expert alone on each built-in task, {@code limit} requests per task, each tested against base. */
    public Comparison compare(List<String> tasks, int limit) {
        if (experts.isEmpty()) throw new IllegalArgumentException("no experts to compare");
        ExpertPool pool =
                new ExpertPool(model.transformer(), model.decompose(targets()).decomposition(), experts);
        AdaptContext ctx = new AdaptContext(model.transformer(), model.prompter(), pool, Model.MAX_NEW_TOKENS);
        AdaptationStudy.Config cfg = AdaptationStudy.Config.defaults(names())
                .withStrategies(List.of(AdaptationStudy.BASE, AdaptationStudy.EXPERTS))
                .withLimit(limit);
        List<Task> ts = tasks.stream().map(Model::task).toList();
        try (Live.Panel panel = Live.panel("compare experts of " + model.name())) {
            return new Comparison(
                    model.name() + ": base and single experts, test accuracy",
                    new AdaptationStudy(ctx, cfg).run(ts, panel).accuracy(),
                    AdaptationStudy.BASE);
        }
    }

    /**
     * These experts made experts of {@code target} (another model with the same matrix shapes), under {@code policy}:
     * as they are, or each z-vector shuffled (the paper's control).
     */
    public Experts transferTo(Model target, Transfer.Policy policy) {
        var dec = target.decompose(targets()).decomposition();
        Map<String, Expert> m = new LinkedHashMap<>();
        for (Map.Entry<String, Expert> e : experts.entrySet())
            m.put(
                    e.getKey(),
                    Transfer.apply(e.getValue(), dec, target.config().modelType(), policy, TinyRecipe.TASK_SEED));
        return new Experts(target, m);
    }

    /**
     * The transfer experiment: each expert moved to {@code target} under each policy, scored on the unseen task of its
     * category (math → math-hard, code → code-hard; an expert of another category on its own training task) against the
     * target's base weights and the target's own expert of the same name (when {@code own} has one), every column with a
     * paired test against the target's base.
     */
    public Comparison transferStudy(Model target, Experts own, int limit, Transfer.Policy... policies) {
        if (own.model() != target)
            throw new IllegalArgumentException("'own' must be experts of the target model " + target.name());
        var dec = target.decompose(targets()).decomposition();
        try (Live.Panel panel = Live.panel("transfer " + model.name() + " → " + target.name())) {
            TransferStudy.Result r = TransferStudy.run(
                    experts,
                    target.transformer(),
                    target.prompter(),
                    dec,
                    own.asMap(),
                    List.of(policies),
                    null,
                    Split.TEST,
                    limit,
                    Model.MAX_NEW_TOKENS,
                    TinyRecipe.TASK_SEED,
                    panel);
            return new Comparison(
                    model.name() + " experts on " + target.name() + ", test accuracy",
                    r.accuracy(),
                    TransferStudy.TARGET_BASE);
        }
    }

    /** Writes every expert to {@code dir/NAME.safetensors} (atomically). */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, Expert> e : experts.entrySet())
                e.getValue().save(dir.resolve(e.getKey() + ".safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save experts to " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Object> mimeBundle() {
        return Mime.stack(toString(), table(), chart());
    }

    @Override
    public String toString() {
        long params =
                experts.values().stream().mapToLong(Expert::parameterCount).sum();
        return String.format(
                Locale.ROOT,
                "%d experts of %s (%s), %,d parameters in all",
                experts.size(),
                model.name(),
                String.join(", ", experts.keySet()),
                params);
    }
}
