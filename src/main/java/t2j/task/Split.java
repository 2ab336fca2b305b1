package t2j.task;

/**
 * The four disjoint parts of a task's examples.
 *
 * <p>{@code TRANSFER} holds a few examples kept apart from every other split so few-shot adaptation (CEM over
 * expert weights) can be tuned on them without touching what it is later scored on.
 *
 * <pre>{@code
 * List<Example> shots = Tasks.builtin("math-hard", 7).examples(Split.TRANSFER);
 * }</pre>
 */
public enum Split {
    TRAIN,
    VALIDATION,
    TEST,
    TRANSFER
}
