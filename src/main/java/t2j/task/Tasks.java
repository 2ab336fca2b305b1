package t2j.task;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The built-in synthetic tasks by name.
 *
 * <p>{@code math}, {@code code} and {@code reasoning} stand in for GSM8K, MBPP and ARC-Easy (experts are trained
 * on them); {@code math-hard}, {@code code-hard} and {@code reasoning-hard} stand in for the unseen MATH,
 * HumanEval and ARC-Challenge (used only for adaptation); {@code classification} trains the Cls-expert.
 *
 * <pre>{@code
 * Task t = Tasks.builtin("reasoning", 42);
 * for (String name : Tasks.builtinNames()) System.out.println(name + ": " + Tasks.builtin(name, 0).category());
 * }</pre>
 */
public final class Tasks {
    private Tasks() {}

    private static final Map<String, BiFunction<Long, SplitSizes, Task>> BUILTIN = new LinkedHashMap<>();

    static {
        BUILTIN.put("math", (seed, sizes) -> new MathTask("math", seed, sizes, MathTask.Config.BASIC));
        BUILTIN.put("code", (seed, sizes) -> new CodeTask("code", seed, sizes, CodeTask.Config.BASIC));
        BUILTIN.put("reasoning", (seed, sizes) -> new ReasoningTask("reasoning", seed, sizes, ReasoningTask.Config.BASIC));
        BUILTIN.put("math-hard", (seed, sizes) -> new MathTask("math-hard", seed, sizes, MathTask.Config.HARD));
        BUILTIN.put("code-hard", (seed, sizes) -> new CodeTask("code-hard", seed, sizes, CodeTask.Config.HARD));
        BUILTIN.put("reasoning-hard", (seed, sizes) -> new ReasoningTask("reasoning-hard", seed, sizes, ReasoningTask.Config.HARD));
        BUILTIN.put("classification", ClassificationTask::of);
    }

    /** A built-in task with {@link SplitSizes#DEFAULT} sizes. */
    public static Task builtin(String name, long seed) {
        return builtin(name, seed, SplitSizes.DEFAULT);
    }

    /** A built-in task with the given split sizes. */
    public static Task builtin(String name, long seed, SplitSizes sizes) {
        BiFunction<Long, SplitSizes, Task> make = BUILTIN.get(name);
        if (make == null)
            throw new IllegalArgumentException("unknown built-in task '" + name + "'; known: " + String.join(", ", builtinNames()));
        return make.apply(seed, sizes);
    }

    /** The built-in names, training families first. */
    public static List<String> builtinNames() {
        return List.copyOf(BUILTIN.keySet());
    }
}
