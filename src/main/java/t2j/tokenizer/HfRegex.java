package t2j.tokenizer;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the regular expressions found in tokenizer.json (written for Oniguruma / Rust regex) with
 * java.util.regex. The dialects agree on everything Llama-3- and Mistral-style patterns use ({@code \p{L}},
 * {@code \p{N}}, {@code (?i:...)}, lookahead) once Java is told that {@code \s}, {@code \d} and case folding are
 * Unicode-aware; the translation only neutralises the few places where Java reads the same text differently.
 */
final class HfRegex {
    private HfRegex() {}

    /** A {@code {"Regex": ...}} or {@code {"String": ...}} pattern object under {@code key} of {@code spec}. */
    static Pattern compile(Spec spec, String key) {
        Spec p = spec.object(key);
        if (p.has("String")) return Pattern.compile(Pattern.quote(p.string("String")));
        if (!p.has("Regex"))
            throw spec.error(key, "expected {\"Regex\": ...} or {\"String\": ...}, found keys " + p.map.keySet());
        String source = p.string("Regex");
        try {
            return Pattern.compile(translate(source), Pattern.UNICODE_CHARACTER_CLASS);
        } catch (PatternSyntaxException e) {
            throw new TokenizerException(
                    spec.file + ": field '" + p.field("Regex") + "': regex " + source
                            + " is not supported by java.util.regex: " + e.getDescription(),
                    e);
        }
    }

    /**
     * Rewrites Oniguruma syntax whose meaning differs in Java: inside a character class Java treats '[' as a
     * nested class and "&&" as intersection, where Oniguruma patterns from tokenizer files mean the literal
     * characters; {@code \h} is a hex digit in Oniguruma but horizontal space in Java.
     */
    static String translate(String re) {
        StringBuilder b = new StringBuilder(re.length() + 8);
        int depth = 0;
        for (int i = 0; i < re.length(); i++) {
            char c = re.charAt(i);
            if (c == '\\' && i + 1 < re.length()) {
                char n = re.charAt(i + 1);
                if (n == 'h') b.append(depth > 0 ? "0-9a-fA-F" : "[0-9a-fA-F]");
                else if (n == 'H' && depth == 0) b.append("[^0-9a-fA-F]");
                else b.append(c).append(n);
                i++;
            } else if (c == '[') {
                if (depth > 0 && re.startsWith("[:", i)) {
                    throw new PatternSyntaxException("POSIX bracket expressions are not supported", re, i);
                } else if (depth > 0) {
                    b.append("\\[");
                } else {
                    b.append('[');
                    depth++;
                    // A ']' right after '[' or '[^' is a literal in both dialects; copy it so it does not close the
                    // class.
                    if (i + 1 < re.length() && re.charAt(i + 1) == '^') {
                        b.append('^');
                        i++;
                    }
                    if (i + 1 < re.length() && re.charAt(i + 1) == ']') {
                        b.append("\\]");
                        i++;
                    }
                }
            } else if (c == ']' && depth > 0) {
                b.append(']');
                depth--;
            } else if (c == '&' && depth > 0 && i + 1 < re.length() && re.charAt(i + 1) == '&') {
                b.append("&\\&");
                i++;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
