package t2j.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.knowm.xchart.XYChart;
import t2j.adapt.ExpertPool;
import t2j.adapt.Scope;
import t2j.svf.Decomposition;
import t2j.svf.Parametrization;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.train.Evaluator;

/**
 * A model's weight matrices seen as spectra: the singular values of each decomposed matrix, how well the SVD
 * rebuilds the weights, and what keeping only the largest singular values does to the model's answers.
 *
 * <pre>{@code
 * Spectra s = llama.decompose();
 * s.chart("up_proj")                                 // σ of every up projection, one line per layer
 * s.truncation(Model.task("math"), new double[]{1, 0.5, 0.25}, 50)   // accuracy vs share of σ kept
 * }</pre>
 */
public final class Spectra implements Renderable {
    private final Model model;
    private final Decomposition dec;

    Spectra(Model model, Decomposition dec) {
        this.model = model;
        this.dec = dec;
    }

    /** The engine's decomposition (for an {@code ExpertPool} or {@code SvfAdapter}). */
    public Decomposition decomposition() {
        return dec;
    }

    public Model model() {
        return model;
    }

    /** Decomposed matrix names, in layer order. */
    public List<String> names() {
        return dec.names();
    }

    /** The singular values of one matrix, largest first. */
    public float[] sigma(String matrix) {
        return dec.get(matrix).sigma().clone();
    }

    /** How many singular values — and so z-vector entries — SVF learns over all matrices. */
    public long svfParameters() {
        long n = 0;
        for (String name : dec.names()) n += dec.get(name).rank();
        return n;
    }

    /** Spectra of every matrix whose name contains {@code part} (e.g. {@code "up_proj"}, {@code "layers.0."}), each divided by its largest value. */
    public XYChart chart(String part) {
        Map<String, float[]> sel = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : dec.spectra().entrySet())
            if (e.getKey().contains(part)) sel.put(shortName(e.getKey()), e.getValue());
        if (sel.isEmpty())
            throw new IllegalArgumentException("no decomposed matrix name contains '" + part + "'; names look like "
                    + dec.names().get(0));
        return Charts.spectra(model.name() + ": singular values of " + part, sel, true);
    }

    /** Spectra of every decomposed matrix. */
    public XYChart chart() {
        Map<String, float[]> all = new LinkedHashMap<>();
        dec.spectra().forEach((k, v) -> all.put(shortName(k), v));
        return Charts.spectra(
                model.name() + ": singular values (" + dec.targets().id() + ")", all, true);
    }

    /** Relative reconstruction error ‖W − UΣVᵀ‖/‖W‖ of every matrix: float32 round-off, nothing more. */
    public Renderable reconstruction() {
        List<List<?>> rows = new ArrayList<>();
        for (Map.Entry<String, Double> e :
                dec.reconstructionErrors(model.transformer().weights()).entrySet())
            rows.add(List.of(
                    shortName(e.getKey()),
                    dec.get(e.getKey()).rank(),
                    String.format(Locale.ROOT, "%.2e", e.getValue())));
        var t = Tables.of("reconstruction", List.of("matrix", "rank", "relative error"), rows);
        return () -> Mime.table(t, t.print());
    }

    /**
     * Accuracy on {@code limit} test examples of {@code task} when each decomposed matrix keeps only its largest
     * {@code keep[i]} share of singular values (the rest set to zero). The base weights are back when it returns.
     */
    public Sweep truncation(Task task, double[] keep, int limit) {
        List<Example> examples = task.examples(Split.TEST);
        examples = examples.subList(0, Math.min(limit, examples.size()));
        double[] acc = new double[keep.length];
        ExpertPool cut = ExpertPool.withoutExperts(model.transformer(), dec, Parametrization.PLAIN_SCALE);
        try (Live.Panel panel = Live.panel("truncation on " + task.name());
                Scope scope = cut.use()) {
            for (int i = 0; i < keep.length; i++) {
                if (keep[i] < 0 || keep[i] > 1)
                    throw new IllegalArgumentException("keep share must be in [0, 1], got " + keep[i]);
                Map<String, float[]> masks = new LinkedHashMap<>();
                for (String name : dec.names()) {
                    int r = dec.get(name).rank(), k = (int) Math.round(keep[i] * r);
                    float[] m = new float[r];
                    for (int j = 0; j < k; j++) m[j] = 1f;
                    masks.put(name, m);
                }
                scope.composeMasks(masks);
                acc[i] = new Evaluator(model.transformer(), model.prompter(), Model.MAX_NEW_TOKENS)
                        .evaluate(task, examples, t2j.util.Progress.NONE)
                        .accuracy();
                panel.update("share kept " + keep[i], i + 1, keep.length);
            }
        }
        return new Sweep(
                model.name() + ": " + task.name() + " accuracy when only the largest singular values are kept",
                "share of singular values kept",
                "accuracy",
                Map.of(task.name(), new double[][] {keep.clone(), acc}));
    }

    /** {@code model.layers.3.mlp.up_proj.weight} → {@code L3 up_proj}. */
    static String shortName(String name) {
        var m = Pattern.compile("model\\.layers\\.(\\d+)\\.(?:mlp|self_attn)\\.(\\w+)\\.weight")
                .matcher(name);
        return m.matches() ? "L" + m.group(1) + " " + m.group(2) : name;
    }

    @Override
    public Map<String, Object> mimeBundle() {
        return Mime.chart(chart(), toString());
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s: %d %s matrices decomposed, %,d singular values (SVF parameters)",
                model.name(),
                dec.names().size(),
                dec.targets().id(),
                svfParameters());
    }
}
