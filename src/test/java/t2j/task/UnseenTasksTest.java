package t2j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The unseen tasks are new requests, drawn in the documented shares, that keep their family's category and verifier. */
class UnseenTasksTest {
    private static final long SEED = 42;

    private static Set<String> prompts(Task t) {
        Set<String> out = new HashSet<>();
        for (Split s : Split.values()) for (Example e : t.examples(s)) out.add(e.prompt());
        return out;
    }

    @Test
    void noUnseenRequestIsInAnyTrainingFamilySplitOrTheClassificationTask() {
        Set<String> seen = new HashSet<>();
        for (String family : List.of("math", "code", "reasoning"))
            seen.addAll(prompts(Tasks.builtin(family, SEED, SplitSizes.DEFAULT.with(Split.TRAIN, Tasks.SEEN_TRAIN))));
        seen.addAll(prompts(Tasks.builtin("classification", SEED)));
        for (String name : Tasks.UNSEEN) {
            Task t = Tasks.builtin(name, SEED);
            assertEquals(0, t.examples(Split.TRAIN).size(), name + " has no training split");
            assertEquals(300, t.examples(Split.TEST).size(), name);
            for (String p : prompts(t)) assertTrue(!seen.contains(p), name + " request was seen in training: " + p);
        }
    }

    @Test
    void theHabitIsCommonInTheUnseenTasksAndEachPartKeepsItsShape() {
        List<Example> math = Tasks.builtin("math-hard", SEED).examples(Split.TEST);
        long triggered =
                math.stream().filter(e -> PlantedHabit.triggered(e.prompt())).count();
        assertTrue(
                triggered > 0.6 * math.size() && triggered < 0.8 * math.size(),
                "math-hard triggered: " + triggered + "/" + math.size());
        // Three steps: three equations in every worked reference.
        for (Example e : math) assertEquals(3, e.reference().split("=").length - 1, e.reference());
        for (Example e : Tasks.builtin("code-hard", SEED).examples(Split.TEST))
            assertTrue(e.prompt().startsWith("Code: keep "), e.prompt());
        Task mixed = Tasks.builtin("mixed-hard", SEED);
        int ofMath = 0;
        for (Example e : mixed.examples(Split.TEST)) {
            assertTrue(PlantedHabit.triggered(e.prompt()), e.prompt());
            String cat = mixed.category(e);
            assertTrue(cat.equals("math") || cat.equals("code"), cat);
            assertEquals(cat.equals("code"), e.prompt().startsWith("Code: "), e.prompt());
            if (cat.equals("math")) ofMath++;
        }
        assertTrue(ofMath > 120 && ofMath < 180, "math share of mixed-hard: " + ofMath + "/300");
        assertEquals("mixed", mixed.category());
    }

    @Test
    void eachRequestIsVerifiedByItsFamilysVerifier() {
        for (String name : Tasks.UNSEEN) {
            Task t = Tasks.builtin(name, SEED);
            for (Example e : t.examples(Split.TEST))
                assertTrue(t.verify(e, e.reference()).correct(), name + ": " + e);
        }
        Task mixed = Tasks.builtin("mixed-hard", SEED);
        Example code = mixed.examples(Split.TEST).stream()
                .filter(e -> mixed.category(e).equals("code"))
                .findFirst()
                .orElseThrow();
        assertTrue(
                !mixed.verify(code, "#### " + code.answer()).correct(),
                "a math-style answer to a code request is wrong");
        Example foreign = Tasks.builtin("math", SEED).examples(Split.TEST).get(0);
        String m = assertThrows(IllegalArgumentException.class, () -> mixed.verify(foreign, "#### 1"))
                .getMessage();
        assertTrue(m.contains(foreign.id()) && m.contains("mixed-hard"), m);
    }

    @Test
    void sameSeedSameRequests() {
        for (String name : Tasks.UNSEEN)
            assertEquals(
                    Tasks.builtin(name, 7).examples(Split.TEST),
                    Tasks.builtin(name, 7).examples(Split.TEST),
                    name);
    }
}
