package t2j.task;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties every built-in family must have, whatever its generator. */
class BuiltinTasksTest {

    static List<String> names() {
        return Tasks.builtinNames();
    }

    @ParameterizedTest
    @MethodSource("names")
    void referencesVerifyAsCorrect(String name) {
        Task task = Tasks.builtin(name, 3);
        int checked = 0;
        for (Split split : Split.values()) {
            List<Example> xs = task.examples(split);
            int stride = Math.max(1, xs.size() / 100);
            for (int i = 0; i < xs.size(); i += stride) {
                Example e = xs.get(i);
                Verdict v = task.verify(e, e.reference());
                assertTrue(v.correct(), () -> name + " reference rejected: " + e + " -> " + v);
                assertEquals(1.0, v.reward());
                assertNotNull(v.extracted());
                checked++;
            }
        }
        assertTrue(checked >= 150, "sampled " + checked);
    }

    @ParameterizedTest
    @MethodSource("names")
    void splitsAreDisjointSizedAndDeterministic(String name) {
        SplitSizes sizes = new SplitSizes(300, 40, 50, 10);
        Task a = Tasks.builtin(name, 11, sizes), b = Tasks.builtin(name, 11, sizes), c = Tasks.builtin(name, 12, sizes);
        Map<String, Split> seen = new HashMap<>();
        Set<String> ids = new HashSet<>();
        for (Split s : Split.values()) {
            List<Example> xs = a.examples(s);
            assertEquals(sizes.of(s), xs.size(), s.toString());
            assertEquals(xs, b.examples(s), "same seed, same examples");
            for (Example e : xs) {
                Split other = seen.put(e.prompt(), s);
                assertNull(other, () -> name + ": prompt in " + other + " and " + s + ": " + e.prompt());
                assertTrue(ids.add(e.id()), e.id());
            }
        }
        assertNotEquals(a.examples(Split.TRAIN), c.examples(Split.TRAIN), "another seed, other examples");
    }

    @Test
    void evaluationSplitsDoNotDependOnTheTrainingSize() {
        Task small = Tasks.builtin("math", 5, SplitSizes.DEFAULT.with(Split.TRAIN, 10));
        Task big = Tasks.builtin("math", 5);
        assertEquals(small.examples(Split.TEST), big.examples(Split.TEST));
        assertEquals(small.examples(Split.TRANSFER), big.examples(Split.TRANSFER));
    }

    @ParameterizedTest
    @MethodSource("names")
    void everyCharacterIsInTheAlphabet(String name) {
        Task task = Tasks.builtin(name, 8);
        for (Split s : Split.values())
            for (Example e : task.examples(s))
                for (String field : new String[] {e.system(), e.prompt(), e.answer(), e.reference()})
                    if (field != null) assertTrue(TaskAlphabet.covers(field), () -> name + ": " + field);
    }

    @Test
    void trainingFamiliesAreShortEnoughForATinyModel() {
        for (String name : List.of("math", "code", "reasoning", "classification")) {
            Task task = Tasks.builtin(name, 4);
            for (Example e : task.examples(Split.TRAIN)) {
                assertTrue(e.prompt().length() <= 120, () -> name + " prompt too long: " + e.prompt());
                assertTrue(e.reference().length() <= 80, () -> name + " reference too long: " + e.reference());
            }
        }
        assertTrue(ClassificationTask.SYSTEM.length() <= 80);
    }

    @Test
    void reasoningHardIsHarderThanReasoning() {
        assertTrue(meanReferenceLength("reasoning-hard") > meanReferenceLength("reasoning"));
        assertFalse(Tasks.UNSEEN.contains("reasoning-hard"), "beyond the tiny models, so outside the unseen set");
    }

    private static double meanReferenceLength(String name) {
        return Tasks.builtin(name, 1).examples(Split.TEST).stream()
                .mapToInt(e -> e.reference().length())
                .average()
                .orElseThrow();
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tasks.builtin("chess", 1));
        for (String n : Tasks.builtinNames()) assertTrue(e.getMessage().contains(n), e.getMessage());
        assertEquals(
                List.of(
                        "math",
                        "code",
                        "reasoning",
                        "math-hard",
                        "code-hard",
                        "mixed-hard",
                        "reasoning-hard",
                        "classification"),
                Tasks.builtinNames());
    }

    @Test
    void categoriesAndNames() {
        for (String n : Tasks.builtinNames()) {
            Task t = Tasks.builtin(n, 0, new SplitSizes(3, 3, 3, 3));
            assertEquals(n, t.name());
            assertEquals(n.equals("mixed-hard") ? "mixed" : n.replace("-hard", ""), t.category());
        }
    }

    @Test
    void tooManyExamplesForTheGeneratorFailClearly() {
        MathTask tiny =
                new MathTask("tiny", 1, new SplitSizes(5000, 0, 0, 0), new MathTask.Config(1, 1, 2, 1, 2, false, 3));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tiny.examples(Split.TRAIN));
        assertTrue(e.getMessage().contains("distinct prompts"), e.getMessage());
    }
}
