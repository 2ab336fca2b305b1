package t2j.dsl;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.AxesChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import t2j.adapt.AccuracyTable;
import t2j.adapt.ConfusionMatrix;
import t2j.adapt.FewShotCem;
import t2j.adapt.TimingSummary;
import t2j.svf.Expert;
import t2j.train.Trainer;

/**
 * XChart charts of the engine's results, all in one house style: white, unframed, 12-point text, 640×400, colours
 * from one palette, so the figures of a notebook read as a set. Each builder checks its input and names the
 * offending series or label, because an XChart exception from deep inside painting says nothing about the data.
 *
 * <pre>{@code
 * Trainer.Result r = trainer.train(listener);
 * XYChart curve = Charts.learningCurve("math expert", r.steps(), r.validations());
 * CategoryChart bars = Charts.accuracy(study.accuracy());
 * }</pre>
 */
public final class Charts {
    /** Default size in pixels: wide enough for a legend below, small enough for two beside each other. */
    public static final int WIDTH = 640, HEIGHT = 400;
    /** Above this many series a legend hides the plot; series are told apart by colour order instead. */
    public static final int MAX_LEGEND = 12;

    private static final Color[] PALETTE = {
        new Color(0x4E79A7),
        new Color(0xF28E2B),
        new Color(0xE15759),
        new Color(0x76B7B2),
        new Color(0x59A14F),
        new Color(0xEDC948),
        new Color(0xB07AA1),
        new Color(0xFF9DA7),
        new Color(0x9C755F),
        new Color(0xBAB0AC)
    };
    private static final Color TEXT = new Color(0x333333), GRID = new Color(0xE6E6E6), FRAME = new Color(0xBBBBBB);
    static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12),
            TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    private Charts() {}

    /** Applies the house style to any chart, so hand-made charts sit well beside these. Returns the chart. */
    public static <C extends Chart<?, ?>> C style(C chart) {
        Styler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE)
                .setPlotBackgroundColor(Color.WHITE)
                .setPlotBorderVisible(false)
                .setChartTitleBoxVisible(false)
                .setChartFontColor(TEXT)
                .setChartTitleFont(TITLE)
                .setLegendFont(FONT)
                .setLegendBorderColor(GRID)
                .setLegendBackgroundColor(Color.WHITE)
                .setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Horizontal)
                .setSeriesColors(PALETTE)
                .setSeriesLines(new BasicStroke[] {new BasicStroke(2f)})
                .setAntiAlias(true)
                .setChartPadding(10)
                .setMarkerSize(6);
        if (s instanceof AxesChartStyler a)
            a.setAxisTitleFont(FONT)
                    .setAxisTickLabelsFont(FONT)
                    .setAxisTickLabelsColor(TEXT)
                    .setAxisTickMarksColor(FRAME)
                    .setPlotGridLinesColor(GRID)
                    .setPlotGridLinesStroke(new BasicStroke(1f))
                    .setPlotMargin(4)
                    .setAxisTitlePadding(6);
        return chart;
    }

    /**
     * Lines from named {x, y} pairs: the building block for curves the other builders do not cover. Points get
     * markers while there are few enough to see them.
     * @param series name → {@code {xs, ys}} of equal lengths
     * @throws IllegalArgumentException on no series, or a series that is empty, not a pair, or of unequal lengths
     */
    public static XYChart lines(String title, String xLabel, String yLabel, Map<String, double[][]> series) {
        nonEmpty(series, "lines '" + title + "'", "series");
        XYChart c = xy(title, xLabel, yLabel);
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] v = e.getValue();
            String name = name(e.getKey(), "lines");
            check(
                    v != null && v.length == 2 && v[0] != null && v[1] != null,
                    "series '" + name + "' must be {xs, ys}, got " + (v == null ? "null" : v.length + " arrays"));
            check(
                    v[0].length == v[1].length,
                    "series '" + name + "' has " + v[0].length + " x values and " + v[1].length + " y values");
            check(v[0].length > 0, "series '" + name + "' is empty");
            line(c.addSeries(name, v[0], v[1]), 2f, v[0].length <= 30, null);
        }
        return legend(c, series.size());
    }

    /**
     * A training run: each step's batch accuracy as a thin line (noisy: a handful of rollouts), each validation's
     * accuracy as a bold line with markers (what model selection uses). Accuracy axis fixed to [0, 1] so runs
     * compare by eye. Steps without a finite accuracy are skipped.
     * @throws IllegalArgumentException when there are neither steps nor validations
     */
    public static XYChart learningCurve(String title, List<Trainer.Step> steps, List<Trainer.Validation> validations) {
        check(
                steps != null && !steps.isEmpty() || validations != null && !validations.isEmpty(),
                "learning curve '" + title + "': no steps and no validations to plot");
        XYChart c = xy(title, "iteration", "accuracy");
        c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        if (steps != null) for (Trainer.Step s : steps) point(xs, ys, s.iteration(), s.batchAccuracy());
        if (!xs.isEmpty()) line(c.addSeries("batch accuracy", xs, ys), 1f, false, PALETTE[0]);
        if (validations != null && !validations.isEmpty())
            line(validationSeries(c, "validation accuracy", validations), 2.5f, true, PALETTE[1]);
        return legend(c, c.getSeriesCollection().size());
    }

    /**
     * Validation accuracy of several runs on one axis (SVF against LoRA against next-token training, or seeds).
     * @throws IllegalArgumentException on no runs or a run without validations
     */
    public static XYChart validationCurves(String title, Map<String, List<Trainer.Validation>> runs) {
        nonEmpty(runs, "validation curves '" + title + "'", "runs");
        XYChart c = xy(title, "iteration", "validation accuracy");
        c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        for (Map.Entry<String, List<Trainer.Validation>> e : runs.entrySet()) {
            String name = name(e.getKey(), "validation curves");
            check(e.getValue() != null && !e.getValue().isEmpty(), "run '" + name + "' has no validations");
            line(validationSeries(c, name, e.getValue()), 2f, e.getValue().size() <= 30, null);
        }
        return legend(c, runs.size());
    }

    /**
     * Singular-value spectra, one line per matrix, σ on a log axis (spectra span decades). With more than
     * {@link #MAX_LEGEND} matrices the legend goes and colour runs from blue (first in map order, e.g. layer 0)
     * to orange (last), so depth stays readable. Non-positive values cannot sit on a log axis and are left out.
     * @param normalized divide each spectrum by its largest value, to compare shapes across layers
     * @throws IllegalArgumentException on no spectra, or one that is empty or has no positive value
     */
    public static XYChart spectra(String title, Map<String, float[]> spectra, boolean normalized) {
        nonEmpty(spectra, "spectra '" + title + "'", "spectra");
        XYChart c = xy(title, "singular value index", normalized ? "σ / σ_max" : "σ");
        c.getStyler().setYAxisLogarithmic(true);
        int n = spectra.size(), k = 0;
        for (Map.Entry<String, float[]> e : spectra.entrySet()) {
            String name = name(e.getKey(), "spectra");
            float[] s = e.getValue();
            check(s != null && s.length > 0, "spectrum '" + name + "' is empty");
            double max = 0;
            for (float v : s) max = Math.max(max, v);
            check(max > 0, "spectrum '" + name + "' has no positive singular value");
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            for (int i = 0; i < s.length; i++) if (s[i] > 0) point(xs, ys, i + 1, normalized ? s[i] / max : s[i]);
            boolean many = n > MAX_LEGEND;
            line(
                    c.addSeries(name, xs, ys),
                    many ? 1f : 1.5f,
                    false,
                    many ? blend(new Color(0x1F4E79), PALETTE[1], (double) k++ / (n - 1)) : null);
        }
        return legend(c, n);
    }

    /**
     * Grouped bars: one colour per series, one group per category (categories in first-seen order; a category
     * a series lacks is left empty).
     * @param series name → (category → value)
     * @throws IllegalArgumentException on no series or a series without values
     */
    public static CategoryChart bars(String title, String yLabel, Map<String, Map<String, Double>> series) {
        nonEmpty(series, "bars '" + title + "'", "series");
        LinkedHashSet<String> categories = new LinkedHashSet<>();
        for (Map.Entry<String, Map<String, Double>> e : series.entrySet()) {
            check(
                    e.getValue() != null && !e.getValue().isEmpty(),
                    "series '" + name(e.getKey(), "bars") + "' has no values");
            categories.addAll(e.getValue().keySet());
        }
        CategoryChart c = category(title, "", yLabel, List.copyOf(series.keySet()));
        List<String> xs = List.copyOf(categories);
        for (Map.Entry<String, Map<String, Double>> e : series.entrySet())
            c.addSeries(
                    e.getKey(),
                    xs,
                    xs.stream().map(x -> finite(e.getValue().get(x))).toList());
        ChartLayout.turnLabelsThatCollide(c, xs);
        ChartLayout.roomAbove(c, false);
        return legend(c, List.copyOf(series.keySet()));
    }

    /** A heat map without axis titles; see {@link #heatmap(String, String, String, List, List, double[][])}. */
    public static HeatMapChart heatmap(String title, List<String> xLabels, List<String> yLabels, double[][] values) {
        return heatmap(title, "", "", xLabels, yLabels, values);
    }

    /**
     * A heat map of {@code values[y][x]}, first row at the top as in a printed table, values written in the cells
     * while they fit. NaN cells stay blank.
     * @throws IllegalArgumentException when labels are missing or the shape of {@code values} does not match them
     */
    public static HeatMapChart heatmap(
            String title, String xTitle, String yTitle, List<String> xLabels, List<String> yLabels, double[][] values) {
        check(
                xLabels != null && !xLabels.isEmpty() && yLabels != null && !yLabels.isEmpty(),
                "heat map '" + title + "' needs x and y labels");
        check(
                values != null && values.length == yLabels.size(),
                "heat map '" + title + "' has " + yLabels.size() + " y labels but "
                        + (values == null ? 0 : values.length) + " rows");
        List<Number[]> cells = new ArrayList<>();
        int rows = yLabels.size();
        for (int y = 0; y < rows; y++) {
            check(
                    values[y] != null && values[y].length == xLabels.size(),
                    "heat map '" + title + "': row " + y + " ('" + yLabels.get(y) + "') has "
                            + (values[y] == null ? 0 : values[y].length) + " values, expected " + xLabels.size()
                            + " (one per x label)");
            // XChart puts y index 0 at the bottom.
            for (int x = 0; x < xLabels.size(); x++)
                if (!Double.isNaN(values[y][x])) cells.add(new Number[] {x, rows - 1 - y, values[y][x]});
        }
        DoubleSummaryStatistics range =
                cells.stream().mapToDouble(v -> v[2].doubleValue()).summaryStatistics();
        double min = cells.isEmpty() ? 0 : range.getMin(), max = cells.isEmpty() ? 1 : range.getMax();
        List<String> bottomUp = new ArrayList<>(yLabels);
        Collections.reverse(bottomUp);
        // The theme argument matters: HeatMapChart(int, int) of XChart 4.0.3 leaves colours and fonts unset.
        HeatMapChart c = axes(new HeatMapChart(WIDTH, HEIGHT, Styler.ChartTheme.XChart), title, xTitle, yTitle);
        c.getStyler()
                .setRangeColors(new Color[] {Color.WHITE, new Color(0xA9C4E0), new Color(0x5A86B8)})
                .setShowValue(cells.size() <= 300)
                .setValueFont(FONT)
                .setValueFontColor(TEXT)
                .setMin(min)
                .setMax(max > min ? max : min + 1)
                .setLegendPosition(Styler.LegendPosition.OutsideS)
                .setHeatMapValueDecimalPattern(Math.max(Math.abs(min), Math.abs(max)) >= 100 ? "0" : "0.00")
                .setPlotGridLinesVisible(false);
        // Every row and column is a category: label each one (XChart would skip some), and round the colour legend.
        c.getStyler().setXAxisTickMarkSpacingHint(10).setYAxisTickMarkSpacingHint(10);
        c.getStyler().setDecimalPattern(Math.max(Math.abs(min), Math.abs(max)) >= 100 ? "0" : "0.00");
        c.addSeries(title, xLabels, bottomUp, cells);
        return c;
    }

    /**
     * Where a dispatcher routed each true category (the paper's Fig. 6): rows are true categories, columns the
     * chosen labels, cells the fraction of the row, on a fixed 0–1 scale so strategies compare. Categories that
     * had no requests are left out, as in {@link ConfusionMatrix#toMarkdown()}.
     * @throws IllegalArgumentException when the matrix counts no request at all
     */
    public static HeatMapChart confusion(ConfusionMatrix m) {
        List<String> rows =
                m.trueLabels().stream().filter(t -> m.rowTotal(t) > 0).toList();
        check(!rows.isEmpty(), "confusion matrix '" + m.strategy() + "' counts no requests");
        double[][] rates = new double[rows.size()][m.chosenLabels().size()];
        for (int r = 0; r < rows.size(); r++)
            for (int k = 0; k < m.chosenLabels().size(); k++)
                rates[r][k] = m.rate(rows.get(r), m.chosenLabels().get(k));
        String title = String.format(Locale.ROOT, "Routing by %s (accuracy %.1f %%)", m.strategy(), 100 * m.accuracy());
        HeatMapChart c = heatmap(title, "chosen", "true category", m.chosenLabels(), rows, rates);
        c.getStyler().setMin(0).setMax(1);
        return c;
    }

    /**
     * Accuracy per task (groups) and strategy (colours), each bar with its 95 % Wilson interval as a whisker. The y axis
     * ends a little above the highest whisker (at most 1), so bars that are all under 0.3 fill the plot instead of
     * hugging its floor; a bar at exactly 0 gets a stub and a "0", so it cannot be mistaken for a missing value.
     * Unmeasured cells are left empty.
     * @throws IllegalArgumentException when the table has no rows or columns
     */
    public static CategoryChart accuracy(AccuracyTable t) {
        check(!t.rows().isEmpty() && !t.columns().isEmpty(), "accuracy table '" + t.title() + "' is empty");
        int cols = t.columns().size(), rows = t.rows().size();
        double[][] lo = new double[cols][rows], hi = new double[cols][rows];
        double top = 0;
        for (int k = 0; k < cols; k++)
            for (int r = 0; r < rows; r++) {
                var cell = t.cell(t.rows().get(r), t.columns().get(k));
                lo[k][r] = cell.map(c -> c.proportion().lo()).orElse(Double.NaN);
                hi[k][r] = cell.map(c -> c.proportion().hi()).orElse(Double.NaN);
                if (cell.isPresent())
                    top = Math.max(top, Math.max(hi[k][r], cell.get().accuracy()));
            }
        IntervalBars c = new IntervalBars(ChartLayout.widthFor(t.columns()), HEIGHT, t.rows(), lo, hi);
        axes(c, t.title() == null || t.title().isBlank() ? "Accuracy" : t.title(), "task", "accuracy (95 % interval)");
        c.getStyler().setAvailableSpaceFill(0.8).setPlotGridVerticalLinesVisible(false);
        c.getStyler().setYAxisMin(0.0).setYAxisMax(axisTop(top)).setYAxisDecimalPattern("0.00");
        for (String col : t.columns())
            c.addSeries(
                    col,
                    t.rows(),
                    t.rows().stream().map(row -> finite(t.accuracy(row, col))).toList());
        return legend(c, t.columns());
    }

    /**
     * Where a 0–1 axis should end to show values up to {@code top}: a tenth above it, rounded up to the next 0.05,
     * never above 1 and never below 0.1.
     */
    static double axisTop(double top) {
        if (!(top > 0)) return 0.1;
        return Math.min(1.0, Math.max(0.1, Math.ceil((top * 1.1) / 0.05 - 1e-9) * 0.05));
    }

    /**
     * How few-shot CEM moved: the mean α of each expert in the sampling distribution per iteration (mean over
     * matrices when α is per matrix), with the best shot accuracy so far dashed on a right-hand 0–1 axis.
     * @throws IllegalArgumentException when the search has no history or its vectors do not match its experts
     */
    public static XYChart cemAlpha(FewShotCem.Result r) {
        check(r.history() != null && !r.history().isEmpty(), "CEM result for '" + r.task() + "' has no iterations");
        int k = r.experts().size(), per = r.perMatrix() ? r.matrices().size() : 1;
        XYChart c = xy("Few-shot CEM on " + r.task(), "iteration", "mean α");
        double[] xs = new double[r.history().size()], acc = new double[xs.length];
        double[][] alpha = new double[k][xs.length];
        for (int i = 0; i < xs.length; i++) {
            FewShotCem.Iteration it = r.history().get(i);
            check(
                    it.mean().size() == k * per,
                    "CEM iteration " + it.iteration() + " has " + it.mean().size() + " means, expected " + k * per
                            + " (" + k + " experts × " + per + ")");
            xs[i] = it.iteration();
            acc[i] = it.bestFitness().accuracy();
            for (int e = 0; e < k; e++)
                for (int j = 0; j < per; j++) alpha[e][i] += it.mean().get(e * per + j) / per;
        }
        for (int e = 0; e < k; e++)
            line(c.addSeries("α " + r.experts().get(e), xs, alpha[e]), 2f, xs.length <= 30, null);
        XYSeries best = line(c.addSeries("best shot accuracy", xs, acc), 1.5f, false, TEXT);
        best.setLineStyle(new BasicStroke(
                        1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f))
                .setYAxisGroup(1);
        c.setYAxisGroupTitle(1, "shot accuracy");
        c.getStyler().setYAxisMin(1, 0.0).setYAxisMax(1, 1.0).setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        return legend(c, k + 1);
    }

    /**
     * Where adaptation spends its time: stacked milliseconds per request of the first pass, composing weights and the
     * second pass, one bar per strategy (rows of the same strategy on several tasks pooled, weighted by their requests),
     * every bar labelled. One bar per task and strategy would be dozens of bars with most labels dropped.
     * @throws IllegalArgumentException on no rows
     */
    public static CategoryChart timing(List<TimingSummary> rows) {
        check(rows != null && !rows.isEmpty(), "timing chart: no rows");
        Map<String, double[]> byStrategy =
                new java.util.LinkedHashMap<>(); // strategy -> {pass1, compose, pass2, requests}
        LinkedHashSet<String> tasks = new LinkedHashSet<>();
        for (TimingSummary t : rows) {
            double[] a = byStrategy.computeIfAbsent(t.strategy(), k -> new double[4]);
            a[0] += t.pass1Seconds();
            a[1] += t.composeSeconds();
            a[2] += t.pass2Seconds();
            a[3] += t.examples();
            tasks.add(t.task());
        }
        List<String> labels = List.copyOf(byStrategy.keySet());
        double[][] ms = new double[3][labels.size()];
        for (int i = 0; i < labels.size(); i++) {
            double[] a = byStrategy.get(labels.get(i));
            for (int p = 0; p < 3; p++) ms[p][i] = a[3] == 0 ? 0 : 1000 * a[p] / a[3];
        }
        String over = tasks.size() == 1 ? "on " + tasks.iterator().next() : "over " + tasks.size() + " tasks";
        CategoryChart c = category(
                "Time per request by strategy (" + over + ")",
                "strategy",
                "ms per request",
                List.of("pass 1", "compose", "pass 2"));
        c.getStyler().setStacked(true).setXAxisTickMarkSpacingHint(1);
        String[] parts = {"pass 1", "compose", "pass 2"};
        for (int p = 0; p < 3; p++)
            c.addSeries(parts[p], labels, Arrays.stream(ms[p]).boxed().toList());
        ChartLayout.turnLabelsThatCollide(c, labels);
        ChartLayout.roomAbove(c, true);
        return legend(c, List.of(parts));
    }

    /**
     * How experts differ layer by layer: each expert's mean mask (of its parametrization) per matrix, with the
     * matrix's position in {@code matrices} on the x axis. Under the plain scale a mask of 1 keeps σ; under the sigmoid
     * mask any constant mask does (the sum of σ is renormalised), so read the differences between experts and layers
     * rather than the level.
     * @throws IllegalArgumentException on no experts or matrices, or an expert without a z-vector for a matrix
     */
    public static XYChart zVectors(String title, Map<String, Expert> experts, List<String> matrices) {
        nonEmpty(experts, "z-vectors '" + title + "'", "experts");
        check(matrices != null && !matrices.isEmpty(), "z-vectors '" + title + "': no matrices");
        XYChart c = xy(title, "matrix (index in the given order)", "mean mask");
        double[] xs = new double[matrices.size()];
        Arrays.setAll(xs, i -> i);
        for (Map.Entry<String, Expert> e : experts.entrySet()) {
            String name = name(e.getKey(), "z-vectors");
            double[] ys = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                float[] z = e.getValue().z().get(matrices.get(i));
                check(z != null && z.length > 0, "expert '" + name + "' has no z-vector for '" + matrices.get(i) + "'");
                for (float m : e.getValue().parametrization().masks(z)) ys[i] += (double) m / z.length;
            }
            line(c.addSeries(name, xs, ys), 2f, xs.length <= 48, null);
        }
        return legend(c, experts.size());
    }

    /**
     * Trainable parameters on a log axis, with the counts written on the bars: SVF and LoRA differ by orders of
     * magnitude, which a linear axis would flatten to one visible bar.
     * @throws IllegalArgumentException on no counts or a count that is not positive
     */
    public static CategoryChart parameterCounts(String title, Map<String, Long> counts) {
        nonEmpty(counts, "parameter counts '" + title + "'", "counts");
        List<String> xs = new ArrayList<>();
        List<Long> ys = new ArrayList<>();
        counts.forEach((k, v) -> {
            check(v != null && v > 0, "parameter count of '" + k + "' must be positive, got " + v);
            xs.add(name(k, "parameter counts"));
            ys.add(v);
        });
        CategoryChart c = category(title, "", "parameters (log scale)");
        // Bars grow from the axis minimum, which XChart would put at 0: start a decade below the smallest count; and
        // end the axis a factor of two (0.3 decade) above the largest, which would otherwise touch the frame.
        c.getStyler()
                .setYAxisLogarithmic(true)
                .setYAxisMin(Math.pow(10, Math.floor(Math.log10(Collections.min(ys))) - 1))
                .setYAxisMax(2.0 * Collections.max(ys))
                .setYAxisDecimalPattern("#,###");
        c.getStyler()
                .setLabelsVisible(true)
                .setLabelsFont(FONT)
                .setLabelsFontColor(TEXT)
                .setLabelsFontColorAutomaticEnabled(false)
                .setLegendVisible(false);
        c.addSeries("parameters", xs, ys);
        ChartLayout.turnLabelsThatCollide(c, xs);
        return c;
    }

    private static <C extends AxesChart<?, ?>> C axes(C c, String title, String xLabel, String yLabel) {
        check(title != null && !title.isBlank(), "a chart needs a title");
        style(c).setTitle(title);
        c.setXAxisTitle(xLabel);
        c.setYAxisTitle(yLabel);
        return c;
    }

    private static XYChart xy(String title, String xLabel, String yLabel) {
        return axes(new XYChart(WIDTH, HEIGHT), title, xLabel, yLabel);
    }

    private static CategoryChart category(String title, String xLabel, String yLabel) {
        return category(title, xLabel, yLabel, List.of());
    }

    private static CategoryChart category(String title, String xLabel, String yLabel, List<String> series) {
        CategoryChart c = axes(new CategoryChart(ChartLayout.widthFor(series), HEIGHT), title, xLabel, yLabel);
        c.getStyler().setAvailableSpaceFill(0.7).setPlotGridVerticalLinesVisible(false);
        return c;
    }

    private static XYSeries validationSeries(XYChart c, String name, List<Trainer.Validation> vs) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (Trainer.Validation v : vs) point(xs, ys, v.iteration(), v.accuracy());
        check(!xs.isEmpty(), "'" + name + "' has no finite validation accuracy");
        return c.addSeries(name, xs, ys);
    }

    /** Line width, markers or none, and a colour other than the palette's when not null. */
    private static XYSeries line(XYSeries s, float width, boolean markers, Color color) {
        s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE).setLineWidth(width);
        if (color != null) s.setMarkerColor(color).setLineColor(color);
        return s;
    }

    private static void point(List<Double> xs, List<Double> ys, double x, double y) {
        if (Double.isFinite(x) && Double.isFinite(y)) {
            xs.add(x);
            ys.add(y);
        }
    }

    private static <C extends Chart<?, ?>> C legend(C c, int series) {
        c.getStyler().setLegendVisible(series <= MAX_LEGEND);
        if (c instanceof XYChart xy) ChartLayout.readableTicks(xy);
        return c;
    }

    /** Legend below the plot while the names fit in one row there, else a column on the right (see {@link ChartLayout#widthFor}). */
    private static <C extends Chart<?, ?>> C legend(C c, List<String> series) {
        legend(c, series.size());
        if (!ChartLayout.legendFitsBelow(series))
            c.getStyler()
                    .setLegendPosition(Styler.LegendPosition.OutsideE)
                    .setLegendLayout(Styler.LegendLayout.Vertical);
        return c;
    }

    private static Color blend(Color a, Color b, double t) {
        float[] x = a.getRGBColorComponents(null), y = b.getRGBColorComponents(null);
        return new Color(
                x[0] + (float) t * (y[0] - x[0]), x[1] + (float) t * (y[1] - x[1]), x[2] + (float) t * (y[2] - x[2]));
    }

    private static Double finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }

    private static String name(String name, String chart) {
        check(name != null, chart + ": a series name is null");
        return name;
    }

    private static void nonEmpty(Map<?, ?> m, String chart, String what) {
        check(m != null && !m.isEmpty(), chart + ": no " + what + " to plot");
    }

    private static void check(boolean ok, String problem) {
        if (!ok) throw new IllegalArgumentException(problem);
    }
}
