package t2j.task;

/**
 * The verifier's judgement of one completion.
 *
 * <p>{@code reward} is what REINFORCE consumes (+1 correct, -1 otherwise, as in the paper); {@code extracted} is
 * the answer pulled out of the completion ({@code null} when none was found), kept so that evaluations can be
 * inspected; {@code reason} says why in a few words.
 *
 * <pre>{@code
 * Verdict v = task.verify(example, "3+4=7. #### 7");
 * if (!v.correct()) System.out.println(v.extracted() + ": " + v.reason());
 * }</pre>
 */
public record Verdict(boolean correct, double reward, String extracted, String reason) {

    /** A correct verdict with reward +1. */
    public static Verdict right(String extracted, String reason) {
        return new Verdict(true, 1.0, extracted, reason);
    }

    /** A wrong verdict with reward -1. */
    public static Verdict wrong(String extracted, String reason) {
        return new Verdict(false, -1.0, extracted, reason);
    }

    /** Right when {@code ok}, else wrong. */
    public static Verdict of(boolean ok, String extracted, String reason) {
        return ok ? right(extracted, reason) : wrong(extracted, reason);
    }
}
