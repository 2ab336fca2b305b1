package t2j.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import t2j.adapt.AccuracyTable;
import t2j.adapt.AdaptationStudy;
import t2j.adapt.TransferStudy;
import t2j.stats.PairedDifference;
import tech.tablesaw.api.Table;

/** Intervals and noise marks in every table a comparison renders, and the paper's figures beside ours. */
class EvidenceTablesTest {
    static boolean[] outcomes(int n, int right, int offset) {
        boolean[] o = new boolean[n];
        for (int i = 0; i < right; i++) o[(i + offset) % n] = true;
        return o;
    }

    /** base 20/100; "big" 60/100 (a clear gain); "small" 22/100 (2 more right: noise). */
    static AccuracyTable table() {
        List<AccuracyTable.Cell> cells = new ArrayList<>();
        for (String task : List.of("math-hard", "code-hard")) {
            cells.add(AccuracyTable.Cell.of(task, "base", outcomes(100, 20, 0)));
            cells.add(AccuracyTable.Cell.of(task, "big", outcomes(100, 60, 0)));
            cells.add(AccuracyTable.Cell.of(task, "small", outcomes(100, 22, 0)));
        }
        return AccuracyTable.of("test accuracy", cells);
    }

    @Test
    void differencesMarkWhatIsBeyondNoiseAndWhatIsNot() {
        Table d = Tables.differences(table(), "base");
        assertEquals(List.of("task", "big", "small"), d.columnNames());
        assertEquals(
                List.of("math-hard", "code-hard", AccuracyTable.ALL),
                d.stringColumn("task").asList());
        assertTrue(
                d.stringColumn("big").get(0).startsWith("▲ +40.0 ["),
                d.stringColumn("big").get(0));
        assertTrue(
                d.stringColumn("small").get(0).startsWith("≈ +2.0 ["),
                d.stringColumn("small").get(0));
        Table iv = Tables.intervals(table());
        assertEquals(100, iv.intColumn("n").get(0));
        assertTrue(
                iv.stringColumn("base").get(0).matches("20\\.0 \\[\\d+\\.\\d, \\d+\\.\\d\\]"),
                iv.stringColumn("base").get(0));
        assertThrows(IllegalArgumentException.class, () -> Tables.differences(table(), "nobody"));
    }

    @Test
    void aComparisonCarriesAPairedTestForEveryColumnAgainstItsBaseline() {
        Comparison c = new Comparison("t", table(), "base");
        List<Effect> effects = c.effects();
        assertEquals(2 * 3, effects.size(), "two columns on two tasks and all requests");
        Effect big = c.effect("math-hard", "big"), small = c.effect(Comparison.ALL, "small");
        assertEquals(Effect.Verdict.BETTER, big.verdict());
        assertEquals(
                Effect.Verdict.WITHIN_NOISE, small.verdict(), "2 points on 200 requests is noise, whatever its sign");
        assertEquals(
                PairedDifference.of(outcomes(100, 22, 0), outcomes(100, 20, 0)).p(),
                c.effect("code-hard", "small").p(),
                1e-12);
        assertTrue(small.sentence().startsWith("small is within noise of base on all requests"), small.sentence());
        assertEquals(200, small.n());
        assertEquals(0.22, small.accuracy().value(), 1e-12);
        Effect worse = c.effect("math-hard", "base", "big");
        assertEquals(Effect.Verdict.WORSE, worse.verdict());
        assertTrue(worse.sentence().contains("trails big"), worse.sentence());
        assertThrows(IllegalArgumentException.class, () -> new Comparison("t", table(), "nobody"));
        String html = (String) c.mimeBundle().get("text/html");
        assertTrue(
                html.contains("≈") && html.contains("▲") && html.contains("95 %"),
                "the rendering shows marks and intervals");
    }

    @Test
    void thePapersFiguresSitBesideOurs() {
        List<AccuracyTable.Cell> cells = new ArrayList<>();
        for (String col : List.of(AdaptationStudy.BASE, AdaptationStudy.PROMPT, AdaptationStudy.ORACLE))
            cells.add(AccuracyTable.Cell.of("math-hard", col, outcomes(50, col.equals("base") ? 10 : 30, 0)));
        Study s = new Study(
                "tiny",
                new AdaptationStudy.Report(
                        AccuracyTable.of("test accuracy", cells), List.of(), java.util.Map.of(), List.of(), List.of()));
        Table t = Paper.beside(s);
        assertEquals(
                List.of("base accuracy %", "prompt", "oracle"),
                t.stringColumn("column").asList());
        assertEquals("24.54", t.stringColumn("paper Llama3-8B: MATH").get(0));
        assertEquals("+0.68 (×1.03)", t.stringColumn("paper Llama3-8B: MATH").get(1), "Table 2: 25.22 vs 24.54");
        assertEquals("–", t.stringColumn("paper Llama3-8B: MATH").get(2), "the paper has no oracle");
        assertTrue(t.stringColumn("ours: math-hard").get(1).startsWith("▲ +40.0"));

        List<AccuracyTable.Cell> tc = new ArrayList<>();
        tc.add(AccuracyTable.Cell.of("code-hard", TransferStudy.TARGET_BASE, outcomes(50, 10, 0)));
        tc.add(AccuracyTable.Cell.of("code-hard", "transferred as-is", outcomes(50, 11, 0)));
        tc.add(AccuracyTable.Cell.of("code-hard", "transferred shuffled", outcomes(50, 10, 0)));
        Table t5 =
                Paper.besideTransfer(new Comparison("moved", AccuracyTable.of("task", tc), TransferStudy.TARGET_BASE));
        assertEquals(4, t5.rowCount());
        assertTrue(t5.stringColumn("as-is (ordered σ)").get(0).startsWith("≈ +2.0"));
        assertEquals("+1.83", t5.stringColumn("as-is (ordered σ)").get(2), "Table 5 HumanEval: 45.12 vs 43.29");
        assertEquals("-2.50", t5.stringColumn("shuffled").get(1), "Table 5 MATH shuffled: 10.52 vs 13.02");
    }
}
