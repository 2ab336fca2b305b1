package t2j.kernel;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IPython's {@code %%time} (first line of a cell: times the whole cell) and {@code %time CODE} (a line: times that
 * line; the lines around it run untimed), reporting CPU and wall time after the code finished.
 *
 * <p>Handled before jjava's magic parser, which splits a line magic's arguments at spaces and strips quotes: the
 * timed code must reach JShell as typed. Segments are padded with newlines so errors keep their cell line numbers.
 */
final class CellTiming {
    private static final Pattern CELL = Pattern.compile("\\A[ \\t]*%%time[ \\t]*(?:\\n|\\z)");
    private static final Pattern LINE = Pattern.compile("^[ \\t]*%time[ \\t]+(\\S.*)$", Pattern.MULTILINE);
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private CellTiming() {}

    /** Runs {@code code} through {@code run} (which returns the cell's value), timing what the magics ask. */
    static Object eval(String code, Function<String, Object> run) {
        Matcher cell = CELL.matcher(code);
        if (cell.find()) {
            String body = "\n" + code.substring(cell.end());
            return timed(() -> eval(body, run));
        }
        Matcher line = LINE.matcher(code);
        if (!line.find()) {
            return run.apply(code);
        }
        String before = code.substring(0, line.start());
        String padding = "\n".repeat(newlines(before));
        if (!before.isBlank()) {
            run.apply(before);
        }
        Object value = timed(() -> run.apply(padding + line.group(1)));
        String after = code.substring(line.end());
        return after.isBlank() ? value : eval(padding + after, run);
    }

    private static Object timed(Supplier<Object> run) {
        long cpu = OS.getProcessCpuTime();
        long wall = System.nanoTime();
        Object value = run.get();
        long wallNs = System.nanoTime() - wall;
        long cpuNs = OS.getProcessCpuTime() - cpu;
        // The kernel's CPU time, all threads: the cell runs on its own thread and BLAS on several more.
        System.out.println("CPU time: " + format(cpuNs) + " (all threads)\nWall time: " + format(wallNs));
        return value;
    }

    /** As IPython's: three significant digits in the largest unit that keeps the number at least 1. */
    static String format(long ns) {
        if (ns >= 100_000_000_000L) {
            return String.format(Locale.ROOT, "%.0f s", ns / 1e9);
        }
        if (ns >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.3g s", ns / 1e9);
        }
        if (ns >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.3g ms", ns / 1e6);
        }
        if (ns >= 1_000L) {
            return String.format(Locale.ROOT, "%.3g \u00b5s", ns / 1e3);
        }
        return ns + " ns";
    }

    private static int newlines(String text) {
        return (int) text.chars().filter(c -> c == '\n').count();
    }
}
