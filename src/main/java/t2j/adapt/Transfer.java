package t2j.adapt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.util.Seeds;

/**
 * Cross-model transfer: an expert trained on one model made usable on another (tiny-llama → tiny-mistral,
 * Llama-3-8B → Mistral-7B). Matrix names and z lengths are checked; what to do with a mismatch is an explicit
 * policy. The result is an {@link Expert} bound to the target's weights, recording where it came from.
 *
 * <pre>{@code
 * Expert onMistral = Transfer.apply(llamaMath, mistralDecomposition, "mistral", Transfer.Policy.AS_IS, 0);
 * Expert control   = Transfer.apply(llamaMath, mistralDecomposition, "mistral", Transfer.Policy.SHUFFLED, 7);
 * }</pre>
 */
public final class Transfer {
    private Transfer() {}

    /** What to do with each z-vector. */
    public enum Policy {
        /** Use the z-vectors unchanged; every length must equal the target matrix's rank. */
        AS_IS,
        /** The paper's control: each z-vector's entries in a seeded random order; lengths must match. */
        SHUFFLED,
        /** Cut z-vectors that are too long, pad short ones with their own mean (a neutral value relative to the rest). */
        TRUNCATE_PAD;

        /** {@code as-is}, {@code shuffled}, {@code truncate-pad}. */
        public String id() {
            return name().toLowerCase().replace('_', '-');
        }

        public static Policy parse(String s) {
            for (Policy p : values()) if (p.id().equals(s) || p.name().equalsIgnoreCase(s)) return p;
            throw new IllegalArgumentException(
                    "unknown transfer policy '" + s + "' (expected as-is, shuffled or truncate-pad)");
        }
    }

    /** Raised when an expert cannot be transferred under the chosen policy; the message lists every mismatch. */
    public static final class IncompatibleShapesException extends IllegalArgumentException {
        public IncompatibleShapesException(String m) {
            super(m);
        }
    }

    /** The mismatches between an expert and a target decomposition (empty when they fit as they are). */
    public static List<String> mismatches(Expert source, Decomposition target) {
        List<String> out = new ArrayList<>();
        for (String name : target.names()) {
            float[] z = source.z().get(name);
            if (z == null) out.add("no z-vector for target matrix '" + name + "'");
            else if (z.length != target.get(name).rank())
                out.add("'" + name + "': z-vector length " + z.length + ", target rank "
                        + target.get(name).rank());
        }
        for (String name : source.z().keySet())
            if (!target.names().contains(name))
                out.add("'" + name + "' is adapted by the expert but not decomposed in the target");
        return out;
    }

    /**
     * Makes {@code source} an expert of the target model.
     *
     * @param targetModelType recorded as the new expert's {@code model_type}
     * @param seed            for {@link Policy#SHUFFLED}
     * @throws IncompatibleShapesException when names differ, or lengths differ under AS_IS or SHUFFLED
     */
    public static Expert apply(Expert source, Decomposition target, String targetModelType, Policy policy, long seed) {
        String where = source.info().getOrDefault("source", "expert '" + source.task() + "'");
        List<String> problems = mismatches(source, target);
        List<String> fatal = new ArrayList<>();
        for (String p : problems) if (policy != Policy.TRUNCATE_PAD || !p.contains("length")) fatal.add(p);
        if (!fatal.isEmpty()) {
            boolean onlyLengths = fatal.stream().allMatch(p -> p.contains("length"));
            throw new IncompatibleShapesException("cannot transfer " + where + " ("
                    + source.info().getOrDefault("model_type", "?") + ") to the "
                    + targetModelType + " model as " + policy.id() + ": " + fatal.size() + " mismatch"
                    + (fatal.size() == 1 ? "" : "es") + ": "
                    + String.join("; ", fatal.subList(0, Math.min(5, fatal.size()))) + (fatal.size() > 5 ? "; ..." : "")
                    + (onlyLengths
                            ? ". Use policy truncate-pad to cut or pad the z-vectors."
                            : ". The models adapt different matrices."));
        }
        Map<String, float[]> z = new LinkedHashMap<>();
        for (String name : target.names()) {
            float[] v = source.z().get(name);
            int r = target.get(name).rank();
            float[] out;
            switch (policy) {
                case SHUFFLED -> {
                    out = v.clone();
                    SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, "transfer-shuffle:" + name, 0));
                    for (int i = out.length - 1; i > 0; i--) {
                        int j = rnd.nextInt(i + 1);
                        float t = out[i];
                        out[i] = out[j];
                        out[j] = t;
                    }
                }
                case TRUNCATE_PAD -> {
                    out = new float[r];
                    double mean = 0;
                    for (float x : v) mean += x;
                    mean /= Math.max(1, v.length);
                    for (int i = 0; i < r; i++) out[i] = i < v.length ? v[i] : (float) mean;
                }
                default -> out = v.clone();
            }
            z.put(name, out);
        }
        Map<String, String> info = new LinkedHashMap<>(source.info());
        info.remove("source");
        info.put("base_fingerprint", target.fingerprint());
        info.put("model_type", targetModelType);
        info.put("transfer_policy", policy.id());
        if (policy == Policy.SHUFFLED) info.put("transfer_seed", Long.toString(seed));
        info.put("transferred_from_fingerprint", String.valueOf(source.baseFingerprint()));
        info.put("transferred_from_model_type", source.info().getOrDefault("model_type", "?"));
        info.put("transferred_from", where);
        return new Expert(z, info);
    }
}
