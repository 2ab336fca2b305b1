package t2j.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * Collapses the runs of a traceback that repeat (a deep recursion prints its frame a thousand times), the way
 * IPython and Python's own traceback module do: the frames once, then how often they repeated.
 */
final class RepeatedFrames {
    /** Mutual recursion through up to this many methods is recognised as one repeating block. */
    private static final int MAX_PERIOD = 8;
    /** A block shown this often in a row is collapsed; fewer repeats are easier read than counted. */
    private static final int MIN_OCCURRENCES = 3;

    private RepeatedFrames() {}

    static List<String> collapse(List<String> frames) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < frames.size()) {
            int bestPeriod = 0;
            int bestOccurrences = 0;
            for (int period = 1; period <= MAX_PERIOD && i + period <= frames.size(); period++) {
                int occurrences = 1;
                while (i + (occurrences + 1) * period <= frames.size()
                        && sameBlock(frames, i, i + occurrences * period, period)) {
                    occurrences++;
                }
                if (occurrences >= MIN_OCCURRENCES && occurrences * period > bestOccurrences * bestPeriod) {
                    bestPeriod = period;
                    bestOccurrences = occurrences;
                }
            }
            if (bestPeriod == 0) {
                out.add(frames.get(i));
                i++;
                continue;
            }
            out.addAll(frames.subList(i, i + bestPeriod));
            String what = bestPeriod == 1 ? "frame" : bestPeriod + " frames";
            out.add("    \u2026 the previous " + what + " repeated " + (bestOccurrences - 1) + " times");
            i += bestOccurrences * bestPeriod;
        }
        return out;
    }

    private static boolean sameBlock(List<String> frames, int first, int second, int length) {
        for (int k = 0; k < length; k++) {
            if (!frames.get(first + k).equals(frames.get(second + k))) {
                return false;
            }
        }
        return true;
    }
}
