package t2j.adapt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.adapt.log.AdaptationLog;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.Parametrization;
import t2j.svf.SvfAdapter;

/**
 * Named SVF experts of one model, ready to be composed into its weights alone or as a mixture.
 *
 * <p>Every expert must fit the decomposition ({@link Expert#checkFits}): an expert trained on other base weights is
 * refused with {@link Expert.IncompatibleExpertException} unless it was made for this model by {@link Transfer}.
 * All experts must share one parametrization, since a mixture sums their z and takes that parametrization's mask.
 *
 * <pre>{@code
 * ExpertPool pool = new ExpertPool(model, dec, Map.of("math", math, "code", code));
 * try (Scope s = pool.use(Mixture.perExpert(Map.of("math", 0.5, "code", 0.5)))) {
 *     ...
 * }   // exact base weights
 * }</pre>
 *
 * <p>Weights change only inside a {@link Scope}; the pool itself has no public way to write them.
 */
public final class ExpertPool {
    private final Transformer model;
    private final Decomposition dec;
    private final Map<String, Expert> experts;
    private final Parametrization param;
    private final SvfAdapter svf;
    private final Map<String, String> fingerprints = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile AdaptationLog log;

    /** Must be built while the model holds its base weights (the decomposition's). */
    public ExpertPool(Transformer model, Decomposition dec, Map<String, Expert> experts) {
        this(model, dec, experts, null);
    }

    /**
     * A pool without experts whose scopes compose hand-made masks or z-vectors under {@code param} (truncations,
     * an expert's z applied alone).
     */
    public static ExpertPool withoutExperts(Transformer model, Decomposition dec, Parametrization param) {
        return new ExpertPool(model, dec, Map.of(), param);
    }

    private ExpertPool(Transformer model, Decomposition dec, Map<String, Expert> experts, Parametrization forced) {
        this.model = model;
        this.dec = dec;
        this.experts = Collections.synchronizedMap(new LinkedHashMap<>(experts));
        Parametrization p = null;
        for (Map.Entry<String, Expert> e : this.experts.entrySet()) {
            e.getValue().checkFits(dec);
            Parametrization ep = e.getValue().parametrization();
            if (p != null && p != ep)
                throw new IllegalArgumentException("expert '" + e.getKey() + "' uses parametrization " + ep.id()
                        + " but the others use " + p.id() + "; experts can only be mixed under one parametrization");
            p = ep;
        }
        this.param = forced != null ? forced : p == null ? Parametrization.SIGMOID_MASK : p;
        this.svf = new SvfAdapter(model, dec, param, 0);
    }

    public Transformer model() {
        return model;
    }

    public Decomposition decomposition() {
        return dec;
    }

    public Parametrization parametrization() {
        return param;
    }

    /** Expert names in the order given. */
    public List<String> names() {
        return new ArrayList<>(experts.keySet());
    }

    public boolean has(String name) {
        return experts.containsKey(name);
    }

    public Expert expert(String name) {
        Expert e = experts.get(name);
        if (e == null)
            throw new IllegalArgumentException(
                    "no expert named '" + name + "' (have " + String.join(", ", experts.keySet()) + ")");
        return e;
    }

    /** The adapted matrices, in the order per-matrix weights refer to. */
    public List<String> matrices() {
        return dec.names();
    }

