package t2j.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static t2j.dsl.ChartsTest.refused;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import t2j.adapt.AccuracyTable;
import t2j.adapt.ConfusionMatrix;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

class TablesTest {
    @Test
    void accuracyRoundTripsThePercentagesWithAMeanRow() throws Exception {
        AccuracyTable t = AccuracyTable.of(
                "Unseen tasks",
                List.of(
                        new AccuracyTable.Cell("math-hard", "base", 1, 3),
                        new AccuracyTable.Cell("math-hard", "prompt", 2, 3),
                        new AccuracyTable.Cell("code-hard", "base", 1, 4),
                        new AccuracyTable.Cell("code-hard", "prompt", 3, 4),
                        new AccuracyTable.Cell("code-hard", "few-shot", 1, 8)));
        Table table = Tables.accuracy(t);
        assertEquals("Unseen tasks", table.name());
        assertEquals(List.of("task", "base", "prompt", "few-shot"), table.columnNames());
        assertEquals(
                List.of("math-hard", "code-hard", "mean"),
                table.stringColumn("task").asList());
        for (String col : t.columns()) {
            DoubleColumn c = table.doubleColumn(col);
            for (int r = 0; r < t.rows().size(); r++) {
                double expected = t.accuracy(t.rows().get(r), col);
                if (Double.isNaN(expected))
                    assertTrue(c.isMissing(r), col + " of " + t.rows().get(r) + " was not measured");
                else assertEquals(Math.round(1000 * expected) / 10.0, c.get(r), 1e-9, col);
            }
            assertEquals(Math.round(1000 * t.mean(col)) / 10.0, c.get(t.rows().size()), 1e-9, "mean of " + col);
        }
        assertEquals(33.3, table.doubleColumn("base").get(0), 1e-9);
        assertEquals(29.2, table.doubleColumn("base").get(2), 1e-9, "(1/3 + 1/4) / 2, rounded once");
        assertEquals(12.5, table.doubleColumn("few-shot").get(2), 1e-9, "the mean of the one task that has it");
        // Shown in a notebook: one HTML row per task plus the mean, the missing cell blank.
        Element html = MimeTest.parse(Mime.html(table)).getDocumentElement();
        assertEquals(
                3,
                MimeTest.elements(MimeTest.elements(html, "tbody").get(0), "tr").size());
        assertEquals(
                List.of("math-hard", "33.3", "66.7", ""),
                MimeTest.texts(html, "td").subList(0, 4));
        refused(
                () -> Tables.accuracy(AccuracyTable.of("x", List.of(new AccuracyTable.Cell("a", "task", 1, 1)))),
                "'task'");
    }

    @Test
    void confusionHasTheCountsOfRequestedCategories() {
        ConfusionMatrix m = ChartsTest.confusionMatrix();
        Table t = Tables.confusion(m);
        assertEquals("routing by prompt", t.name());
        assertEquals(List.of("math", "code", "reasoning"), t.stringColumn(0).asList(), "'unused' had no requests");
        assertEquals(m.chosenLabels(), t.columnNames().subList(1, t.columnCount()));
        for (int r = 0; r < t.rowCount(); r++)
            for (String chosen : m.chosenLabels())
                assertEquals(
                        m.count(t.stringColumn(0).get(r), chosen),
                        t.intColumn(chosen).get(r),
                        chosen);
        assertEquals(2, t.intColumn("reasoning").get(2));
        assertEquals(1, t.intColumn("other").get(2));
        assertEquals(
                m.total(),
                m.chosenLabels().stream()
                        .mapToLong(c -> (long) t.intColumn(c).sum())
                        .sum());
    }

    @Test
    void timingHasTheMarkdownColumns() {
        Table t = Tables.timing(ChartsTest.timings());
        assertEquals(
                List.of(
                        "task",
                        "strategy",
                        "examples",
                        "compositions",
                        "pass 1 s",
                        "compose s",
                        "pass 2 s",
                        "overhead %",
                        "ms/example"),
                t.columnNames());
        assertEquals(3, t.rowCount());
        assertEquals(List.of(10, 20, 0), t.intColumn("examples").asList());
        assertEquals(1.2, t.doubleColumn("pass 1 s").get(0), 1e-9);
        assertEquals(34.2, t.doubleColumn("overhead %").get(0), 1e-9, "(1.2 + 0.1) / 3.8");
        assertEquals(380.0, t.doubleColumn("ms/example").get(0), 1e-9);
        assertEquals(0.0, t.doubleColumn("ms/example").get(2), 1e-9, "no examples, no division by zero");
        assertEquals(0, Tables.timing(List.of()).rowCount());
    }

    @Test
    void ofInfersColumnTypes() {
        Table t = Tables.of(
                "mixed",
                List.of("name", "n", "big", "x", "flag"),
                List.of(
                        Arrays.asList("a", 1, 1L, 0.5, true),
                        Arrays.asList("b", null, 3_000_000_000L, 2, null),
                        Arrays.asList(null, 3, 2, 1.5f, false)));
        assertEquals("mixed", t.name());
        assertEquals(
                List.of(ColumnType.STRING, ColumnType.INTEGER, ColumnType.LONG, ColumnType.DOUBLE, ColumnType.STRING),
                t.columns().stream().map(c -> c.type()).toList());
        assertTrue(t.stringColumn("name").isMissing(2));
        assertTrue(t.intColumn("n").isMissing(1));
        assertEquals(3, t.intColumn("n").get(2));
        assertEquals(3_000_000_000L, t.longColumn("big").get(1));
        assertEquals(List.of(0.5, 2.0, 1.5), t.doubleColumn("x").asList());
        assertEquals(
                List.of("true", "", "false"),
                List.of(
                        t.stringColumn("flag").get(0),
                        t.stringColumn("flag").get(1),
                        t.stringColumn("flag").get(2)));
        assertEquals(
                ColumnType.STRING,
                Tables.of("nulls", List.of("a"), List.of(Arrays.asList((Object) null)))
                        .column(0)
                        .type());
        assertEquals(0, Tables.of("empty", List.of("a", "b"), List.of()).rowCount());
    }

    @Test
    void ofNamesWhatIsWrong() {
        refused(
                () -> Tables.of("t", List.of("a", "b"), List.of(List.of(1, 2), List.of(3))),
                "row 1 has 1 values, expected 2 (a, b)");
        refused(() -> Tables.of("t", List.of("a", "a"), List.of()), "two columns named 'a'");
        refused(() -> Tables.of("t", List.of(), List.of()), "'t' has no columns");
        refused(() -> Tables.of("t", Arrays.asList("a", null), List.of()), "null column name");
    }
}
