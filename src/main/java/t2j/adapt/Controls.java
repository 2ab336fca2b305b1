package t2j.adapt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the user allows adaptation to do, per session or per request: pin an expert (or the base weights), forbid
 * experts, cap the strength, restrict the adapted matrices to some layers or kinds, and fall back when pass 1 is
 * unsure. {@link #NONE} changes nothing, bit for bit.
 *
 * <p>Strength {@code s} interpolates every mask toward 1: {@code m′ = 1 + s·(m − 1)}. A constant mask of 1 is the
 * base weights under both parametrizations, so {@code s = 0} is the base model and {@code s = 1} the expert as
 * composed.
 *
 * <pre>{@code
 * Controls c = Controls.NONE.forbid("code").strength(0.5).layers(0, 1).fallback(0.6, "base");
 * new TwoPass(ctx, dispatcher).withControls(c).answerAll(requests, progress);
 * }</pre>
 *
 * @param pin           expert name or {@code base} every request gets, or null
 * @param forbid        experts never composed
 * @param strength      in [0, 1]
 * @param layers        layer indices adapted, or null for all
 * @param kinds         matrix kinds adapted ({@code gate_proj}, {@code up_proj}, ...), or null for all
 * @param minConfidence pass 1's decision is replaced by {@code fallback} below this confidence; 0 turns it off
 * @param fallback      expert name or {@code base}
 */
public record Controls(
        String pin,
        Set<String> forbid,
        double strength,
        Set<Integer> layers,
        Set<String> kinds,
        double minConfidence,
        String fallback) {
    public static final Controls NONE = new Controls(null, Set.of(), 1, null, null, 0, Decision.BASE);

    private static final Pattern MATRIX = Pattern.compile(".*layers\\.(\\d+)\\..*?(\\w+)\\.weight");

    public Controls {
        forbid = Collections.unmodifiableSet(new TreeSet<>(forbid == null ? Set.of() : forbid));
        if (!(strength >= 0 && strength <= 1))
            throw new IllegalArgumentException(
                    "strength must be in [0, 1] (0: base weights, 1: as composed), got " + strength);
        if (!(minConfidence >= 0 && minConfidence <= 1))
            throw new IllegalArgumentException("the confidence threshold must be in [0, 1], got " + minConfidence);
        layers = layers == null ? null : Collections.unmodifiableSet(new TreeSet<>(layers));
        kinds = kinds == null ? null : Collections.unmodifiableSet(new TreeSet<>(kinds));
        fallback = fallback == null ? Decision.BASE : fallback;
        if (pin != null && forbid.contains(pin))
            throw new IllegalArgumentException("expert '" + pin + "' is both pinned and forbidden");
        if (forbid.contains(fallback))
            throw new IllegalArgumentException("the fallback expert '" + fallback + "' is forbidden");
    }

    public Controls pin(String expertOrBase) {
        return new Controls(expertOrBase, forbid, strength, layers, kinds, minConfidence, fallback);
    }

    public Controls forbid(String... experts) {
        Set<String> f = new TreeSet<>(forbid);
        f.addAll(List.of(experts));
        return new Controls(pin, f, strength, layers, kinds, minConfidence, fallback);
    }

    public Controls strength(double s) {
        return new Controls(pin, forbid, s, layers, kinds, minConfidence, fallback);
    }

    public Controls layers(Integer... indices) {
        return new Controls(pin, forbid, strength, Set.of(indices), kinds, minConfidence, fallback);
    }

    public Controls kinds(String... matrixKinds) {
        return new Controls(pin, forbid, strength, layers, Set.of(matrixKinds), minConfidence, fallback);
    }

    /** Below {@code threshold} confidence, pass 1's decision is replaced by {@code expertOrBase}. */
    public Controls fallback(double threshold, String expertOrBase) {
        return new Controls(pin, forbid, strength, layers, kinds, threshold, expertOrBase);
    }

    /** Whether these controls change nothing. */
    public boolean isNone() {
        return equals(NONE);
    }

    /** Checks that every expert these controls name exists in the pool. */
    public void checkAgainst(ExpertPool pool) {
        List<String> named = new ArrayList<>(forbid);
        if (pin != null && !pin.equals(Decision.BASE)) named.add(pin);
        if (minConfidence > 0 && !fallback.equals(Decision.BASE)) named.add(fallback);
        for (String n : named) pool.expert(n);
    }

    /**
     * The decision these controls turn pass 1's into: pinned, or the fallback when pass 1 is unsure, with forbidden
     * experts removed. The reason says what changed and what pass 1 had said.
     */
    public Decision decide(Decision d) {
        if (pin != null)
            return choose(pin, "pinned by the user (pass 1: " + d.label() + ", " + d.reason() + ")", d.confidence());
        if (minConfidence > 0) {
            if (Double.isNaN(d.confidence()))
                throw new IllegalStateException("a confidence threshold needs a dispatcher that reports its "
                        + "confidence; decision '" + d.label() + "' (" + d.reason()
                        + ") has none (PromptDispatcher.withConfidence() gives one)");
            if (d.confidence() < minConfidence)
                return choose(
                        fallback,
                        String.format(
                                Locale.ROOT,
                                "pass 1 unsure (confidence %.2f < %.2f, it said %s): fallback",
                                d.confidence(),
                                minConfidence,
                                d.label()),
                        d.confidence());
        }
        Mixture allowed = allowed(d.mixture());
        if (allowed.equals(d.mixture())) return d;
        String why = d.reason() + "; forbidden by the user: " + String.join(", ", forbidden(d.mixture()));
        return allowed.isBase()
                ? new Decision(Decision.BASE, Mixture.BASE, why, d.confidence())
                : new Decision(d.label(), allowed, why, d.confidence());
    }

    private Decision choose(String expertOrBase, String reason, double confidence) {
        Mixture m = expertOrBase.equals(Decision.BASE) ? Mixture.BASE : Mixture.of(expertOrBase);
        return new Decision(expertOrBase, m, reason, confidence);
    }

    /** {@code m} without its forbidden experts (which may leave the base weights). */
    public Mixture allowed(Mixture m) {
        if (forbid.isEmpty()) return m;
        Map<String, List<Double>> kept = new LinkedHashMap<>();
        m.alpha().forEach((k, v) -> {
            if (!forbid.contains(k)) kept.put(k, v);
        });
        return kept.size() == m.alpha().size() ? m : new Mixture(kept);
    }

    private List<String> forbidden(Mixture m) {
        List<String> out = new ArrayList<>();
        for (String k : m.alpha().keySet()) if (forbid.contains(k)) out.add(k);
        return out;
    }

    /** Whether a decomposed matrix is in the adapted scope (names without a layer index count as layer -1). */
    public boolean inScope(String matrix) {
        if (layers == null && kinds == null) return true;
        Matcher mm = MATRIX.matcher(matrix);
        int layer = mm.matches() ? Integer.parseInt(mm.group(1)) : -1;
        String kind = mm.matches() ? mm.group(2) : matrix;
        return (layers == null || layers.contains(layer)) && (kinds == null || kinds.contains(kind));
    }

    /**
     * The masks to compose: matrices outside the scope dropped (they keep their base weights), the rest pulled
     * toward 1 by the strength. The same map when nothing is restricted or capped.
     */
    public Map<String, float[]> shape(Map<String, float[]> masks) {
        if (strength == 1 && layers == null && kinds == null) return masks;
        Map<String, float[]> out = new LinkedHashMap<>();
        float s = (float) strength;
        for (Map.Entry<String, float[]> e : masks.entrySet()) {
            if (!inScope(e.getKey())) continue;
            float[] m = e.getValue();
            if (strength == 1) {
                out.put(e.getKey(), m);
                continue;
            }
            float[] c = new float[m.length];
            for (int i = 0; i < m.length; i++) c[i] = 1f + s * (m[i] - 1f);
            out.put(e.getKey(), c);
        }
        return out;
    }

    /** The controls as a JSON object (what the log records; {@link #fromJson} reads it back). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pin", pin);
        m.put("forbid", new ArrayList<>(forbid));
        m.put("strength", strength);
        m.put("layers", layers == null ? null : new ArrayList<>(layers));
        m.put("kinds", kinds == null ? null : new ArrayList<>(kinds));
        m.put("min_confidence", minConfidence);
        m.put("fallback", fallback);
        return m;
    }

    /** Reads {@link #toJson}; {@code where} names the source in errors. */
    public static Controls fromJson(Map<String, Object> m, String where) {
        if (m == null) return NONE;
        try {
            Set<Integer> layers = null;
            if (m.get("layers") != null) {
                layers = new TreeSet<>();
                for (Object o : (Collection<?>) m.get("layers")) layers.add(((Number) o).intValue());
            }
            Set<String> kinds = m.get("kinds") == null ? null : new TreeSet<>(strings(m.get("kinds")));
            return new Controls(
                    (String) m.get("pin"),
                    new TreeSet<>(strings(m.get("forbid"))),
                    ((Number) m.get("strength")).doubleValue(),
                    layers,
                    kinds,
                    ((Number) m.get("min_confidence")).doubleValue(),
                    (String) m.get("fallback"));
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException(where + ": controls are malformed (" + e.getMessage() + "): " + m, e);
        }
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o != null) for (Object x : (Collection<?>) o) out.add((String) x);
        return out;
    }

    /** {@code none}, or e.g. {@code forbid code; strength 0.50; layers [0, 1]; below 0.60 → base}. */
    @Override
    public String toString() {
        if (isNone()) return "none";
        List<String> p = new ArrayList<>();
        if (pin != null) p.add("pin " + pin);
        if (!forbid.isEmpty()) p.add("forbid " + String.join(", ", forbid));
        if (strength != 1) p.add(String.format(Locale.ROOT, "strength %.2f", strength));
        if (layers != null) p.add("layers " + layers);
        if (kinds != null) p.add("kinds " + kinds);
        if (minConfidence > 0) p.add(String.format(Locale.ROOT, "below %.2f → %s", minConfidence, fallback));
        return String.join("; ", p);
    }
}
