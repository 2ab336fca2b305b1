package t2j.task;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each synthetic verifier accepts right answers in the expected and in looser forms, and rejects the rest. */
class SyntheticVerifiersTest {
    private static final SplitSizes SMALL = new SplitSizes(20, 5, 5, 2);

    private static void right(Task t, Example e, String completion) {
        Verdict v = t.verify(e, completion);
        assertTrue(v.correct(), () -> completion + " -> " + v);
        assertEquals(1.0, v.reward());
    }

    private static Verdict wrong(Task t, Example e, String completion) {
        Verdict v = t.verify(e, completion);
        assertFalse(v.correct(), () -> completion + " -> " + v);
        assertEquals(-1.0, v.reward());
        assertNotNull(v.reason());
        return v;
    }

    @Test
    void math() {
        Task t = Tasks.builtin("math", 1, SMALL);
        Example e = t.examples(Split.TEST).get(0);
        long gold = Long.parseLong(e.answer());
        right(t, e, e.reference());
        right(t, e, "#### " + gold);
        right(t, e, "the answer is " + gold + ".");
        right(t, e, "1+1=2. #### " + gold + ".0");
        right(t, e, "#### 999 no wait #### " + gold);
        wrong(t, e, "#### " + (gold + 1));
        wrong(t, e, "#### " + gold + " or maybe " + (gold + 1) + "? #### " + (gold + 1));
        assertNull(wrong(t, e, "I cannot solve this").extracted());
        wrong(t, e, "");
        wrong(t, e, "#### -" + gold + (gold == 0 ? "1" : ""));
    }

    @Test
    void reasoning() {
        Task t = Tasks.builtin("reasoning", 1, SMALL);
        Example e = t.examples(Split.TEST).get(0);
        String gold = e.answer();
        String other = gold.equals("A") ? "B" : "A";
        right(t, e, e.reference());
        right(t, e, "Answer: " + gold);
        right(t, e, "The answer is (" + gold + ")");
        wrong(t, e, "Answer: " + other);
        assertNull(wrong(t, e, "no idea").extracted(), "no letter: wrong, not a random guess");
        wrong(t, e, "");
        wrong(t, e, "Answer: " + gold + " ... on reflection, Answer: " + other);
        wrong(t, e, "Answer: Z");
    }

    @Test
    void classification() {
        Task t = Tasks.builtin("classification", 1, SMALL);
        List<Example> xs = t.examples(Split.TRAIN);
        assertEquals(
                List.of("math", "code", "reasoning"),
                xs.subList(0, 3).stream().map(Example::answer).toList());
        Example e = xs.get(0);
        assertEquals(ClassificationTask.SYSTEM, e.system());
        right(t, e, "\\boxed{math}");
        right(t, e, "It is arithmetic: \\boxed{math} (not \\boxed{code})");
        wrong(t, e, "\\boxed{code}");
        wrong(t, e, "\\boxed{Math}");
        wrong(t, e, "\\boxed{ math}");
        wrong(t, e, "math");
        wrong(t, e, "\\boxed{code} then \\boxed{math}");
        wrong(t, e, "\\boxed{math");
    }

    @Test
    void classificationPromptsComeFromTheSameSplitOfEachFamily() {
        Task cls = Tasks.builtin("classification", 6);
        for (Split s : Split.values()) {
            List<String> familyPrompts = new java.util.ArrayList<>();
            for (String f : List.of("math", "code", "reasoning"))
                Tasks.builtin(f, 6).examples(s).forEach(x -> familyPrompts.add(x.prompt()));
            for (Example e : cls.examples(s)) assertTrue(familyPrompts.contains(e.prompt()), s + ": " + e.prompt());
        }
    }

    @Test
    void code() {
        Task t = Tasks.builtin("code", 1, SMALL);
        Example e = t.examples(Split.TEST).get(0);
        right(t, e, e.reference());
        right(t, e, "```\n" + e.reference() + "\n```");
        right(t, e, "  " + e.reference().replace("|", " | ") + "\nexplanation follows");
        assertTrue(wrong(t, e, "map(n+").reason().startsWith("syntax error"));
        assertNull(wrong(t, e, "   \n  ").extracted());
        wrong(t, e, "len|range|len|range|len|range|sum|map(n)");
    }

    @Test
    void codeAcceptsEquivalentProgramsAndRejectsNearMisses() {
        CodeTask t = new CodeTask("code", 1, SMALL, CodeTask.Config.BASIC);
        Example e = new Example(
                "x",
                null,
                "Code: keep items over 3, double each, sum. f([5,1,4])=18",
                "filter(n>3)|map(n*2)|sum",
                "filter(n>3)|map(n*2)|sum");
        right(t, e, "map(n*2)|filter(n>6)|sum");
        right(t, e, "filter(n>=4)|map(n+n)|sum");
        wrong(t, e, "filter(n>3)|sum|map(n*2)"); // type error: a runtime failure
        assertTrue(wrong(t, e, "filter(n>2)|map(n*2)|sum").reason().contains("expected"));
        wrong(t, e, "map(n*2)|sum");
    }

    @Test
    void codeRunawayProgramsAreStoppedAndScoredWrong() {
        CodeTask t = new CodeTask("code", 1, SMALL, CodeTask.Config.BASIC);
        Example e = new Example("x", null, "Code: sum. f([1,2])=3", "sum", "sum");
        long start = System.nanoTime();
        Verdict loop = wrong(t, e, "sum|while(n>=0, n+1)");
        assertTrue(loop.reason().contains("step limit"), loop.reason());
        Verdict alloc = wrong(t, e, "map(n*100000)|sum|range|sum");
        assertTrue(alloc.reason().contains("stopped"), alloc.reason());
        Verdict deep = wrong(t, e, "map(" + "(".repeat(1000) + "n" + ")".repeat(1000) + ")|sum");
        assertTrue(deep.reason().startsWith("syntax error"), deep.reason());
        assertTrue((System.nanoTime() - start) / 1e9 < 5, "limits stop runaway programs quickly");
    }
}
