package t2j.task;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The built-in synthetic tasks by name.
 *
 * <p>{@code math}, {@code code} and {@code reasoning} stand in for GSM8K, MBPP and ARC-Easy (experts are trained
 * on them); {@code classification} trains the Cls-expert. The unseen tasks ({@link #UNSEEN}) stand in for MATH,
 * HumanEval and a benchmark that needs two skills; they are designed for the bundled models, whose planted habit
 * ({@link PlantedHabit}) hides skills the experts win back, and the habit is common in them:
 * <ul>
 *   <li>{@code math-hard}: three-step word problems (the longest the training family has), 70 % of them about Tom or Eva
 *       (about a fifth of the training family's are);</li>
 *   <li>{@code code-hard}: list programs whose first step is a filter (all of them);</li>
 *   <li>{@code mixed-hard}: half math problems about Tom or Eva, half filter-first programs, so no single expert
 *       covers it.</li>
 * </ul>
 * {@code reasoning-hard} (four-person orderings, two-step rules, number properties) is beyond both tiny models
 * (chance level) and is kept outside the unseen set.
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
        BUILTIN.put(
                "reasoning", (seed, sizes) -> new ReasoningTask("reasoning", seed, sizes, ReasoningTask.Config.BASIC));
        BUILTIN.put(
                "math-hard",
                (seed, sizes) -> new BlendedTask(
                        "math-hard",
                        seed,
                        sizes,
                        List.of(
                                new BlendedTask.Part(threeStepMath(seed), 0.7, PlantedHabit::triggered),
                                new BlendedTask.Part(threeStepMath(seed), 0.3, p -> !PlantedHabit.triggered(p))),
                        () -> seen("math", seed)));
        BUILTIN.put(
                "code-hard",
                (seed, sizes) -> new BlendedTask(
                        "code-hard",
                        seed,
                        sizes,
                        List.of(new BlendedTask.Part(basicCode(seed), 1, PlantedHabit::triggered)),
                        () -> seen("code", seed)));
        BUILTIN.put(
                "mixed-hard",
                (seed, sizes) -> new BlendedTask(
                        "mixed-hard",
                        seed,
                        sizes,
                        List.of(
                                new BlendedTask.Part(
                                        new MathTask("math", seed, SplitSizes.DEFAULT, MathTask.Config.BASIC),
                                        0.5,
                                        PlantedHabit::triggered),
                                new BlendedTask.Part(basicCode(seed), 0.5, PlantedHabit::triggered)),
                        () -> union(seen("math", seed), seen("code", seed))));
        BUILTIN.put(
                "reasoning-hard",
                (seed, sizes) -> new ReasoningTask("reasoning-hard", seed, sizes, ReasoningTask.Config.HARD));
        BUILTIN.put("classification", ClassificationTask::of);
    }

    /**
     * The unseen tasks the adaptation study runs by default: no expert trains on them, and none of their prompts is
     * in any split of a training family (pretraining's largest train split included).
     */
    public static final List<String> UNSEEN = List.of("math-hard", "code-hard", "mixed-hard");

    /** The largest train split the bundled recipe draws from a training family (its {@code --per-task} default). */
    public static final int SEEN_TRAIN = 20000;

    /** Unseen tasks hold no training data: validation 100, test 300 (for paired tests with power), 20 transfer shots. */
    public static final SplitSizes UNSEEN_SIZES = new SplitSizes(0, 100, 300, 20);

    /** A built-in task with its default sizes ({@link SplitSizes#DEFAULT}, {@link #UNSEEN_SIZES} for the unseen tasks). */
    public static Task builtin(String name, long seed) {
        return builtin(name, seed, UNSEEN.contains(name) ? UNSEEN_SIZES : SplitSizes.DEFAULT);
    }

    /** A built-in task with the given split sizes. */
    public static Task builtin(String name, long seed, SplitSizes sizes) {
        BiFunction<Long, SplitSizes, Task> make = BUILTIN.get(name);
        if (make == null)
            throw new IllegalArgumentException(
                    "unknown built-in task '" + name + "'; known: " + String.join(", ", builtinNames()));
        return make.apply(seed, sizes);
    }

    private static MathTask threeStepMath(long seed) {
        return new MathTask("math", seed, SplitSizes.DEFAULT, new MathTask.Config(3, 3, 20, 9, 3, false, 99));
    }

    private static CodeTask basicCode(long seed) {
        return new CodeTask("code", seed, SplitSizes.DEFAULT, CodeTask.Config.BASIC);
    }

    private static final Map<String, Set<String>> SEEN = new ConcurrentHashMap<>();

    /** Every prompt of a training family's splits at the recipe's sizes: what pretraining and the experts could have seen. */
    static Set<String> seen(String family, long seed) {
        return SEEN.computeIfAbsent(family + "@" + seed, k -> {
            Task t = builtin(family, seed, SplitSizes.DEFAULT.with(Split.TRAIN, SEEN_TRAIN));
            Set<String> out = new HashSet<>();
            for (Split s : Split.values()) for (Example e : t.examples(s)) out.add(e.prompt());
            return Collections.unmodifiableSet(out);
        });
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * Names in the built-in order (math, code, reasoning, ...), unknown ones after them in their given order: the one
     * order dispatch categories are listed in, so prompts, α vectors and the wrong router's permutation do not depend
     * on how expert files happen to be listed.
     */
    public static List<String> inBuiltinOrder(java.util.Collection<String> names) {
        List<String> known = builtinNames(), out = new java.util.ArrayList<>(names);
        out.sort(java.util.Comparator.comparingInt(n -> known.contains(n) ? known.indexOf(n) : known.size()));
        return out;
    }

    /** The built-in names, training families first. */
    public static List<String> builtinNames() {
        return List.copyOf(BUILTIN.keySet());
    }
}
