package t2j.cli;

import java.io.PrintStream;
import t2j.util.Progress;

/** A one-line terminal progress bar, redrawn in place with a carriage return. */
final class ProgressBar implements Progress {
    private final PrintStream out;
    private long started = System.nanoTime();
    private String last = "";

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public void update(String what, long done, long total) {
        if (!what.equals(last)) {
            started = System.nanoTime();
            last = what;
        }
        int width = 30, filled = total <= 0 ? 0 : (int) (width * done / total);
        double secs = (System.nanoTime() - started) / 1e9;
        String eta = done > 0 && done < total ? String.format(" eta %.0fs", secs * (total - done) / done) : "";
        out.printf(
                "\r%-10s [%s%s] %d/%d %.1fs%s   ",
                what, "#".repeat(filled), ".".repeat(width - filled), done, total, secs, eta);
        if (done >= total) out.println();
        out.flush();
    }

    /** Prints a line of text without breaking the bar (the bar continues on the next update). */
    void line(String text) {
        out.print("\r" + " ".repeat(80) + "\r");
        out.println(text);
    }
}
