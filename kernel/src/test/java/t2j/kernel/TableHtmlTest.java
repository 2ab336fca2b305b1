package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TableHtmlTest {
    @Test
    void escapesCellsAndHeaders() {
        String html = TableHtml.render(Table.create("scores & <b>",
                StringColumn.create("<name>", "a\"b", "x&y"), IntColumn.create("n", 1, 2)));
        assertTrue(html.contains("<caption>scores &amp; &lt;b&gt;</caption>"), html);
        assertTrue(html.contains("<th>&lt;name&gt;</th><th>n</th>"), html);
        assertTrue(html.contains("<tr><td>a&quot;b</td><td>1</td></tr>"), html);
        assertTrue(html.contains("<td>x&amp;y</td>"), html);
        assertFalse(html.contains("rows shown"));
    }

    @Test
    void cutsLongTables() {
        int[] values = new int[TableHtml.MAX_ROWS + 5];
        String html = TableHtml.render(Table.create("long", IntColumn.create("i", values)));
        assertEquals(TableHtml.MAX_ROWS, html.split("<tr><td>", -1).length - 1);
        assertTrue(html.contains(TableHtml.MAX_ROWS + " of " + values.length + " rows shown"), html);
    }
}