    /**
     * The mixed mask of every adapted matrix, formed as the paper writes it: {@code z′ = Σ_k α_k·z_k}, then the
     * parametrization's mask of {@code z′} (the released code's one-expert path). Summing in z rather than averaging
     * masks keeps each expert's learned departure whole when two experts are mixed with α = 1 each; averaging masks
     * halves both, which is why mask-space mixtures of two skills did worse than either expert alone on the bundled
     * models. z′ is accumulated in float in the pool's expert order and terms with α = 0 are skipped, so α = 1 for
     * one expert and 0 for the rest gives that expert's mask bit for bit. Matrices where every α is 0 are left out
     * (they keep their base weights).
     */
    public Map<String, float[]> masks(Mixture mixture) {
        List<String> names = dec.names();
        for (Map.Entry<String, List<Double>> e : mixture.alpha().entrySet()) {
            expert(e.getKey());
            int n = e.getValue().size();
            if (n != 1 && n != names.size())
                throw new IllegalArgumentException("mixture gives " + n + " weights for expert '" + e.getKey()
                        + "'; expected 1 or one per adapted matrix (" + names.size() + ")");
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            float[] mix = null;
            for (Map.Entry<String, Expert> k :
                    experts.entrySet()) { // pool order, so equal mixtures give bit-identical masks
                float a = (float) mixture.alpha(k.getKey(), i);
                if (a == 0) continue;
                float[] z = k.getValue().z().get(name);
                if (mix == null) mix = new float[z.length];
                for (int j = 0; j < z.length; j++) mix[j] += a * z[j];
            }
            if (mix != null) out.put(name, param.masks(mix));
        }
        return out;
    }

    /**
     * Puts another version of an expert in the pool under the same name (a feedback update, a revert). Refused while
     * a scope is open on the model, and for an expert that does not fit or uses another parametrization.
     */
    public void replace(String name, Expert e) {
        expert(name);
        if (Scope.isOpen(model))
            throw new IllegalStateException(
                    "cannot replace expert '" + name + "' while an adaptation scope is open on the model");
        e.checkFits(dec);
        if (e.parametrization() != param)
            throw new IllegalArgumentException("expert '" + name + "' uses parametrization "
                    + e.parametrization().id() + ", the pool " + param.id());
        experts.put(name, e);
        fingerprints.remove(name);
    }

    /** Records every composition of this pool's scopes in {@code log} from now on (null: stop recording). */
    public void logTo(AdaptationLog log) {
        this.log = log;
    }

    /** The log compositions go to, or null. */
    public AdaptationLog log() {
        return log;
    }

    /**
     * SHA-256 of the expert's file (hex), which identifies exactly what was composed; for an expert that was never
     * saved, {@code z:} and the SHA-256 of its z-vectors' names and float bits.
     */
    public String fingerprint(String name) {
        Expert e = expert(name);
        return fingerprints.computeIfAbsent(name, k -> fingerprintOf(e));
    }

    /** {@link #fingerprint} of an expert outside any pool. */
    public static String fingerprintOf(Expert e) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            String src = e.info().get("source");
            if (src != null && java.nio.file.Files.isRegularFile(java.nio.file.Path.of(src))) {
                md.update(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(src)));
                return java.util.HexFormat.of().formatHex(md.digest());
            }
            for (Map.Entry<String, float[]> z : e.z().entrySet()) {
                md.update(z.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * z.getValue().length);
                for (float f : z.getValue()) b.putInt(Float.floatToRawIntBits(f));
                md.update(b.array());
            }
            return "z:" + java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException x) {
            throw new IllegalStateException(
                    "cannot fingerprint expert " + e.info().getOrDefault("source", e.task()) + ": " + x.getMessage(),
                    x);
        }
    }

    /** Opens this model's adaptation scope on the base weights (see {@link Scope}). */
    public Scope use() {
        return Scope.open(this);
    }

    /** Opens this model's adaptation scope with {@code mixture} composed. */
    public Scope use(Mixture mixture) {
        Scope s = Scope.open(this);
        try {
            s.compose(mixture);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    void writeMasks(Map<String, float[]> masks) {
        svf.applyMasks(masks);
    }

    void writeZ(Map<String, float[]> z) {
        for (String name : dec.names())
            if (!z.containsKey(name))
                throw new IllegalArgumentException("z-vectors lack '" + name + "', a decomposed matrix");
        svf.setZ(z);
        svf.apply();
    }

    void writeBase() {
        svf.restore();
    }
}
