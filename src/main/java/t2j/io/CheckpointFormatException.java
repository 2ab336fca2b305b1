package t2j.io;

import java.util.Collection;
import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * A safetensors file or checkpoint folder that cannot be read as it is: a malformed header, offsets out of range or
 * overlapping, a truncated data section, a bad {@code model.safetensors.index.json}, a tensor that is not there or
 * whose dtype does not convert to float. Every message names the file, the tensor or field, and what was expected
 * against what was found.
 *
 * <p>It is unchecked so that one type reports a bad file whether the problem shows at {@code open} (which validates
 * the whole header up front) or later, at {@code info}/{@code readInto}, which are called from lambdas. Genuine I/O
 * failures (a missing file, no permission) remain {@link java.io.IOException}s from {@code open}.
 *
 * <pre>{@code
 * try (Checkpoint c = Checkpoint.open(dir)) { ... }
 * catch (CheckpointFormatException e) { System.err.println(e.getMessage()); }
 * // "/m/model.safetensors: tensor 'lm_head.weight': data_offsets [0, 4096) but dtype F32 x shape [32, 64] needs 8192 bytes"
 * }</pre>
 */
public class CheckpointFormatException extends RuntimeException {
    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Up to {@code max} of {@code names} closest to {@code wanted} by edit distance, for "did you mean" hints. */
    static String nearNames(String wanted, Collection<String> names, int max) {
        if (names.isEmpty()) return "the file holds no tensors";
        return "nearest names: "
                + names.stream()
                        .sorted(Comparator.comparingInt((String n) -> editDistance(wanted, n))
                                .thenComparing(n -> n))
                        .limit(max)
                        .map(n -> "'" + n + "'")
                        .collect(Collectors.joining(", "))
                + " (" + names.size() + " tensors in all)";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
