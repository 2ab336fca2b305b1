package t2j.adapt;

import java.util.List;
import java.util.Locale;

/**
 * Where the time of one strategy on one task went: the first pass, composing weights, the second pass.
 *
 * @param compositions distinct mixtures composed (one per decision group)
 */
public record TimingSummary(
        String task,
        String strategy,
        int examples,
        int compositions,
        double pass1Seconds,
        double composeSeconds,
        double pass2Seconds) {
    public static TimingSummary of(String task, String strategy, TwoPass.Run run) {
        return new TimingSummary(
                task,
                strategy,
                run.answers().size(),
                run.compositions(),
                run.timing().pass1Seconds(),
                run.timing().composeSeconds(),
                run.timing().pass2Seconds());
    }

    public double totalSeconds() {
        return pass1Seconds + composeSeconds + pass2Seconds;
    }

    /** (pass 1 + composition) / total: the overhead of adapting. */
    public double overhead() {
        double t = totalSeconds();
        return t == 0 ? 0 : (pass1Seconds + composeSeconds) / t;
    }

    public double millisPerExample() {
        return examples == 0 ? 0 : 1000 * totalSeconds() / examples;
    }

    /** A Markdown table of several summaries. */
    public static String toMarkdown(List<TimingSummary> rows) {
        StringBuilder b = new StringBuilder(
                "| task | strategy | examples | compositions | pass 1 s | compose s | pass 2 s | overhead | ms/example |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (TimingSummary t : rows)
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %d | %.2f | %.2f | %.2f | %.0f %% | %.1f |%n",
                    t.task,
                    t.strategy,
                    t.examples,
                    t.compositions,
                    t.pass1Seconds,
                    t.composeSeconds,
                    t.pass2Seconds,
                    100 * t.overhead(),
                    t.millisPerExample()));
        return b.toString();
    }
}
