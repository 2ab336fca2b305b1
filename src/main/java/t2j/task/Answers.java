package t2j.task;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pulls final answers out of free-form completions: GSM8K-style numbers, multiple-choice letters and LaTeX
 * {@code \boxed{}} contents. Shared by the synthetic families and the real-format loaders so both score alike.
 *
 * <pre>{@code
 * Answers.finalNumber("12+7=19. #### 19")          // "19"
 * Answers.choiceLetter("so Ann. Answer: B", "ABCD") // "B"
 * Answers.lastBoxed("x = \\boxed{\\frac{1}{2}}")    // "\\frac{1}{2}"
 * }</pre>
 */
public final class Answers {
    private Answers() {}

    // Thousands separators appear in GSM8K answers ("1,200"); a comma not followed by three digits is punctuation.
    private static final Pattern NUMBER =
            Pattern.compile("-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|-?\\d+(?:\\.\\d+)?|-?\\.\\d+");
    private static final Pattern AFTER_HASHES = Pattern.compile("####\\s*\\$?\\s*(-?[\\d,]*\\.?\\d+)");

    /**
     * The number after the last {@code ####}, or else the last number in the text; {@code null} when there is none.
     * Thousands separators are removed.
     */
    public static String finalNumber(String text) {
        if (text == null) return null;
        int hashes = text.lastIndexOf("####");
        if (hashes >= 0) {
            Matcher m = AFTER_HASHES.matcher(text);
            if (m.find(hashes)) return m.group(1).replace(",", "");
        }
        String last = null;
        Matcher m = NUMBER.matcher(text);
        while (m.find()) last = m.group();
        return last == null ? null : last.replace(",", "");
    }

    /** Whether two number strings denote the same value ("38", "38.0", "038"); false when either is not a number. */
    public static boolean sameNumber(String a, String b) {
        BigDecimal x = decimal(a), y = decimal(b);
        return x != null && y != null && x.compareTo(y) == 0;
    }

    /** The value of a plain number string (commas allowed), or {@code null}. */
    public static BigDecimal decimal(String s) {
        if (s == null) return null;
        try {
            return new BigDecimal(s.trim().replace(",", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The chosen option letter: the last "answer is (X)" / "Answer: X", else the last "(X)", else the last
     * standalone capital among {@code letters}; {@code null} when none is found. Unlike the original code, no
     * guess is made when nothing is found: no answer scores as wrong.
     */
    public static String choiceLetter(String text, String letters) {
        if (text == null || letters.isEmpty()) return null;
        if (!letters.matches("[A-Za-z0-9]+"))
            throw new IllegalArgumentException("option labels must be letters or digits: " + letters);
        String set = "[" + letters + "]";
        String[] patterns = {
            "(?i:answer)\\s*(?:(?i:is)|:)?\\s*:?\\s*\\(?(" + set + ")\\)?(?![A-Za-z0-9])",
            "\\((" + set + ")\\)",
            "(?<![A-Za-z0-9])(" + set + ")(?![A-Za-z0-9'])",
        };
        for (String p : patterns) {
            String last = null;
            Matcher m = Pattern.compile(p).matcher(text);
            while (m.find()) last = m.group(1);
            if (last != null) return last;
        }
        return null;
    }

    /** The contents of every {@code \boxed{...}} (and {@code \fbox{...}}), braces balanced, in order. */
    public static List<String> allBoxed(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) return out;
        int from = 0;
        while (true) {
            int b = nextBox(text, from);
            if (b < 0) return out;
            int open = text.indexOf('{', b);
            int depth = 0;
            int end = -1;
            for (int i = open; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\\' && i + 1 < text.length()) {
                    i++;
                    continue;
                } // \{ and \} are literal braces
                if (c == '{') depth++;
                else if (c == '}' && --depth == 0) {
                    end = i;
                    break;
                }
            }
            if (end < 0) return out; // unbalanced: the completion was cut off
            out.add(text.substring(open + 1, end));
            from = end + 1;
        }
    }

    private static int nextBox(String text, int from) {
        int a = text.indexOf("\\boxed{", from), f = text.indexOf("\\fbox{", from);
        if (a < 0) return f;
        if (f < 0) return a;
        return Math.min(a, f);
    }

    /** The first {@code \boxed{}} content, or {@code null}. */
    public static String firstBoxed(String text) {
        List<String> all = allBoxed(text);
        return all.isEmpty() ? null : all.get(0);
    }

    /** The last {@code \boxed{}} content, or {@code null}. */
    public static String lastBoxed(String text) {
        List<String> all = allBoxed(text);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /**
     * Light normalisation of a LaTeX answer so trivially different spellings compare equal: spaces, {@code $},
     * {@code \left}/{@code \right}, {@code \!}, {@code \dfrac}/{@code \tfrac}, degree marks, {@code \%},
     * {@code \text{}} wrappers, a trailing period, and {@code \frac12} shorthand.
     */
    public static String normalizeLatex(String s) {
        if (s == null) return null;
        String t = s.trim();
        t = t.replaceAll("\\\\text\\{([^{}]*)\\}", "$1").replaceAll("\\\\mbox\\{([^{}]*)\\}", "$1");
        t = t.replace("\\left", "")
                .replace("\\right", "")
                .replace("\\!", "")
                .replace("\\,", "")
                .replace("\\;", "")
                .replace("\\dfrac", "\\frac")
                .replace("\\tfrac", "\\frac")
                .replace("^{\\circ}", "")
                .replace("^\\circ", "")
                .replace("\\%", "")
                .replace("%", "")
                .replace("$", "")
                .replaceAll("\\s+", "");
        t = t.replaceAll("\\\\frac(\\d)(\\d)", "\\\\frac{$1}{$2}");
        while (t.endsWith(".")) t = t.substring(0, t.length() - 1);
        return t;
    }

    /** Whether two LaTeX answers agree after {@link #normalizeLatex}, or as numbers. */
    public static boolean sameLatex(String a, String b) {
        String x = normalizeLatex(a), y = normalizeLatex(b);
        if (x == null || y == null) return false;
        return x.equals(y) || sameNumber(x, y);
    }
}
