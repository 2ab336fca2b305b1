package t2j.svf;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import t2j.model.ModelWeights;

/**
 * Which weight matrices get a z-vector: a regular expression over Hugging Face names, with the presets of the paper's
 * ablation. {@link #MLP} is the default (the released code adapts only MLP matrices).
 */
public record Targets(String id, Pattern pattern) {
    /** gate_proj, up_proj and down_proj of every layer: the paper's and the released code's choice. */
    public static final Targets MLP =
            new Targets("mlp", Pattern.compile("model\\.layers\\.\\d+\\.mlp\\.(gate|up|down)_proj\\.weight"));
    /** q_proj, k_proj, v_proj and o_proj of every layer. */
    public static final Targets ATTENTION =
            new Targets("attention", Pattern.compile("model\\.layers\\.\\d+\\.self_attn\\.(q|k|v|o)_proj\\.weight"));
    /** Every linear layer inside the decoder blocks (not the embedding or LM head). */
    public static final Targets ALL_LINEAR = new Targets(
            "all-linear",
            Pattern.compile("model\\.layers\\.\\d+\\.(mlp\\.(gate|up|down)|self_attn\\.(q|k|v|o))_proj\\.weight"));

    /** A custom selection by regular expression (matched against whole names). */
    public static Targets matching(String regex) {
        return new Targets(regex, Pattern.compile(regex));
    }

    /** A preset by id ({@code mlp}, {@code attention}, {@code all-linear}), or else a regular expression. */
    public static Targets parse(String s) {
        for (Targets t : List.of(MLP, ATTENTION, ALL_LINEAR)) if (t.id.equals(s)) return t;
        return matching(s);
    }

    /** The selected names, in the model's order; an empty selection is an error that says what was tried. */
    public List<String> select(ModelWeights w) {
        List<String> out = new ArrayList<>();
        for (String n : w.names()) if (pattern.matcher(n).matches()) out.add(n);
        if (out.isEmpty())
            throw new IllegalArgumentException("targets '" + id + "' match no weight of this model (names look like "
                    + w.names().get(Math.min(2, w.names().size() - 1)) + ")");
        return out;
    }
}
