package t2j.dsl;

import static t2j.dsl.Charts.FONT;
import static t2j.dsl.Charts.MAX_LEGEND;
import static t2j.dsl.Charts.WIDTH;

import java.awt.FontMetrics;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;

/**
 * Where things go on a chart so that nothing collides, is cut off or runs into the frame: the legend's place and the
 * chart's width, category labels, tick spacing, room above the bars. XChart's defaults do each of these wrong for some
 * of the project's charts; the rules are measured with the charts' own font.
 */
final class ChartLayout {
    /** Space above the tallest bar, as a share of its height. */
    static final double ROOM_ABOVE = 0.08;

    private ChartLayout() {}

    /** Series names that fit in one legend row below the plot (about their width in pixels, with the colour boxes). */
    static boolean legendFitsBelow(List<String> names) {
        FontMetrics fm = metrics();
        int w = 0;
        for (String n : names) w += fm.stringWidth(n) + 20 + 24; // box, gaps
        return w <= WIDTH - 40;
    }

    /**
     * The chart width for these series: {@link Charts#WIDTH} while the legend fits in a row below the plot; otherwise
     * wide enough for a legend column on the right beside a plot of the usual width, so no name is cut.
     */
    static int widthFor(List<String> series) {
        if (series.isEmpty() || series.size() > MAX_LEGEND || legendFitsBelow(series)) return WIDTH;
        return WIDTH + longestLabel(series) + 60;
    }

    /** Category labels turn 45° when they would not fit side by side under the plot, so every group keeps its name. */
    static void turnLabelsThatCollide(CategoryChart c, List<String> labels) {
        if (labels.size() * (longestLabel(labels) + 12) > c.getWidth() - 100)
            c.getStyler().setXAxisLabelRotation(45);
    }

    /**
     * Bars that are all zero or above start on the axis and end below the frame: XChart ends the axis at the tallest
     * bar, which then touches the frame, and pads below zero. Bars of several signs keep XChart's range.
     * @param stacked whether the series are stacked (the tallest bar is then a category's sum)
     */
    static void roomAbove(CategoryChart c, boolean stacked) {
        List<double[]> series = new ArrayList<>();
        for (CategorySeries s : c.getSeriesCollection()) series.add(s.getYData()); // a missing bar is NaN
        double top = 0;
        int categories = series.stream().mapToInt(y -> y.length).max().orElse(0);
        for (int i = 0; i < categories; i++) {
            double sum = 0;
            for (double[] y : series) {
                double v = i < y.length && !Double.isNaN(y[i]) ? y[i] : 0;
                if (v < 0) return;
                top = Math.max(top, v);
                sum += v;
            }
            if (stacked) top = Math.max(top, sum);
        }
        if (top > 0) c.getStyler().setYAxisMin(0.0).setYAxisMax(top * (1 + ROOM_ABOVE));
    }

    /**
     * XChart labels every point of equally spaced x values (iterations, indices) until labels touch: 30 crowded
     * labels. Ending the axis 0.1 % past the data breaks that test, so it picks round ticks; short series keep theirs.
     */
    static void readableTicks(XYChart c) {
        double[] xs = c.getSeriesCollection().stream()
                .flatMapToDouble(s -> Arrays.stream(s.getXData()))
                .distinct()
                .toArray();
        DoubleSummaryStatistics range = Arrays.stream(xs).summaryStatistics();
        if (xs.length > 15 && range.getMax() > range.getMin())
            c.getStyler().setXAxisMax(range.getMax() + (range.getMax() - range.getMin()) * 1e-3);
    }

    private static int longestLabel(List<String> names) {
        FontMetrics fm = metrics();
        return names.stream().mapToInt(fm::stringWidth).max().orElse(0);
    }

    private static FontMetrics metrics() {
        return new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).getGraphics().getFontMetrics(FONT);
    }
}
