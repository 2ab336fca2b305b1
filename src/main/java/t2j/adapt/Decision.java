package t2j.adapt;

/**
 * What the first pass decided for one request: a label (an expert's name, {@code base}, {@code other} or
 * {@code mixture}), the mixture composed for the second pass, a short human-readable reason, and how sure the
 * dispatcher is (a probability in [0, 1], or NaN when it does not say; {@link Controls} can fall back below a
 * threshold).
 *
 * <p>{@code other} (the request fits no expert category, or the classifier's answer could not be parsed) uses the
 * base weights, as the paper says (the released code kept whichever expert was loaded last).
 *
 * <pre>{@code
 * Dispatcher byKeyword = (req, ctx) -> req.prompt().contains("def ")
 *         ? Decision.expert("code", "mentions def")
 *         : Decision.base("no keyword");
 * }</pre>
 */
public record Decision(String label, Mixture mixture, String reason, double confidence) {
    public static final String BASE = "base";
    public static final String OTHER = "other";
    public static final String MIXTURE = "mixture";

    public Decision {
        if (label == null || label.isEmpty()) throw new IllegalArgumentException("a decision needs a label");
        if (mixture == null)
            throw new IllegalArgumentException("a decision needs a mixture (Mixture.BASE for the base weights)");
        reason = reason == null ? "" : reason;
        if (!Double.isNaN(confidence) && (confidence < 0 || confidence > 1))
            throw new IllegalArgumentException("a decision's confidence is a probability in [0, 1], got " + confidence);
    }

    /** A decision whose dispatcher does not say how sure it is. */
    public Decision(String label, Mixture mixture, String reason) {
        this(label, mixture, reason, Double.NaN);
    }

    /** This decision with the dispatcher's confidence attached. */
    public Decision withConfidence(double p) {
        return new Decision(label, mixture, reason, p);
    }

    /** Base weights, on purpose. */
    public static Decision base(String reason) {
        return new Decision(BASE, Mixture.BASE, reason);
    }

    /** The request fits no expert: base weights. */
    public static Decision other(String reason) {
        return new Decision(OTHER, Mixture.BASE, reason);
    }

    /** One expert, exactly as trained. */
    public static Decision expert(String name, String reason) {
        return new Decision(name, Mixture.of(name), reason);
    }

    /** An interpolation of experts. */
    public static Decision mixture(Mixture m, String reason) {
        return new Decision(m.isBase() ? BASE : MIXTURE, m, reason);
    }

    /** Whether the second pass runs on the base weights. */
    public boolean usesBase() {
        return mixture.isBase();
    }
}
