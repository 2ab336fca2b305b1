package t2j.dsl;

import de.erichseifert.vectorgraphics2d.Processors;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Charts and tables as Jupyter MIME bundles, in the map format of {@link Renderable#mimeBundle()}.
 *
 * <p>The DSL's result types implement {@link Renderable} with these helpers, and the kernel uses the same ones for
 * bare XChart charts and Tablesaw tables, so a chart looks the same whether a cell returns it directly or inside a
 * result. Bundles are mutable {@link LinkedHashMap}s in order of preference, so a caller can add a type (an SVG,
 * say) before returning one. Every HTML fragment written here is well-formed XHTML (escaped text, closed tags, one
 * root element): the notebook's HTML sanitiser and the tests' XML parser then read it the same way.
 *
 * <pre>{@code
 * record Trained(XYChart curve, Table scores) implements Renderable {
 *     public Map<String, Object> mimeBundle() {
 *         return Mime.stack("trained: 3 runs", "Validation accuracy", curve, scores);
 *     }
 * }
 * }</pre>
 */
public final class Mime {
    /**
     * Rows of a table shown as HTML. A notebook keeps its outputs in the {@code .ipynb} file, so a stray
     * million-row table must not end up there; the text says how many rows were left out.
     */
    public static final int MAX_ROWS = 100;

    private Mime() {}

    /** The chart as PNG bytes at its own size; what notebooks show by default (exact pixels, any front end). */
    public static byte[] png(Chart<?, ?> chart) {
        require(chart, "chart");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode chart '" + chart.getTitle() + "' as PNG", e);
        }
    }

    /** The chart as an SVG document, for figures that are printed or zoomed (papers, exported notebooks). */
    public static String svg(Chart<?, ?> chart) {
        require(chart, "chart");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // What XChart's (deprecated) VectorGraphicsEncoder does: record the painting, then write it as SVG.
        VectorGraphics2D g = new VectorGraphics2D();
        chart.paint(g, chart.getWidth(), chart.getHeight());
        try {
            Processors.get("svg")
                    .getDocument(g.getCommands(), new PageSize(0, 0, chart.getWidth(), chart.getHeight()))
                    .writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode chart '" + chart.getTitle() + "' as SVG", e);
        }
        String svg = out.toString(StandardCharsets.UTF_8);
        // XChart draws text as outlines, so the SVG holds no words; a <title> names the figure for screen readers and
        // search.
        int open = svg.indexOf("<svg"), end = open < 0 ? -1 : svg.indexOf('>', open);
        if (end < 0 || chart.getTitle() == null || chart.getTitle().isEmpty()) return svg;
        return svg.substring(0, end + 1) + "\n  <title>" + escape(chart.getTitle()) + "</title>"
                + svg.substring(end + 1);
    }

    /**
     * The table as one {@code <table>} element. tablesaw-core writes only CSV and fixed width, and tablesaw-html
     * would bring jsoup for what is a loop with escaping. The name becomes the caption; rows past
     * {@link #MAX_ROWS} are cut, and a {@code <tfoot>} says so.
     */
    public static String html(Table table) {
        require(table, "table");
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
        html.append("</tbody>\n");
        if (table.rowCount() > shown) {
            html.append("<tfoot><tr><td colspan=\"")
                    .append(Math.max(1, table.columnCount()))
                    .append("\">")
                    .append(shown)
                    .append(" of ")
                    .append(table.rowCount())
                    .append(" rows shown</td></tr></tfoot>\n");
        }
        return html.append("</table>\n").toString();
    }

    /** A chart as a bundle: the PNG, and {@code text} for terminals and headless runs. */
    public static Map<String, Object> chart(Chart<?, ?> chart, String text) {
        require(text, "text");
        return bundle("image/png", base64(png(chart)), text);
    }

    /** As {@link #chart(Chart, String)}, with the chart's title as the text. */
    public static Map<String, Object> chart(Chart<?, ?> chart) {
        require(chart, "chart");
        return chart(chart, chart.getTitle() == null ? "chart" : chart.getTitle());
    }

    /** A table as a bundle: the HTML of {@link #html(Table)}, and {@code text}. */
    public static Map<String, Object> table(Table table, String text) {
        require(text, "text");
        return bundle("text/html", html(table), text);
    }

    /** As {@link #table(Table, String)}, with Tablesaw's fixed-width print (its first rows) as the text. */
    public static Map<String, Object> table(Table table) {
        require(table, "table");
        return table(table, table.print());
    }

    /** Ready-made HTML (trusted, not escaped) with its plain-text fallback. */
    public static Map<String, Object> html(String html, String text) {
        require(html, "html");
        require(text, "text");
        return bundle("text/html", html, text);
    }

    /**
     * Several parts in one HTML output, for results that are more than one thing (a chart beside its table). One
     * output instead of several keeps the parts together when the cell is re-run or the result updated in place.
     * Charts and tables flow side by side while the notebook is wide enough and wrap below otherwise; strings
     * take a full line each, as headings or captions between them.
     *
     * @param text  the whole result as plain text
     * @param parts each a {@link Chart} (an inline PNG), a {@link Table} ({@link #html(Table)}), a {@link Renderable}
     *              (its {@code text/html}, else its {@code image/png}, else its {@code text/plain} preformatted) or a
     *              {@link String} (escaped, one paragraph)
     * @throws IllegalArgumentException when a part is null or of another type; the message names the part
     */
    public static Map<String, Object> stack(String text, Object... parts) {
        require(text, "text");
        require(parts, "parts");
        StringBuilder html = new StringBuilder(
                "<div class=\"t2j-stack\" style=\"display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start\">\n");
        for (int i = 0; i < parts.length; i++) {
            Object part = parts[i];
            if (part instanceof String s) {
                html.append("<p style=\"flex-basis:100%;margin:0\">")
                        .append(escape(s))
                        .append("</p>\n");
                continue;
            }
            html.append("<div>");
            if (part instanceof Chart<?, ?> chart) {
                html.append(img(base64(png(chart)), chart.getTitle()));
            } else if (part instanceof Table table) {
                html.append(html(table));
            } else if (part instanceof Renderable r) {
                html.append(renderableHtml(r, i));
            } else {
                throw new IllegalArgumentException("stack part " + i + " is "
                        + (part == null ? "null" : "a " + part.getClass().getName())
                        + "; expected a Chart, a Table, a Renderable or a String");
            }
            html.append("</div>\n");
        }
        return bundle("text/html", html.append("</div>\n").toString(), text);
    }

    /**
     * Escapes text for HTML and XML: markup characters become entities, and characters XML 1.0 forbids (control
     * characters, lone surrogates) become U+FFFD, so a cell read from any file cannot break the document.
     */
    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c)
                            && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)
                            || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                            || c == 0xFFFE
                            || c == 0xFFFF) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String renderableHtml(Renderable r, int index) {
        Map<String, Object> bundle = r.mimeBundle();
        if (bundle == null)
            throw new IllegalArgumentException(
                    "stack part " + index + " (" + r.getClass().getName() + ") returned a null mime bundle");
        if (bundle.get("text/html") instanceof String h) return h;
        if (bundle.get("image/png") instanceof String png)
            return img(png, String.valueOf(bundle.getOrDefault("text/plain", "")));
        Object plain = bundle.get("text/plain");
        return "<pre>" + escape(plain == null ? r.toString() : plain.toString()) + "</pre>";
    }

    private static String img(String base64Png, String alt) {
        return "<img src=\"data:image/png;base64," + base64Png + "\" alt=\"" + escape(alt == null ? "" : alt) + "\"/>";
    }

    private static Map<String, Object> bundle(String type, String data, String text) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(type, data);
        m.put("text/plain", text);
        return m;
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static void require(Object value, String what) {
        if (value == null) throw new IllegalArgumentException(what + " must not be null");
    }
}
