package t2j.task;

import java.util.List;

/**
 * A task with verifiable answers: prompts split four ways, a category label, and a verifier that turns a
 * completion into a reward.
 *
 * <p>Implementations are deterministic: the same construction (seed, sizes, files) gives the same examples.
 *
 * <pre>{@code
 * Task math = Tasks.builtin("math", 1);
 * Example e = math.examples(Split.VALIDATION).get(0);
 * Verdict v = math.verify(e, e.reference());   // correct
 * }</pre>
 */
public interface Task {
    /** Short name, e.g. {@code "math"}, {@code "code-hard"}, {@code "gsm8k"}. */
    String name();

    /** The category an expert is trained for: {@code "math"}, {@code "code"}, {@code "reasoning"}, {@code "classification"}. */
    String category();

    /**
     * The category of one request: the task's own, except in tasks that mix families (whose requests keep their
     * family's). The oracle and routing accuracy use it.
     */
    default String category(Example example) {
        return category();
    }

    /** The examples of one split, in a fixed order; empty when the task has none for it. */
    List<Example> examples(Split split);

    /** Judges a model's completion of {@code example}. Never throws for bad completions: they score as wrong. */
    Verdict verify(Example example, String completion);
}
