package t2j.dsl;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import t2j.adapt.log.AdaptationLog;
import t2j.adapt.log.LogEntry;
import tech.tablesaw.api.Table;

/**
 * A view of an adaptation log: every composition of weights a session made, as a table and a timeline (time on x,
 * one row per mixture, one colour per purpose). Filter it to what you want to see.
 *
 * <pre>{@code
 * t2.log()                                  // the whole session
 * t2.log().composing("math").timeline()     // when the math expert was in the weights
 * Log.read(Path.of("session.jsonl"))
 * }</pre>
 */
public final class Log implements Renderable {
    private final String title;
    private final List<LogEntry> entries;

    Log(String title, List<LogEntry> entries) {
        this.title = title;
        this.entries = List.copyOf(entries);
    }

    /** A log file written by a session (a torn last line is skipped). */
    public static Log read(java.nio.file.Path file) {
        try {
            return new Log(file.getFileName().toString(), AdaptationLog.read(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public List<LogEntry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public Log filter(Predicate<LogEntry> keep) {
        return new Log(title, entries.stream().filter(keep).toList());
    }

    /** Entries that composed {@code expert}. */
    public Log composing(String expert) {
        return new Log(
                title + " composing " + expert,
                entries.stream().filter(AdaptationLog.composing(expert)).toList());
    }

    /** Entries made for {@code purpose}: {@code answer}, {@code dispatch}, {@code search}, {@code score}, ... */
    public Log purpose(String purpose) {
        return new Log(
                title + ", " + purpose,
                entries.stream().filter(AdaptationLog.purpose(purpose)).toList());
    }

    /** The markdown table of {@link AdaptationLog#table}. */
    public String markdown() {
        return AdaptationLog.table(entries);
    }

    public Table table() {
        List<List<?>> rows = new ArrayList<>();
        for (LogEntry e : entries) {
            List<String> labels =
                    e.answers().stream().map(LogEntry.Answer::label).distinct().toList();
            String reason = e.answers().isEmpty()
                    ? (e.note() == null ? "" : e.note())
                    : e.answers().get(0).reason();
            rows.add(List.of(
                    e.seq(),
                    e.time().length() > 19 ? e.time().substring(11, 19) : e.time(),
                    e.purpose(),
                    e.mixture(),
                    e.matrices().size(),
                    AdaptationLog.controlsText(e),
                    e.answers().size(),
                    String.join(", ", labels),
                    reason,
                    String.format(Locale.ROOT, "%.1f", 1e3 * e.composeSeconds()),
                    String.format(Locale.ROOT, "%.1f", 1e3 * e.pass2Seconds())));
        }
        return Tables.of(
                title,
                List.of(
                        "#",
                        "time",
                        "purpose",
                        "mixture",
                        "matrices",
                        "controls",
                        "answers",
                        "labels",
                        "reason (first answer's) or note",
                        "compose ms",
                        "pass 2 ms"),
                rows);
    }

    /**
     * Each entry at its time (seconds since the first), one row and one colour per mixture, so the chart shows which
     * weights the model held when; purposes other than answering are named in the legend.
     */
    public XYChart timeline() {
        if (entries.isEmpty()) throw new IllegalStateException("the log '" + title + "' has no entries to draw");
        List<String> rows = new ArrayList<>();
        for (LogEntry e : entries) if (!rows.contains(row(e))) rows.add(row(e));
        Instant t0 = Instant.parse(entries.get(0).time());
        Map<String, List<double[]>> byRow = new LinkedHashMap<>();
        for (LogEntry e : entries) {
            double x = (Instant.parse(e.time()).toEpochMilli() - t0.toEpochMilli()) / 1e3;
            byRow.computeIfAbsent(row(e), k -> new ArrayList<>())
                    .add(new double[] {x, rows.size() - 1 - rows.indexOf(row(e))});
        }
        XYChart c = new XYChartBuilder()
                .width(Charts.WIDTH)
                .height(Math.max(Charts.HEIGHT / 2, 120 + 30 * rows.size()))
                .title(title + ": compositions over time")
                .xAxisTitle("seconds since the first composition")
                .yAxisTitle("")
                .build();
        Charts.style(c);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(9);
        c.getStyler().setYAxisMin(-0.5);
        c.getStyler().setYAxisMax(rows.size() - 0.5);
        c.getStyler().setYAxisTicksVisible(false);
        byRow.forEach((r, pts) -> {
            double[] xs = new double[pts.size()], ys = new double[pts.size()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = pts.get(i)[0];
                ys[i] = pts.get(i)[1];
            }
            c.addSeries(r + " (" + pts.size() + ")", xs, ys);
        });
        return c;
    }

    private static String row(LogEntry e) {
        return e.purpose().equals("answer") ? e.mixture() : e.mixture() + ", " + e.purpose();
    }

    @Override
    public Map<String, Object> mimeBundle() {
        if (entries.isEmpty())
            return Mime.html("<i>" + Mime.escape(title) + ": no compositions logged</i>", title + ": empty");
        return Mime.stack(toString(), table(), timeline());
    }

    @Override
    public String toString() {
        return title + ": " + entries.size() + " compositions";
    }
}
