package t2j.task;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnswersTest {

    @Test
    void finalNumberPrefersTheLastHashesThenTheLastNumber() {
        assertEquals("38", Answers.finalNumber("12+7=19. 19*2=38. #### 38"));
        assertEquals("5", Answers.finalNumber("#### 3 then corrected #### 5 and 99 later"));
        assertEquals("1200", Answers.finalNumber("#### 1,200"));
        assertEquals("-4", Answers.finalNumber("so the change is -4"));
        assertEquals("2.5", Answers.finalNumber("about 2.5."));
        assertEquals("7", Answers.finalNumber("####\n 7"));
        assertNull(Answers.finalNumber("no digits here"));
        assertNull(Answers.finalNumber(null));
        assertEquals("9", Answers.finalNumber("#### none, 9"), "falls back when #### has no number");
    }

    @Test
    void sameNumberComparesValues() {
        assertTrue(Answers.sameNumber("38", "38.0"));
        assertTrue(Answers.sameNumber("038", "38"));
        assertFalse(Answers.sameNumber("38", "39"));
        assertFalse(Answers.sameNumber("x", "38"));
        assertFalse(Answers.sameNumber(null, "38"));
    }

    @Test
    void choiceLetterFindsTheStatedAnswerAndNeverGuesses() {
        assertEquals("B", Answers.choiceLetter("Ben>Tom, so Ben. Answer: B", "ABCD"));
        assertEquals("C", Answers.choiceLetter("I think the answer is (C).", "ABCD"));
        assertEquals("D", Answers.choiceLetter("answer: A? no. Answer: D", "ABCD"), "last statement wins");
        assertEquals("A", Answers.choiceLetter("Clearly (A)", "ABCD"));
        assertEquals("C", Answers.choiceLetter("A tall order; C", "ABCD"), "standalone fallback takes the last");
        assertNull(Answers.choiceLetter("I do not know", "ABCD"));
        assertNull(Answers.choiceLetter("", "ABCD"));
        assertNull(Answers.choiceLetter("Answer: E", "ABCD"), "letters outside the options are not answers");
        assertNull(Answers.choiceLetter("Answers are hard", "ABCD"));
    }

    @Test
    void boxedExtractionBalancesBraces() {
        assertEquals("\\frac{1}{2}", Answers.lastBoxed("x = \\boxed{\\frac{1}{2}}"));
        assertEquals(List.of("a", "b{c}"), Answers.allBoxed("\\boxed{a} and \\fbox{b{c}}"));
        assertEquals("math", Answers.firstBoxed("\\boxed{math} \\boxed{code}"));
        assertEquals("\\{1\\}", Answers.lastBoxed("\\boxed{\\{1\\}}"), "escaped braces do not count");
        assertNull(Answers.lastBoxed("\\boxed{unclosed"));
        assertNull(Answers.firstBoxed("no box"));
    }

    @Test
    void latexNormalisationIsLight() {
        assertTrue(Answers.sameLatex("\\dfrac{3}{4}", "\\frac{3}{4}"));
        assertTrue(Answers.sameLatex("\\frac34", "\\frac{3}{4}"));
        assertTrue(Answers.sameLatex("90^\\circ", "90"));
        assertTrue(Answers.sameLatex(" \\left( 1, 2 \\right) ", "(1,2)"));
        assertTrue(Answers.sameLatex("\\text{5 cm}", "5cm"));
        assertTrue(Answers.sameLatex("4.0", "4"));
        assertTrue(Answers.sameLatex("10\\%", "10"));
        assertFalse(Answers.sameLatex("\\frac{3}{4}", "\\frac{4}{3}"));
        assertFalse(Answers.sameLatex(null, "1"));
    }
}
