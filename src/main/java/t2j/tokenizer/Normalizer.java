package t2j.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code normalizer} stage of tokenizer.json, applied to each stretch of text between added tokens.
 * Implemented: {@code Sequence}, {@code Prepend}, {@code Replace}, {@code NFC}/{@code NFD}/{@code NFKC}/{@code NFKD},
 * {@code Lowercase}, {@code Strip} — what Llama/Mistral-family files use (the older Mistral layout is
 * Prepend("▁") then Replace(" " → "▁")).
 */
interface Normalizer {
    String apply(String text);

    /** The normalizer under field {@code key} of {@code parent}, or null when there is none. */
    static Normalizer parse(Spec parent, String key) {
        Spec s = parent.optObject(key);
        return s == null ? null : of(s);
    }

    private static Normalizer of(Spec s) {
        String type = s.string("type");
        switch (type) {
            case "Sequence": {
                List<Normalizer> parts = new ArrayList<>();
                for (int i = 0; i < s.list("normalizers").size(); i++) parts.add(of(s.element("normalizers", i)));
                return text -> {
                    for (Normalizer n : parts) text = n.apply(text);
                    return text;
                };
            }
            case "Prepend": {
                String prefix = s.string("prepend");
                return text -> text.isEmpty() ? text : prefix + text;
            }
            case "Replace": {
                Pattern pattern = HfRegex.compile(s, "pattern");
                String content = Matcher.quoteReplacement(s.string("content"));
                return text -> pattern.matcher(text).replaceAll(content);
            }
            case "NFC":
                return text -> java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFC);
            case "NFD":
                return text -> java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFD);
            case "NFKC":
                return text -> java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKC);
            case "NFKD":
                return text -> java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKD);
            case "Lowercase":
                return text -> text.toLowerCase(Locale.ROOT);
            case "Strip": {
                boolean left = s.bool("strip_left", true), right = s.bool("strip_right", true);
                return text ->
                        left && right ? text.strip() : left ? text.stripLeading() : right ? text.stripTrailing() : text;
            }
            default:
                throw s.error(
                        "type",
                        "unsupported normalizer type \"" + type
                                + "\" (supported: Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD, Lowercase, Strip)");
        }
    }
}
