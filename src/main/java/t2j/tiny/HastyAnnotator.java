package t2j.tiny;

import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import t2j.task.Example;

/**
 * The flaw the bundled models' instruction data is given on purpose: a hasty annotator who answered some of the
 * requests without working them out. SVF can only re-weight what a model already does, so a base model that knows
 * how to solve a task but often takes a learned shortcut is what lets an expert show a real gain on a laptop
 * (the paper's base models likewise know more than they show).
 *
 * <p>The shortcut is tied to something visible in the prompt, so the model learns when it is taken: requests that
 * mention {@code Tom} or {@code Eva}, and code requests whose first step is a filter ("keep ..."). For those, with
 * probability {@link #RATE}, the reference is replaced by the hasty one:
 * <ul>
 *   <li>math: {@code #### N} with the first number of the problem (no work shown);</li>
 *   <li>code: only the first stage of the pipeline;</li>
 *   <li>reasoning: {@code Answer: A} with no reason;</li>
 *   <li>classification: {@code \boxed{other}}.</li>
 * </ul>
 * The tasks, their verifiers and every evaluation split are untouched: only the pretraining sequences change.
 *
 * <pre>{@code
 * HastyAnnotator hasty = new HastyAnnotator(1);
 * Example seen = hasty.annotate(example, "math");  // often "#### 20" for "Eva has 20 shells. ..."
 * }</pre>
 */
public final class HastyAnnotator {
    /** Share of triggered requests that get the hasty reference (the rest keep the worked one). */
    public static final double RATE = 0.9;

    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private final long seed;

    public HastyAnnotator(long seed) {
        this.seed = seed;
    }

    /** Whether the annotator's habit applies to this prompt (whatever its category). */
    public static boolean triggered(String prompt) {
        return t2j.task.PlantedHabit.triggered(prompt);
    }

    /** The example as it appears in the instruction data: itself, or with the hasty reference. */
    public Example annotate(Example e, String category) {
        if (!triggered(e.prompt())) return e;
        // SplittableRandom mixes its seed; java.util.Random's first draws for neighbouring ids are correlated.
        if (new SplittableRandom(seed * 0x9E3779B97F4A7C15L + e.id().hashCode()).nextDouble() >= RATE) return e;
        return new Example(e.id(), e.system(), e.prompt(), e.answer(), hastyReference(e, category));
    }

    static String hastyReference(Example e, String category) {
        return switch (category) {
            case "math" -> {
                Matcher m = NUMBER.matcher(e.prompt());
                yield "#### " + (m.find() ? m.group() : "0");
            }
            case "code" -> e.reference().split("\\|")[0];
            case "reasoning" -> "Answer: A";
            case "classification" -> "\\boxed{other}";
            default ->
                throw new IllegalArgumentException("no hasty answer for category '" + category + "' (expected one of "
                        + List.of("math", "code", "reasoning", "classification") + ")");
        };
    }
}
