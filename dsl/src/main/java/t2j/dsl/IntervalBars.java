package t2j.dsl;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;

/**
 * Grouped bars with a 95 % interval whisker on each bar, and a visible mark on bars at exactly zero (a short stub and
 * "0"), so a measured 0 % never looks like a missing value. XChart has only symmetric error bars, and Wilson
 * intervals are not symmetric near 0 and 1, so the whiskers are drawn over the painted chart, at XChart's own bar
 * positions ({@link #barCentre}).
 */
public final class IntervalBars extends CategoryChart {
    private final List<String> categories;
    /** [series][category]: interval ends, NaN where there is no interval. */
    private final double[][] lo, hi;

    IntervalBars(int width, int height, List<String> categories, double[][] lo, double[][] hi) {
        super(width, height);
        this.categories = List.copyOf(categories);
        this.lo = lo;
        this.hi = hi;
    }

    /** The whisker ends of one bar, {lo, hi}; NaN when the bar has none. */
    public double[] interval(int series, int category) {
        return new double[] {lo[series][category], hi[series][category]};
    }

    @Override
    public void paint(Graphics2D g, int width, int height) {
        super.paint(g, width, height);
        Rectangle2D plotBounds = plot.getBounds();
        if (plotBounds == null || plotBounds.getWidth() <= 0) return;
        int k = 0;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        for (CategorySeries s : seriesMap.values()) {
            double[] ys = s.getYData();
            for (int c = 0; c < categories.size() && c < ys.length; c++) {
                double x = barCentre(plotBounds, k, c), w = barWidth(plotBounds);
                if (Double.isFinite(lo[k][c]) && Double.isFinite(hi[k][c])) {
                    double y0 = getScreenYFromChart(lo[k][c]),
                            y1 = getScreenYFromChart(hi[k][c]),
                            cap = Math.max(2, Math.min(5, w / 3));
                    g.setColor(new Color(0x333333));
                    g.setStroke(new BasicStroke(1.2f));
                    g.draw(new Line2D.Double(x, y0, x, y1));
                    g.draw(new Line2D.Double(x - cap, y0, x + cap, y0));
                    g.draw(new Line2D.Double(x - cap, y1, x + cap, y1));
                }
                if (ys[c] == 0) {
                    double y = getScreenYFromChart(0);
                    g.setColor(s.getFillColor());
                    g.setStroke(new BasicStroke(3f));
                    g.draw(new Line2D.Double(x - w / 2 + 1, y - 1.5, x + w / 2 - 1, y - 1.5));
                    g.setColor(new Color(0x333333));
                    g.drawString("0", (float) (x - 3), (float)
                            (y - 5 - (Double.isFinite(hi[k][c]) ? Math.max(0, y - getScreenYFromChart(hi[k][c])) : 0)));
                }
            }
            k++;
        }
    }

    /** The x pixel of the centre of bar ({@code series}, {@code category}), XChart's grouped-bar layout. */
    double barCentre(Rectangle2D plotBounds, int series, int category) {
        double tickSpace = getStyler().getPlotContentSize() * plotBounds.getWidth();
        double margin = (plotBounds.getWidth() - tickSpace) / 2;
        double gridStep = tickSpace / categories.size();
        double fill = getStyler().getAvailableSpaceFill();
        double barWidth = barWidth(plotBounds);
        double barMargin = gridStep * (1 - fill) / 2;
        return plotBounds.getX() + margin + gridStep * category + barMargin + series * barWidth + barWidth / 2;
    }

    private double barWidth(Rectangle2D plotBounds) {
        double tickSpace = getStyler().getPlotContentSize() * plotBounds.getWidth();
        return tickSpace / categories.size() / seriesMap.size() * getStyler().getAvailableSpaceFill();
    }

    /** The plot area of the last paint (null before the first), for tests. */
    Rectangle2D plotBounds() {
        return plot.getBounds();
    }
}
