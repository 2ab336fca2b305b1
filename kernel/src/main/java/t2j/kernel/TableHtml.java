package t2j.kernel;

import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Tablesaw tables as HTML. tablesaw-core writes only CSV and fixed width; tablesaw-html would add jsoup for
 * what is a loop with escaping. Long tables are cut so a stray cell cannot push megabytes into the notebook.
 */
final class TableHtml {
    static final int MAX_ROWS = 100;

    private TableHtml() {
    }

    static String render(Table table) {
        StringBuilder html = new StringBuilder("<table class=\"t2j-table\">\n");
        if (table.name() != null && !table.name().isEmpty()) {
            html.append("<caption>").append(escape(table.name())).append("</caption>\n");
        }
        html.append("<thead><tr>");
        for (Column<?> column : table.columns()) {
            html.append("<th>").append(escape(column.name())).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        int shown = Math.min(table.rowCount(), MAX_ROWS);
        for (int row = 0; row < shown; row++) {
            html.append("<tr>");
            for (Column<?> column : table.columns()) {
                html.append("<td>").append(escape(column.getString(row))).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n");
        if (table.rowCount() > shown) {
            html.append("<p>").append(shown).append(" of ").append(table.rowCount()).append(" rows shown</p>\n");
        }
        return html.toString();
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
