package t2j.adapter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.model.ModelWeights;

/** A copy of some of a model's weights, taken before an adapter changes them, to put them back exactly. */
public final class WeightSnapshot {
    private final ModelWeights weights;
    private final Map<String, float[]> saved = new LinkedHashMap<>();

    public WeightSnapshot(ModelWeights weights, List<String> names) {
        this.weights = weights;
        for (String n : names) saved.put(n, weights.matrix(n).toArray());
    }

    /** Writes the saved values back. */
    public void restore() {
        saved.forEach((name, w) -> weights.matrix(name).copyFrom(w));
    }

    /** The saved (base) values of one weight. */
    public float[] get(String name) {
        return saved.get(name);
    }
}
