package t2j.dsl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.AxesChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import t2j.adapt.AccuracyTable;
import t2j.adapt.ConfusionMatrix;
import t2j.adapt.ConfusionMatrix.Pair;
import t2j.adapt.FewShotCem;
import t2j.adapt.Mixture;
import t2j.adapt.TimingSummary;
import t2j.svf.Expert;
import t2j.train.Trainer;

class ChartsTest {
    static final double EPS = 1e-9;

    static List<String> names(Chart<?, ?> c) {
        return c.getSeriesCollection().stream().map(s -> s.getName()).toList();
    }

    static XYSeries xy(XYChart c, String name) {
        return c.getSeries(name);
    }

    /** The cell value XChart will draw at column x, row y (row 0 at the top, as the builder promises). */
    static double cell(HeatMapChart c, int x, int y) {
        int rows = c.getHeatMapSeries().getYData().size();
        for (Number[] n : c.getHeatMapSeries().getHeatData())
            if (n[0].intValue() == x && n[1].intValue() == rows - 1 - y) return n[2].doubleValue();
        return Double.NaN;
    }

    static void refused(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments)
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' does not mention " + f);
    }

    static AccuracyTable accuracyTable() {
        return AccuracyTable.of(
                "Unseen tasks",
                List.of(
                        new AccuracyTable.Cell("math-hard", "base", 3, 10),
                        new AccuracyTable.Cell("math-hard", "prompt", 5, 10),
                        new AccuracyTable.Cell("code-hard", "base", 1, 4),
                        new AccuracyTable.Cell("code-hard", "prompt", 2, 4),
                        new AccuracyTable.Cell("code-hard", "few-shot", 3, 4)));
    }

    static ConfusionMatrix confusionMatrix() {
        return ConfusionMatrix.of(
                "prompt",
                List.of("math", "code", "reasoning", "unused"),
                List.of(
                        new Pair("math", "math"),
                        new Pair("math", "code"),
                        new Pair("code", "code"),
                        new Pair("reasoning", "reasoning"),
                        new Pair("reasoning", "reasoning"),
                        new Pair("reasoning", "other")));
    }

    static List<TimingSummary> timings() {
        return List.of(
                new TimingSummary("math-hard", "prompt", 10, 1, 1.2, 0.1, 2.5),
                new TimingSummary("math-hard", "prompt", 20, 1, 2, 0.2, 4),
                new TimingSummary("code-hard", "fewshot", 0, 1, 0, 0.1, 0));
    }

    static Map<String, double[][]> twoLines() {
        Map<String, double[][]> m = new LinkedHashMap<>();
        m.put("train", new double[][] {{1, 2, 3}, {0.5, 0.4, 0.3}});
        m.put("test", new double[][] {{1, 2, 3}, {0.6, 0.5, 0.45}});
        return m;
    }

    @Test
    void everyBuilderMakesATitledLabelledChartInTheHouseStyle() throws Exception {
        List<Chart<?, ?>> charts = List.of(
                Charts.lines("loss", "step", "loss", twoLines()),
                Charts.learningCurve(
                        "math",
                        List.of(new Trainer.Step(1, 0, 0, 0.5, 0, 0, 0, 0)),
                        List.of(new Trainer.Validation(0, 0.4, true))),
                Charts.validationCurves("runs", Map.of("svf", List.of(new Trainer.Validation(0, 0.4, true)))),
                Charts.spectra("σ", Map.of("m", new float[] {3, 2, 1}), false),
                Charts.bars("bars", "value", Map.of("a", Map.of("x", 1.0))),
                Charts.confusion(confusionMatrix()),
                Charts.accuracy(accuracyTable()),
                Charts.timing(timings()),
                Charts.parameterCounts("parameters", Map.of("SVF", 100L, "LoRA", 100_000L)));
        for (Chart<?, ?> c : charts) {
            assertFalse(c.getTitle().isBlank(), c.getClass().getSimpleName());
            assertEquals(Charts.WIDTH, c.getWidth());
            assertEquals(Charts.HEIGHT, c.getHeight());
            assertEquals(Color.WHITE, c.getStyler().getChartBackgroundColor(), c.getTitle());
            assertFalse(c.getStyler().isPlotBorderVisible(), c.getTitle());
            AxesChart<?, ?> axes = (AxesChart<?, ?>) c;
            // Generic bars and parameter counts are named by their categories; every other x axis has a title.
            assertTrue(
                    List.of("bars", "parameters").contains(c.getTitle())
                            || !axes.getXAxisTitle().isBlank(),
                    c.getTitle() + ": x axis");
            assertFalse(axes.getYAxisTitle().isBlank(), c.getTitle() + ": y axis");
            BufferedImage png = MimeTest.decodeWithInk(Mime.png(c));
            assertEquals(Charts.WIDTH, png.getWidth(), c.getTitle());
        }
        refused(() -> Charts.lines(" ", "x", "y", twoLines()), "title");
    }

    @Test
    void linesKeepsSeriesInOrderAndRefusesBadShapes() {
        XYChart c = Charts.lines("loss", "step", "loss", twoLines());
        assertEquals(List.of("train", "test"), names(c));
        assertArrayEquals(new double[] {0.6, 0.5, 0.45}, xy(c, "test").getYData(), EPS);
        assertEquals(SeriesMarkers.CIRCLE, xy(c, "train").getMarker(), "few points get markers");
        assertTrue(c.getStyler().isLegendVisible());
        refused(() -> Charts.lines("loss", "x", "y", Map.of()), "lines 'loss'", "no series");
        refused(
                () -> Charts.lines("loss", "x", "y", Map.of("a", new double[][] {{1, 2, 3}, {1, 2}})),
                "'a'",
                "3 x values and 2 y values");
        refused(
                () -> Charts.lines("loss", "x", "y", Map.of("a", new double[][] {{1, 2}})),
                "'a'",
                "{xs, ys}",
                "1 arrays");
        refused(() -> Charts.lines("loss", "x", "y", Map.of("a", new double[][] {{}, {}})), "'a' is empty");
    }

    @Test
    void learningCurveShowsBatchAndValidationAccuracyOnAUnitAxis() {
        List<Trainer.Step> steps = new ArrayList<>();
        for (int i = 1; i <= 40; i++) steps.add(new Trainer.Step(i, 1, 0, i == 7 ? Double.NaN : i / 40.0, 0, 0, 0, 0));
        List<Trainer.Validation> vals = List.of(
                new Trainer.Validation(0, 0.2, true),
                new Trainer.Validation(20, 0.5, true),
                new Trainer.Validation(40, 0.4, false));
        XYChart c = Charts.learningCurve("math expert", steps, vals);
        assertEquals(List.of("batch accuracy", "validation accuracy"), names(c));
        assertEquals(39, xy(c, "batch accuracy").getXData().length, "the NaN step is skipped");
        assertEquals(SeriesMarkers.NONE, xy(c, "batch accuracy").getMarker());
        assertArrayEquals(new double[] {0, 20, 40}, xy(c, "validation accuracy").getXData(), EPS);
        assertArrayEquals(
                new double[] {0.2, 0.5, 0.4}, xy(c, "validation accuracy").getYData(), EPS);
        assertEquals(0.0, c.getStyler().getYAxisMin());
        assertEquals(1.0, c.getStyler().getYAxisMax());
        assertTrue(
                c.getStyler().getXAxisMax() > 40 && c.getStyler().getXAxisMax() < 40.1,
                "round ticks for 41 iterations");
        assertEquals(List.of("validation accuracy"), names(Charts.learningCurve("v", List.of(), vals)));
        refused(
                () -> Charts.learningCurve("empty run", List.of(), List.of()),
                "'empty run'",
                "no steps and no validations");
    }

    @Test
    void validationCurvesCompareRuns() {
        Map<String, List<Trainer.Validation>> runs = new LinkedHashMap<>();
        runs.put("SVF", List.of(new Trainer.Validation(0, 0.3, true), new Trainer.Validation(10, 0.6, true)));
        runs.put("LoRA", List.of(new Trainer.Validation(0, 0.3, true), new Trainer.Validation(10, 0.4, true)));
        XYChart c = Charts.validationCurves("SVF vs LoRA", runs);
        assertEquals(List.of("SVF", "LoRA"), names(c));
        assertArrayEquals(new double[] {0.3, 0.4}, xy(c, "LoRA").getYData(), EPS);
        runs.put("next-token", List.of());
        refused(() -> Charts.validationCurves("SVF vs LoRA", runs), "'next-token'", "no validations");
    }

    @Test
    void spectraAreLogScaledNormalisedAndLoseTheLegendWhenMany() {
        Map<String, float[]> few = new LinkedHashMap<>();
        few.put("layers.0.mlp", new float[] {4, 2, 1, 0});
        few.put("layers.1.mlp", new float[] {10, 1, 0.1f});
        XYChart c = Charts.spectra("spectra", few, true);
        assertTrue(c.getStyler().isYAxisLogarithmic());
        assertEquals(List.of("layers.0.mlp", "layers.1.mlp"), names(c));
        assertArrayEquals(
                new double[] {1, 0.5, 0.25}, xy(c, "layers.0.mlp").getYData(), EPS, "σ = 0 cannot sit on a log axis");
        assertArrayEquals(new double[] {1, 2, 3}, xy(c, "layers.0.mlp").getXData(), EPS);
        assertArrayEquals(
                new double[] {10, 1, 0.1},
                xy(Charts.spectra("raw", few, false), "layers.1.mlp").getYData(),
                1e-6);
        assertTrue(c.getStyler().isLegendVisible());
        Map<String, float[]> many = new LinkedHashMap<>();
        for (int m = 0; m < 48; m++) many.put("layers." + m, new float[] {m + 1, 1});
        XYChart all = Charts.spectra("48 matrices", many, true);
        assertEquals(48, all.getSeriesCollection().size());
        assertFalse(all.getStyler().isLegendVisible());
        assertEquals(SeriesMarkers.NONE, xy(all, "layers.47").getMarker());
        assertTrue(xy(all, "layers.47").getLineWidth() <= 1f);
        assertFalse(
                xy(all, "layers.0").getLineColor().equals(xy(all, "layers.47").getLineColor()), "depth is coloured");
        refused(() -> Charts.spectra("s", Map.of("m", new float[0]), true), "'m' is empty");
        refused(() -> Charts.spectra("s", Map.of("zero", new float[] {0, 0}), true), "'zero'", "no positive");
        refused(() -> Charts.spectra("s", Map.of(), true), "no spectra");
    }

    @Test
    void barsGroupByCategoryAndLeaveGapsForMissingValues() {
        Map<String, Map<String, Double>> series = new LinkedHashMap<>();
        series.put("SVF", new LinkedHashMap<>(Map.of("math", 0.5)));
        series.get("SVF").put("code", 0.25);
        series.put("LoRA", Map.of("code", 0.2));
        CategoryChart c = Charts.bars("accuracy", "accuracy", series);
        assertEquals(List.of("SVF", "LoRA"), names(c));
        CategorySeries lora = c.getSeries("LoRA");
        assertEquals(List.of("math", "code"), List.copyOf(lora.getXData()));
        assertTrue(Double.isNaN(lora.getYData()[0]), "LoRA has no math value: no bar, not a zero bar");
        assertEquals(0.2, lora.getYData()[1], EPS);
        series.put("empty", Map.of());
        refused(() -> Charts.bars("accuracy", "accuracy", series), "'empty'", "no values");
    }

    @Test
    void barLabelsTurnOnlyWhenTheyWouldOverlap() {
        Map<String, Double> shortOnes = new LinkedHashMap<>(), longOnes = new LinkedHashMap<>();
        for (String name : List.of("math", "code", "reasoning")) shortOnes.put(name, 1.0);
        for (String name : List.of(
                "bf16 on disk", "bf16 weights in RAM (the default)", "float32 weights in RAM", "SVD of MLP (U, σ, Vᵀ)"))
            longOnes.put(name, 1.0);
        assertEquals(
                0,
                Charts.bars("b", "v", Map.of("s", shortOnes)).getStyler().getXAxisLabelRotation(),
                "three short labels fit side by side");
        assertEquals(
                45,
                Charts.bars("b", "v", Map.of("s", longOnes)).getStyler().getXAxisLabelRotation(),
                "four labels of 20-odd characters do not fit in 640 pixels");
    }

    @Test
    void barsStartOnTheAxisAndEndBelowTheFrame() {
        Map<String, Map<String, Double>> budget = new LinkedHashMap<>();
        budget.put("llama", Map.of("float32", 32.0, "bf16", 16.0));
        budget.put("mistral", Map.of("float32", 29.0));
        CategoryChart bars = Charts.bars("budget", "GB", budget);
        assertEquals(0.0, bars.getStyler().getYAxisMin(), EPS);
        assertEquals(32 * (1 + ChartLayout.ROOM_ABOVE), bars.getStyler().getYAxisMax(), EPS, "room above the tallest");

        CategoryChart signed = Charts.bars("change", "points", Map.of("s", Map.of("math", 3.0, "code", -1.0)));
        assertNull(signed.getStyler().getYAxisMax(), "bars of both signs keep XChart's range");

        // Stacked, the tallest bar is a sum: prompt's (1.2+2 + 0.1+0.2 + 2.5+4) s over 30 requests.
        CategoryChart timing = Charts.timing(timings());
        assertEquals(
                1000 * 10.0 / 30 * (1 + ChartLayout.ROOM_ABOVE),
                timing.getStyler().getYAxisMax(),
                1e-9);

        CategoryChart counts = Charts.parameterCounts("p", Map.of("svf", 2_304L, "full", 2_359_296L));
        assertEquals(100.0, counts.getStyler().getYAxisMin(), EPS, "a decade below the smallest, on the log axis");
        assertEquals(2 * 2_359_296.0, counts.getStyler().getYAxisMax(), EPS, "0.3 decade above the largest");
    }

    @Test
    void heatmapPutsTheFirstRowOnTopAndChecksShape() {
        HeatMapChart c = Charts.heatmap("h", List.of("a", "b", "c"), List.of("r0", "r1"), new double[][] {
            {1, 2, 3}, {4, 5, Double.NaN}
        });
        assertEquals(List.of("r1", "r0"), c.getHeatMapSeries().getYData(), "XChart draws y index 0 at the bottom");
        assertEquals(3, cell(c, 2, 0), EPS);
        assertEquals(4, cell(c, 0, 1), EPS);
        assertTrue(Double.isNaN(cell(c, 2, 1)), "NaN cells are left out");
        assertEquals(1, c.getStyler().getMin(), EPS);
        assertEquals(5, c.getStyler().getMax(), EPS);
        refused(
                () -> Charts.heatmap(
                        "h", List.of("a", "b", "c"), List.of("r0", "r1"), new double[][] {{1, 2, 3}, {4, 5}}),
                "row 1 ('r1') has 2 values, expected 3");
        refused(
                () -> Charts.heatmap("h", List.of("a"), List.of("r0", "r1"), new double[][] {{1}}),
                "2 y labels but 1 rows");
        refused(() -> Charts.heatmap("h", List.of(), List.of("r0"), new double[][] {{}}), "needs x and y labels");
    }

    @Test
    void confusionShowsRoutingRatesOfEachTrueCategory() throws Exception {
        ConfusionMatrix m = confusionMatrix();
        HeatMapChart c = Charts.confusion(m);
        assertTrue(c.getTitle().contains("prompt") && c.getTitle().contains("66.7 %"), c.getTitle());
        assertEquals(m.chosenLabels(), c.getHeatMapSeries().getXData());
        assertEquals(List.of("reasoning", "code", "math"), c.getHeatMapSeries().getYData(), "'unused' had no requests");
        List<String> rows = List.of("math", "code", "reasoning");
        for (int r = 0; r < rows.size(); r++)
            for (int k = 0; k < m.chosenLabels().size(); k++)
                assertEquals(m.rate(rows.get(r), m.chosenLabels().get(k)), cell(c, k, r), EPS);
        assertEquals(0.5, cell(c, 1, 0), EPS);
        assertEquals(2 / 3.0, cell(c, 2, 2), EPS);
        assertEquals(1 / 3.0, cell(c, m.chosenLabels().indexOf("other"), 2), EPS);
        assertEquals(0, c.getStyler().getMin(), EPS);
        assertEquals(1, c.getStyler().getMax(), EPS);
        MimeTest.decodeWithInk(Mime.png(c));
        refused(
                () -> Charts.confusion(ConfusionMatrix.of("classifier", List.of("math"), List.of())),
                "'classifier'",
                "no requests");
    }

    @Test
    void accuracyGroupsTasksWithASeriesPerStrategy() {
        AccuracyTable t = accuracyTable();
        CategoryChart c = Charts.accuracy(t);
        assertEquals("Unseen tasks", c.getTitle());
        assertEquals(List.of("base", "prompt", "few-shot"), names(c));
        CategorySeries prompt = c.getSeries("prompt");
        assertEquals(List.of("math-hard", "code-hard"), List.copyOf(prompt.getXData()));
        assertArrayEquals(new double[] {0.5, 0.5}, prompt.getYData(), EPS);
        assertEquals(0.75, c.getSeries("few-shot").getYData()[1], EPS);
        assertEquals(0.0, c.getStyler().getYAxisMin());
        // the axis ends just above the highest whisker (here the Wilson interval of 3/4), and never above 1
        double top = t.cell("code-hard", "few-shot").orElseThrow().proportion().hi();
        assertTrue(
                c.getStyler().getYAxisMax() >= top && c.getStyler().getYAxisMax() <= 1.0,
                "y max " + c.getStyler().getYAxisMax());
        refused(() -> Charts.accuracy(AccuracyTable.of("nothing", List.of())), "'nothing'", "empty");
    }

    @Test
    void cemAlphaAveragesMatricesPerExpertAndPlotsTheBestAccuracy() throws Exception {
        List<FewShotCem.Iteration> history = new ArrayList<>();
        for (int i = 1; i <= 3; i++) // per matrix: expert-major, 2 matrices
        history.add(new FewShotCem.Iteration(
                i,
                List.of(0.1 * i, 0.3 * i, 0.5, 0.7),
                List.of(0.1, 0.1, 0.1, 0.1),
                List.of(1.0, 0.0, 0.0, 1.0),
                new FewShotCem.Fitness(i, 4, -1),
                0.2,
                0.3));
        Map<String, double[]> best = new LinkedHashMap<>(Map.of("math", new double[] {1, 0}));
        best.put("code", new double[] {0, 1});
        FewShotCem.Result r = new FewShotCem.Result(
                "math-hard",
                List.of("math", "code"),
                List.of("q", "k"),
                true,
                Mixture.perMatrix(best),
                new FewShotCem.Fitness(3, 4, -1),
                history,
                96,
                4,
                1.0);
        XYChart c = Charts.cemAlpha(r);
        assertEquals(List.of("α math", "α code", "best shot accuracy"), names(c));
        assertArrayEquals(new double[] {0.2, 0.4, 0.6}, xy(c, "α math").getYData(), EPS);
        assertArrayEquals(new double[] {0.6, 0.6, 0.6}, xy(c, "α code").getYData(), EPS);
        assertArrayEquals(
                new double[] {0.25, 0.5, 0.75}, xy(c, "best shot accuracy").getYData(), EPS);
        assertEquals(1, xy(c, "best shot accuracy").getYAxisGroup());
        assertTrue(c.getTitle().contains("math-hard"));
        MimeTest.decodeWithInk(Mime.png(c));
        FewShotCem.Result wrong = new FewShotCem.Result(
                "t",
                List.of("math", "code", "reasoning"),
                List.of("q", "k"),
                true,
                r.best(),
                r.bestFitness(),
                history,
                1,
                1,
                1);
        refused(() -> Charts.cemAlpha(wrong), "iteration 1 has 4 means, expected 6");
        refused(
                () -> Charts.cemAlpha(new FewShotCem.Result(
                        "t", List.of(), List.of(), false, r.best(), r.bestFitness(), List.of(), 0, 0, 0)),
                "'t'",
                "no iterations");
    }

    @Test
    void timingStacksMillisecondsPerExample() {
        CategoryChart c = Charts.timing(timings());
        assertTrue(c.getStyler().isStacked());
        assertEquals(List.of("pass 1", "compose", "pass 2"), names(c));
        // one bar per strategy: the two prompt rows pool their 30 requests
        assertEquals(
                List.of("prompt", "fewshot"), List.copyOf(c.getSeries("pass 1").getXData()));
        assertArrayEquals(
                new double[] {1000 * 3.2 / 30, 0}, c.getSeries("pass 1").getYData(), 1e-9);
        assertArrayEquals(new double[] {10, 0}, c.getSeries("compose").getYData(), 1e-9);
        assertArrayEquals(
                new double[] {1000 * 6.5 / 30, 0}, c.getSeries("pass 2").getYData(), 1e-9);
        refused(() -> Charts.timing(List.of()), "no rows");
    }

    @Test
    void zVectorsShowTheMeanMaskPerMatrix() {
        List<String> matrices = List.of("layers.0.mlp.down_proj.weight", "layers.1.mlp.down_proj.weight");
        Map<String, Expert> experts = new LinkedHashMap<>();
        experts.put(
                "math",
                new Expert(
                        Map.of(matrices.get(0), new float[] {1, 0.5f}, matrices.get(1), new float[] {2, 2, 2}),
                        Map.of("parametrization", "plain-scale")));
        experts.put(
                "code",
                new Expert(Map.of(matrices.get(0), new float[] {0, 0}, matrices.get(1), new float[] {0}), Map.of()));
        XYChart c = Charts.zVectors("experts", experts, matrices);
        assertEquals(List.of("math", "code"), names(c));
        assertArrayEquals(new double[] {0, 1}, xy(c, "math").getXData(), EPS);
        assertArrayEquals(new double[] {0.75, 2}, xy(c, "math").getYData(), 1e-6);
        assertArrayEquals(
                new double[] {0.5, 0.5}, xy(c, "code").getYData(), 1e-6, "sigmoid(0), the default parametrization");
        refused(
                () -> Charts.zVectors("experts", experts, List.of("layers.9.mlp")),
                "'math'",
                "no z-vector for 'layers.9.mlp'");
        refused(() -> Charts.zVectors("experts", experts, List.of()), "no matrices");
    }

    @Test
    void parameterCountsUseALogAxis() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("SVF", 12_288L);
        counts.put("LoRA rank 16", 1_572_864L);
        CategoryChart c = Charts.parameterCounts("trainable parameters", counts);
        assertTrue(c.getStyler().isYAxisLogarithmic());
        assertEquals(1000.0, c.getStyler().getYAxisMin(), EPS);
        assertArrayEquals(
                new double[] {12_288, 1_572_864}, c.getSeries("parameters").getYData(), EPS);
        assertFalse(c.getStyler().isLegendVisible());
        counts.put("nothing", 0L);
        refused(() -> Charts.parameterCounts("p", counts), "'nothing'", "must be positive");
    }
}
