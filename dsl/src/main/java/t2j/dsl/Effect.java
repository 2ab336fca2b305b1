package t2j.dsl;

import java.util.Locale;
import java.util.Map;
import t2j.stats.PairedDifference;
import t2j.stats.Proportion;

/**
 * One column against a baseline column on the same requests: both accuracies with their 95 % intervals, the paired
 * difference with its bootstrap interval and exact McNemar test, and the verdict the test gives. Notebook prose says
 * what {@link #verdict()} says, never what the raw difference suggests: a +3-point difference on 30 requests is
 * {@link Verdict#WITHIN_NOISE}.
 *
 * <pre>{@code
 * Effect e = study.effect("code-hard", Strategy.ORACLE);
 * e.sentence()   // "oracle beats base on code-hard: 77.0 % vs 20.7 %, +56.3 pts [+50.0, +62.7], p = 1.2e-40"
 * }</pre>
 *
 * @param task     a task, or {@link Study#ALL} for every request of the study pooled
 * @param column   the column tested
 * @param baseline the column it is tested against (usually {@code base})
 */
public record Effect(
        String task,
        String column,
        String baseline,
        Proportion accuracy,
        Proportion baselineAccuracy,
        PairedDifference difference)
        implements Renderable {

    /** What the paired test says about a difference. */
    public enum Verdict {
        /** Significantly more accurate than the baseline (McNemar p &lt; 0.05). */
        BETTER("beats"),
        /** Significantly less accurate than the baseline. */
        WORSE("trails"),
        /** Not distinguishable from the baseline on these requests. */
        WITHIN_NOISE("is within noise of");

        private final String verb;

        Verdict(String verb) {
            this.verb = verb;
        }

        /** "beats", "trails" or "is within noise of": the verb a sentence about the effect uses. */
        public String verb() {
            return verb;
        }

        /** A short mark for tables: ▲, ▼ or ≈. */
        public String mark() {
            return this == BETTER ? "▲" : this == WORSE ? "▼" : "≈";
        }
    }

    public Verdict verdict() {
        if (!difference.significant()) return Verdict.WITHIN_NOISE;
        return difference.delta() > 0 ? Verdict.BETTER : Verdict.WORSE;
    }

    public boolean significant() {
        return difference.significant();
    }

    /** Accuracy of the column minus the baseline's, a fraction. */
    public double delta() {
        return difference.delta();
    }

    public double p() {
        return difference.p();
    }

    /** Requests in the comparison. */
    public int n() {
        return difference.n();
    }

    /** The whole finding in one sentence, its verb set by the paired test. */
    public String sentence() {
        return String.format(
                Locale.ROOT,
                "%s %s %s on %s: %.1f %% vs %.1f %% (n = %d), %s",
                column,
                verdict().verb(),
                baseline,
                task,
                100 * accuracy.value(),
                100 * baselineAccuracy.value(),
                n(),
                difference);
    }

    @Override
    public Map<String, Object> mimeBundle() {
        String colour = switch (verdict()) {
            case BETTER -> "#2e7d32";
            case WORSE -> "#c62828";
            case WITHIN_NOISE -> "#666666";
        };
        return Mime.html(
                "<div style=\"font-family:sans-serif;font-size:13px\"><span style=\"color:" + colour
                        + ";font-weight:bold\">" + Mime.escape(verdict().mark()) + "</span> " + Mime.escape(sentence())
                        + "</div>",
                sentence());
    }

    @Override
    public String toString() {
        return sentence();
    }
}
