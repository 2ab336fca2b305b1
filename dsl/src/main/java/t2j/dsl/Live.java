package t2j.dsl;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.knowm.xchart.internal.chartpart.Chart;
import t2j.util.Progress;

/**
 * Live progress for long operations: one notebook output that updates in place (a bar, and a chart that redraws
 * as results come in), or a one-line bar on standard error outside a notebook.
 *
 * <p>The DSL knows nothing about Jupyter: the t2j kernel {@linkplain #install installs} a {@link Display} when it
 * starts, and everything else here works the same from plain Java.
 *
 * <pre>{@code
 * try (Live.Panel panel = Live.panel("decompose")) {
 *     Decomposition d = Decomposition.compute(weights, Targets.MLP, panel);
 * }
 * }</pre>
 */
public final class Live {
    /** Shows a value in the front end and replaces it later; implemented by the notebook kernel. */
    public interface Display {
        /** Shows {@code value}; returns an id for {@link #update}. */
        String show(Renderable value);

        /** Replaces what {@link #show} returned {@code id} for. */
        void update(String id, Renderable value);
    }

    private static volatile Display display;
    /** Redrawing a chart takes ~20 ms; more than a few per second only slows the work it reports on. */
    private static final long MIN_REDRAW_NANOS = 250_000_000L;

    private Live() {}

    /** Called by the notebook kernel at start-up; {@code null} goes back to the terminal bar. */
    public static void install(Display d) {
        display = d;
    }

    /** Whether progress goes to a notebook output rather than standard error. */
    public static boolean inNotebook() {
        return display != null;
    }

    /** A progress panel titled {@code title}; close it when the work is done to draw its final state. */
    public static Panel panel(String title) {
        return new Panel(title, display, System.err);
    }

    /**
     * A {@link Progress} that also shows a chart, redrawn by {@link #redraw()} (training curves as validations
     * arrive). In a terminal the chart is not drawn.
     */
    public static final class Panel implements Progress, AutoCloseable {
        private final String title;
        private final Display out;
        private final PrintStream err;
        private String id;
        private String what = "";
        private long done, total, lastDraw;
        private boolean drawn;
        private final long started = System.nanoTime();
        private Supplier<? extends Chart<?, ?>> chart;
        private String note = "";

        Panel(String title, Display out, PrintStream err) {
            this.title = title;
            this.out = out;
            this.err = err;
        }

        /** Draws {@code chart}'s current state under the bar from now on. */
        public Panel withChart(Supplier<? extends Chart<?, ?>> chart) {
            this.chart = chart;
            return this;
        }

        /** A short line under the bar (the latest validation accuracy, say). */
        public void note(String text) {
            note = text == null ? "" : text;
            if (drawn) redraw();
        }

        @Override
        public void update(String what, long done, long total) {
            this.what = what;
            this.done = done;
            this.total = total;
            if (!drawn || System.nanoTime() - lastDraw >= MIN_REDRAW_NANOS || done >= total) redraw();
        }

        /** Draws the current state now. */
        public void redraw() {
            lastDraw = System.nanoTime();
            drawn = true;
            if (out == null) {
                err.print("\r" + text() + "   ");
                err.flush();
                return;
            }
            Renderable view = this::bundle;
            if (id == null) id = out.show(view);
            else out.update(id, view);
        }

        /** Draws the final state; a panel that never reported anything (a cache hit, say) leaves no output at all. */
        @Override
        public void close() {
            if (!drawn) return;
            redraw();
            if (out == null) err.println();
        }

        private String text() {
            int width = 30, filled = total <= 0 ? 0 : (int) Math.min(width, width * done / total);
            String bar = "#".repeat(filled) + ".".repeat(width - filled);
            double secs = (System.nanoTime() - started) / 1e9;
            return String.format(
                    Locale.ROOT,
                    "%s %s [%s] %d/%d %.1fs%s",
                    title,
                    what,
                    bar,
                    done,
                    total,
                    secs,
                    note.isEmpty() ? "" : "  " + note);
        }

        private Map<String, Object> bundle() {
            double frac = total <= 0 ? 0 : Math.min(1, (double) done / total);
            double secs = (System.nanoTime() - started) / 1e9;
            String html = String.format(
                    Locale.ROOT,
                    "<div style=\"font-family:sans-serif;font-size:13px\"><b>%s</b> %s "
                            + "<progress value=\"%.4f\" max=\"1\" style=\"width:240px;vertical-align:middle\"></progress> %d/%d &middot; %.1f s%s</div>",
                    Mime.escape(title),
                    Mime.escape(what),
                    frac,
                    done,
                    total,
                    secs,
                    note.isEmpty() ? "" : " &middot; " + Mime.escape(note));
            if (chart != null) {
                Chart<?, ?> c = chart.get();
                if (c != null)
                    html += "<img src=\"data:image/png;base64,"
                            + java.util.Base64.getEncoder().encodeToString(Mime.png(c)) + "\"/>";
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("text/html", html);
            m.put("text/plain", text());
            return m;
        }
    }
}
