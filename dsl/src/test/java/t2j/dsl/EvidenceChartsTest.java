package t2j.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import t2j.adapt.AccuracyTable;
import t2j.adapt.TimingSummary;

/** The four chart defects of the "results that carry their own evidence" issue, checked on painted pixels. */
class EvidenceChartsTest {
    /** A study-like table: `cols` columns on three tasks, accuracies under 0.3, one cell at exactly 0. */
    static AccuracyTable lowTable(List<String> cols) {
        List<AccuracyTable.Cell> cells = new ArrayList<>();
        String[] tasks = {"math-hard", "code-hard", "mixed-hard"};
        for (int t = 0; t < tasks.length; t++)
            for (int k = 0; k < cols.size(); k++) {
                boolean[] o = new boolean[60];
                int right = t == 0 && k == 0 ? 0 : 3 + (7 * k + 5 * t) % 12;
                for (int i = 0; i < right; i++) o[i] = true;
                cells.add(AccuracyTable.Cell.of(tasks[t], cols.get(k), o));
            }
        return AccuracyTable.of("test accuracy", cells);
    }

    static BufferedImage paint(Chart<?, ?> c) {
        return BitmapEncoder.getBufferedImage(c);
    }

    static void save(Chart<?, ?> c, String name) throws Exception {
        Path dir = Path.of("target", "chart-previews");
        Files.createDirectories(dir);
        ImageIO.write(paint(c), "png", dir.resolve(name + ".png").toFile());
    }

    @Test
    void theYAxisFitsLowAccuraciesInsteadOfSpanningZeroToOne() {
        AccuracyTable t = lowTable(List.of("base", "prompt", "oracle"));
        CategoryChart c = Charts.accuracy(t);
        double highestWhisker = 0;
        for (AccuracyTable.Cell cell : t.cells())
            highestWhisker = Math.max(highestWhisker, cell.proportion().hi());
        double max = c.getStyler().getYAxisMax();
        assertTrue(max >= highestWhisker, "every whisker is inside the axis: max " + max + " < " + highestWhisker);
        assertTrue(max <= 0.45, "bars under 0.3 get an axis that ends near them, not at 1: " + max);
        assertEquals(1.0, Charts.axisTop(0.97), 1e-12, "never above 1");
        assertEquals(0.1, Charts.axisTop(0.0), 1e-12);
    }

    @Test
    void whiskersSitOnTheirBarsAndAZeroBarIsVisible() throws Exception {
        AccuracyTable t = lowTable(List.of("base", "prompt", "oracle"));
        IntervalBars c = (IntervalBars) Charts.accuracy(t);
        BufferedImage img = paint(c);
        save(c, "accuracy-3");
        Rectangle2D plot = c.plotBounds();
        Color base = c.getSeries("base").getFillColor(),
                prompt = c.getSeries("prompt").getFillColor();
        // the bar of (prompt, code-hard) is painted in its colour just above the axis, at the centre the whisker uses
        int x = (int) Math.round(c.barCentre(plot, 1, 1)), yLow = (int) Math.round(c.getScreenYFromChart(0.01));
        assertEquals(prompt.getRGB(), img.getRGB(x, yLow), "the whisker's x is the centre of its bar");
        // the whisker is dark ink at the centre, above the bar's top, between the interval's ends
        double[] iv = c.interval(1, 1);
        double acc = t.accuracy("code-hard", "prompt");
        int yWhisker = (int) Math.round(c.getScreenYFromChart((acc + iv[1]) / 2));
        assertTrue(dark(img.getRGB(x, yWhisker)), "whisker ink above the bar at " + x + "," + yWhisker);
        // the (base, math-hard) cell is exactly 0: a stub in the series colour sits on the axis
        int x0 = (int) Math.round(c.barCentre(plot, 0, 0)), y0 = (int) Math.round(c.getScreenYFromChart(0) - 1.5);
        assertEquals(0.0, t.accuracy("math-hard", "base"));
        assertEquals(base.getRGB(), img.getRGB(x0, y0), "a zero bar leaves a visible stub, not an empty slot");
    }

    static boolean dark(int rgb) {
        Color c = new Color(rgb);
        return c.getRed() + c.getGreen() + c.getBlue() < 3 * 120;
    }

    @Test
    void tenColumnLegendsMoveBesideThePlotAndKeepWholeNames() throws Exception {
        List<String> cols = List.of(
                "base",
                "math",
                "code",
                "reasoning",
                "prompt",
                "classifier",
                "wrong-router",
                "oracle",
                "keywords",
                "by-length");
        CategoryChart c = Charts.accuracy(lowTable(cols));
        assertEquals(Styler.LegendPosition.OutsideE, c.getStyler().getLegendPosition());
        assertTrue(c.getWidth() > Charts.WIDTH, "the chart widens for the legend column, so the plot keeps its width");
        paint(c);
        save(c, "accuracy-10");
        Rectangle2D legend = legendBounds(c);
        assertTrue(
                legend.getMaxX() <= c.getWidth() && legend.getMaxY() <= c.getHeight(),
                "legend inside the chart: " + legend);
        // a few columns keep the legend below the plot at the usual width
        CategoryChart few = Charts.accuracy(lowTable(List.of("base", "prompt", "oracle")));
        assertEquals(Styler.LegendPosition.OutsideS, few.getStyler().getLegendPosition());
        assertEquals(Charts.WIDTH, few.getWidth());
        assertNotEquals(0, cols.size());
    }

    static Rectangle2D legendBounds(Chart<?, ?> c) throws Exception {
        Method m = Chart.class.getDeclaredMethod("getLegend");
        m.setAccessible(true);
        Object legend = m.invoke(c);
        return (Rectangle2D) legend.getClass().getMethod("getBounds").invoke(legend);
    }

    @Test
    void timingHasOneLabelledBarPerStrategyNotOnePerTaskAndStrategy() throws Exception {
        List<String> strategies = List.of(
                "base",
                "math",
                "code",
                "reasoning",
                "prompt",
                "classifier",
                "wrong-router",
                "few-shot",
                "oracle",
                "keywords");
        List<TimingSummary> rows = new ArrayList<>();
        for (String task : List.of("math-hard", "code-hard", "mixed-hard", "math", "code"))
            for (String s : strategies)
                rows.add(new TimingSummary(task, s, 10, 1, s.equals("prompt") ? 0.5 : 0, 0.01, 0.2));
        CategoryChart c = Charts.timing(rows);
        assertEquals(strategies, List.copyOf(c.getSeries("pass 1").getXData()), "50 rows, 10 bars: one per strategy");
        assertEquals(
                50.0,
                c.getSeries("pass 1").getYData()[strategies.indexOf("prompt")],
                1e-9,
                "pooled: 2.5 s over 50 requests");
        assertTrue(c.getTitle().contains("5 tasks"));
        save(c, "timing");
        paint(c);
    }
}
