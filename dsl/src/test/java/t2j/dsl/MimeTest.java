package t2j.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class MimeTest {
    static XYChart chart(int width, int height) {
        XYChart c = Charts.style(new XYChart(width, height));
        c.setTitle("loss & <accuracy>");
        c.addSeries("s", new double[] {1, 2, 3}, new double[] {3, 1, 2});
        return c;
    }

    /** Parses XML without fetching DTDs (the SVG names the W3C one; tests must not touch the network). */
    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    static List<Element> elements(Element root, String tag) {
        NodeList nodes = root.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) out.add((Element) nodes.item(i));
        return out;
    }

    static List<String> texts(Element root, String tag) {
        return elements(root, tag).stream().map(Element::getTextContent).toList();
    }

    /** Decodes PNG bytes and checks the picture is not blank: a chart that failed to paint is all white. */
    static BufferedImage decodeWithInk(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertTrue(image != null, "not a PNG");
        int ink = 0;
        for (int y = 0; y < image.getHeight(); y++)
            for (int x = 0; x < image.getWidth(); x++) if ((image.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) ink++;
        assertTrue(ink > 500, "only " + ink + " non-white pixels");
        return image;
    }

    @Test
    void pngDecodesAtTheChartsSize() throws Exception {
        BufferedImage image = decodeWithInk(Mime.png(chart(320, 200)));
        assertEquals(320, image.getWidth());
        assertEquals(200, image.getHeight());
    }

    @Test
    void svgIsAnXmlDocumentTitledAfterTheChart() throws Exception {
        String svg = Mime.svg(chart(320, 200));
        Element root = parse(svg).getDocumentElement();
        assertEquals("svg", root.getTagName());
        assertEquals("320px", root.getAttribute("width"));
        assertEquals(List.of("loss & <accuracy>"), texts(root, "title"));
        assertTrue(svg.contains("<title>loss &amp; &lt;accuracy&gt;</title>"), svg.substring(0, 400));
        assertTrue(elements(root, "path").size() > 10, "the drawing is missing");
    }

    @Test
    void tableHtmlIsWellFormedAndEscaped() throws Exception {
        Table t = Table.create(
                "scores & <b>", StringColumn.create("<name>", "a\"b", "<b>&", "x'y"), IntColumn.create("n", 1, 2, 3));
        String html = Mime.html(t);
        Element table = parse(html).getDocumentElement();
        assertEquals("table", table.getTagName());
        assertEquals(List.of("scores & <b>"), texts(table, "caption"));
        assertEquals(List.of("<name>", "n"), texts(table, "th"));
        Element body = elements(table, "tbody").get(0);
        List<Element> rows = elements(body, "tr");
        assertEquals(3, rows.size());
        for (Element row : rows) assertEquals(2, elements(row, "td").size());
        assertEquals(List.of("a\"b", "1", "<b>&", "2", "x'y", "3"), texts(body, "td"));
        // The markup the kernel test and notebooks rely on: plain cells, escaped text.
        assertTrue(html.contains("<th>&lt;name&gt;</th><th>n</th>"), html);
        assertTrue(html.contains("<tr><td>&lt;b&gt;&amp;</td><td>2</td></tr>"), html);
        assertTrue(elements(table, "tfoot").isEmpty());
    }

    @Test
    void longTablesAreCutWithANote() throws Exception {
        int[] values = new int[Mime.MAX_ROWS + 5];
        Element table = parse(Mime.html(Table.create("long", IntColumn.create("i", values))))
                .getDocumentElement();
        assertEquals(
                Mime.MAX_ROWS, elements(elements(table, "tbody").get(0), "tr").size());
        assertEquals(
                List.of(Mime.MAX_ROWS + " of " + values.length + " rows shown"),
                texts(elements(table, "tfoot").get(0), "td"));
    }

    @Test
    void charactersXmlForbidsCannotBreakTheDocument() throws Exception {
        Table t = Table.create("ctl", StringColumn.create("s", "a\u0001b", "\uD83D\uDE00 ok", "lone \uD800"));
        assertEquals(
                List.of("a\uFFFDb", "\uD83D\uDE00 ok", "lone \uFFFD"),
                texts(parse(Mime.html(t)).getDocumentElement(), "td"));
        assertEquals("", Mime.escape(null));
    }

    @Test
    void chartBundleIsBase64PngThenText() throws Exception {
        Map<String, Object> bundle = Mime.chart(chart(300, 200), "a chart");
        assertEquals(List.of("image/png", "text/plain"), List.copyOf(bundle.keySet()));
        assertEquals(
                300,
                decodeWithInk(Base64.getDecoder().decode((String) bundle.get("image/png")))
                        .getWidth());
        assertEquals("a chart", bundle.get("text/plain"));
        assertEquals("loss & <accuracy>", Mime.chart(chart(300, 200)).get("text/plain"));
    }

    @Test
    void tableAndHtmlBundles() throws Exception {
        Table t = Table.create("t", IntColumn.create("n", 1, 2));
        Map<String, Object> table = Mime.table(t, "two rows");
        assertEquals(List.of("text/html", "text/plain"), List.copyOf(table.keySet()));
        assertEquals(Mime.html(t), table.get("text/html"));
        assertEquals("two rows", table.get("text/plain"));
        assertTrue(((String) Mime.table(t).get("text/plain")).contains("n"), "Tablesaw's print as the text");
        Map<String, Object> html = Mime.html("<b>hi</b>", "hi");
        assertEquals(Map.of("text/html", "<b>hi</b>", "text/plain", "hi"), html);
        html.put("text/markdown", "**hi**"); // bundles stay open for a caller to add a type
        assertEquals(3, html.size());
    }

    @Test
    void stackPutsEveryPartInOneDocument() throws Exception {
        XYChart c = chart(200, 150);
        Renderable html = () -> Map.of("text/html", "<b>adapted</b>", "text/plain", "adapted");
        Renderable image = () -> Mime.chart(chart(100, 80), "small");
        Map<String, Object> textOnly = new LinkedHashMap<>();
        textOnly.put("text/plain", "x < y & z");
        Renderable text = () -> textOnly;
        Table t = Table.create("scores", StringColumn.create("task", "math", "code"));
        Map<String, Object> bundle = Mime.stack("everything", "Heading <&>", c, t, html, image, text);
        assertEquals(List.of("text/html", "text/plain"), List.copyOf(bundle.keySet()));
        assertEquals("everything", bundle.get("text/plain"));
        Element root = parse((String) bundle.get("text/html")).getDocumentElement();
        assertEquals("div", root.getTagName());
        assertEquals(List.of("Heading <&>"), texts(root, "p"));
        List<Element> images = elements(root, "img");
        assertEquals(2, images.size());
        assertEquals("loss & <accuracy>", images.get(0).getAttribute("alt"));
        String src = images.get(0).getAttribute("src");
        assertTrue(src.startsWith("data:image/png;base64,"), src.substring(0, 40));
        assertEquals(
                200,
                decodeWithInk(Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1)))
                        .getWidth());
        assertEquals(List.of("math", "code"), texts(root, "td"));
        assertEquals(List.of("adapted"), texts(root, "b"));
        assertEquals(List.of("x < y & z"), texts(root, "pre"));
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mime.stack("t", "fine", 42));
        assertTrue(e.getMessage().contains("part 1") && e.getMessage().contains("java.lang.Integer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Mime.stack("t", (Object) null));
        assertTrue(e.getMessage().contains("part 0 is null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Mime.stack("t", (Renderable) () -> null));
        assertTrue(e.getMessage().contains("null mime bundle"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Mime.png(null));
        assertTrue(e.getMessage().contains("chart"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Mime.chart(chart(10, 10), null));
        assertTrue(e.getMessage().contains("text"), e.getMessage());
    }
}
