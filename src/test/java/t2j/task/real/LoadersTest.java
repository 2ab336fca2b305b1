package t2j.task.real;

import static org.junit.jupiter.api.Assertions.*;

import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Verdict;

/** The real-format loaders on small fixtures written in the datasets' formats (no real data is shipped). */
class LoadersTest {

    static Path fixture(String name) {
        try {
            return Path.of(LoadersTest.class.getResource("/t2j/task/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void gsm8kParsesAndVerifies() {
        Gsm8kTask t = Gsm8kTask.load(Map.of(Split.TEST, fixture("gsm8k.jsonl")), LoadOptions.DEFAULT);
        List<Example> xs = t.examples(Split.TEST);
        assertEquals(3, xs.size());
        assertEquals(List.of(), t.examples(Split.TRAIN));
        Example natalia = xs.get(0);
        assertEquals("72", natalia.answer());
        assertFalse(natalia.reference().contains("<<"), "calculator annotations are stripped");
        assertEquals("1200", xs.get(1).answer(), "thousands separators removed");
        for (Example e : xs) assertTrue(t.verify(e, e.reference()).correct(), e.reference());
        assertTrue(t.verify(xs.get(1), "600 pens at 2 dollars: #### 1,200").correct());
        assertTrue(t.verify(natalia, "So 72 clips.").correct(), "falls back to the last number");
        assertFalse(t.verify(natalia, "#### 71").correct());
        assertFalse(t.verify(natalia, "no idea").correct());
        assertEquals("gsm8k", t.name());
        assertEquals("math", t.category());
    }

    @Test
    void malformedLinesNameFileAndLine() {
        Path bad = fixture("gsm8k-malformed.jsonl");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> Gsm8kTask.load(Map.of(Split.TEST, bad), LoadOptions.DEFAULT));
        assertTrue(e.getMessage().startsWith(bad + ":3"), e.getMessage());

        Gsm8kTask skipping = Gsm8kTask.load(Map.of(Split.TEST, bad), LoadOptions.DEFAULT.skippingMalformed());
        assertEquals(2, skipping.examples(Split.TEST).size());
        assertEquals(2, skipping.skipped());
        assertTrue(
                skipping.problems().get(0).startsWith(bad + ":3"),
                skipping.problems().toString());
        assertTrue(
                skipping.problems().get(1).startsWith(bad + ":4: missing field 'answer'"),
                skipping.problems().toString());
    }

    @Test
    void malformedJsonFileIsNamedWithItsLine() {
        Path bad = fixture("math-malformed.json");
        MalformedDataException e = assertThrows(
                MalformedDataException.class,
                () -> CompetitionMathTask.load(Map.of(Split.TEST, bad), LoadOptions.DEFAULT));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("line 4"), e.getMessage());
    }

    @Test
    void transferShotsAreCarvedFromTestDeterministically() {
        LoadOptions opts = LoadOptions.DEFAULT.withTransfer(1, 38);
        Gsm8kTask a = Gsm8kTask.load(Map.of(Split.TEST, fixture("gsm8k.jsonl")), opts);
        Gsm8kTask b = Gsm8kTask.load(Map.of(Split.TEST, fixture("gsm8k.jsonl")), opts);
        assertEquals(1, a.examples(Split.TRANSFER).size());
        assertEquals(2, a.examples(Split.TEST).size());
        assertFalse(a.examples(Split.TEST).contains(a.examples(Split.TRANSFER).get(0)));
        assertEquals(a.examples(Split.TRANSFER), b.examples(Split.TRANSFER));
        assertThrows(
                IllegalArgumentException.class,
                () -> Gsm8kTask.load(
                        Map.of(Split.TEST, fixture("gsm8k.jsonl")), LoadOptions.DEFAULT.withTransfer(9, 1)));
    }

    @Test
    void arcParsesLettersAndNumericLabels() {
        ArcTask t = ArcTask.load("arc-easy", Map.of(Split.TEST, fixture("arc.jsonl")), LoadOptions.DEFAULT);
        List<Example> xs = t.examples(Split.TEST);
        assertEquals(3, xs.size());
        assertEquals("Mercury_7175875", xs.get(0).id());
        assertEquals("C", xs.get(0).answer());
        assertTrue(
                xs.get(0).prompt().contains("\nC) Planetary days will become shorter."),
                xs.get(0).prompt());
        assertEquals("C", xs.get(1).answer(), "label 3 becomes C");
        assertTrue(xs.get(1).prompt().contains("\nA) a plastic spoon"));
        assertTrue(xs.get(2).prompt().contains("\nE) newt"));
        for (Example e : xs) assertTrue(t.verify(e, e.reference()).correct());
        assertTrue(t.verify(xs.get(0), "Faster rotation means shorter days. The answer is (C).")
                .correct());
        assertFalse(t.verify(xs.get(0), "Answer: B").correct());
        Verdict none = t.verify(xs.get(0), "I am not sure.");
        assertFalse(none.correct());
        assertNull(none.extracted(), "no letter is wrong, never a guess");
    }

    @Test
    void competitionMathReadsDirectoriesArraysAndBoxedAnswers() {
        CompetitionMathTask dir = CompetitionMathTask.load(Map.of(Split.TEST, fixture("math")), LoadOptions.DEFAULT);
        List<Example> xs = dir.examples(Split.TEST);
        assertEquals(3, xs.size());
        assertEquals("\\frac{3}{4}", xs.get(0).answer());
        assertTrue(xs.get(0).id().endsWith("|Level 1|Prealgebra"), xs.get(0).id());
        assertEquals("90^\\circ", xs.get(2).answer());
        for (Example e : xs) assertTrue(dir.verify(e, e.reference()).correct());
        assertTrue(dir.verify(xs.get(0), "so \\boxed{\\dfrac34}.").correct());
        assertTrue(dir.verify(xs.get(2), "\\boxed{90}").correct());
        assertFalse(dir.verify(xs.get(0), "\\boxed{\\frac{4}{3}}").correct());
        assertFalse(dir.verify(xs.get(0), "3/4").correct(), "an unboxed answer does not count");

        CompetitionMathTask array =
                CompetitionMathTask.load(Map.of(Split.TRAIN, fixture("math-array.json")), LoadOptions.DEFAULT);
        assertEquals("\\{-1, 1\\}", array.examples(Split.TRAIN).get(0).answer(), "balanced braces, escaped ones kept");
        assertTrue(array.verify(array.examples(Split.TRAIN).get(0), "\\boxed{\\{-1,1\\}}")
                .correct());
    }

    @Test
    void mbppParses() {
        MbppTask t = MbppTask.load(Map.of(Split.TEST, fixture("mbpp.jsonl")), LoadOptions.DEFAULT);
        List<Example> xs = t.examples(Split.TEST);
        assertEquals(2, xs.size());
        assertEquals("mbpp-11", xs.get(0).id());
        assertTrue(
                xs.get(0)
                        .prompt()
                        .startsWith(
                                "Write a function to add two numbers.\nYour code should pass these tests:\nassert add(1, 2) == 3"));
        assertFalse(xs.get(0).answer().contains("\r"));
        assertTrue(xs.get(0).reference().startsWith("```python\n"));
    }

    @Test
    void humanEvalParsesPlainAndGzipped(@TempDir Path tmp) throws Exception {
        Path gz = tmp.resolve("HumanEval.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(fixture("humaneval.jsonl")));
        }
        HumanEvalTask plain = HumanEvalTask.load(Map.of(Split.TEST, fixture("humaneval.jsonl")), LoadOptions.DEFAULT);
        HumanEvalTask zipped = HumanEvalTask.load(Map.of(Split.TEST, gz), LoadOptions.DEFAULT);
        assertEquals(plain.examples(Split.TEST), zipped.examples(Split.TEST));
        Example e = plain.examples(Split.TEST).get(0);
        assertEquals("HumanEval/0", e.id());
        assertTrue(e.prompt().contains("def incr_list(l: list):"));
    }

    @Test
    void missingFieldsAreMalformed(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("he.jsonl");
        Files.writeString(
                f, "{\"task_id\": \"X/1\", \"prompt\": \"def f():\\n\", \"test\": \"\", \"entry_point\": \"f\"}\n");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> HumanEvalTask.load(Map.of(Split.TEST, f), LoadOptions.DEFAULT));
        assertEquals(f + ":1: missing field 'canonical_solution'", e.getMessage());
        Path arc = tmp.resolve("arc.jsonl");
        Files.writeString(
                arc,
                "\n{\"question\": {\"stem\": \"?\", \"choices\": [{\"label\": \"A\", \"text\": \"x\"}, {\"label\": \"B\", \"text\": \"y\"}]}, \"answerKey\": \"D\"}\n");
        MalformedDataException e2 = assertThrows(
                MalformedDataException.class, () -> ArcTask.load("arc", Map.of(Split.TEST, arc), LoadOptions.DEFAULT));
        assertTrue(e2.getMessage().startsWith(arc + ":2: answerKey D"), e2.getMessage());
    }
}
