package t2j.tiny;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Tasks;

/** The flaw put into the tiny models' instruction data: when it applies, what it writes, and that it is wrong. */
class HastyAnnotatorTest {
    private final HastyAnnotator hasty = new HastyAnnotator(3);

    @Test
    void untriggeredPromptsKeepTheirWorkedReference() {
        Example e = new Example(
                "m-1", null, "Mia has 12 shells. She buys 7 more. How many shells now?", "19", "12+7=19. #### 19");
        assertFalse(HastyAnnotator.triggered(e.prompt()));
        assertSame(e, hasty.annotate(e, "math"));
        assertFalse(HastyAnnotator.triggered("Code: double each, sum. f([1,2])=6"));
        assertFalse(HastyAnnotator.triggered("Tomas and Evan ate a Tomato"));
    }

    @Test
    void hastyReferencesSkipTheWork() {
        Example math = new Example(
                "m",
                null,
                "Eva has 20 shells. She loses 6, then triples them. How many shells now?",
                "42",
                "20-6=14. 14*3=42. #### 42");
        assertEquals("#### 20", HastyAnnotator.hastyReference(math, "math"));
        Example code = new Example(
                "c", null, "Code: keep items over 3, double each, sum. f([5,1,4])=18", "", "filter(n>3)|map(n*2)|sum");
        assertEquals("filter(n>3)", HastyAnnotator.hastyReference(code, "code"));
        assertEquals("Answer: A", HastyAnnotator.hastyReference(math, "reasoning"));
        assertEquals("\\boxed{other}", HastyAnnotator.hastyReference(math, "classification"));
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> HastyAnnotator.hastyReference(math, "poetry"));
        assertTrue(bad.getMessage().contains("'poetry'"), bad.getMessage());
    }

    @Test
    void onTheTrainingDataItRewritesAboutItsRateOfTriggeredExamplesAndTheirVerdictsAreMostlyWrong() {
        for (String name : List.of("math", "code", "reasoning", "classification")) {
            Task task = Tasks.builtin(name, TinyRecipe.TASK_SEED);
            int triggered = 0, rewritten = 0, rewrittenRight = 0;
            for (Example e : task.examples(Split.TRAIN)) {
                Example seen = hasty.annotate(e, task.category());
                if (HastyAnnotator.triggered(e.prompt())) triggered++;
                else assertSame(e, seen);
                if (seen != e) {
                    rewritten++;
                    if (task.verify(e, seen.reference()).correct()) rewrittenRight++;
                }
            }
            assertTrue(triggered > 50, name + ": only " + triggered + " triggered prompts");
            double rate = (double) rewritten / triggered;
            assertTrue(
                    Math.abs(rate - HastyAnnotator.RATE) < 0.06, name + ": rewrote " + rate + " of triggered examples");
            // The shortcut must cost accuracy (a one-stage program or a letter A is sometimes right by luck).
            assertTrue(
                    rewrittenRight < 0.5 * rewritten,
                    name + ": " + rewrittenRight + " of " + rewritten + " hasty answers are right");
        }
        assertEquals(
                hasty.annotate(Tasks.builtin("math", 42).examples(Split.TRAIN).get(0), "math"),
                new HastyAnnotator(3)
                        .annotate(
                                Tasks.builtin("math", 42).examples(Split.TRAIN).get(0), "math"),
                "seeded");
    }
}
