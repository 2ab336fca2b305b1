package t2j.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code pre_tokenizer} stage of tokenizer.json: cuts normalized text into pieces that BPE then encodes one by
 * one (so merges never cross a piece boundary). Implemented: {@code Sequence}, {@code Split}, {@code ByteLevel},
 * {@code Metaspace}, {@code Digits}, with Hugging Face tokenizers' semantics.
 */
interface PreTokenizer {
    /**
     * Splits every piece further.
     *
     * @param atStart whether the first piece begins the whole input text (Metaspace's prepend_scheme "first")
     */
    List<String> split(List<String> pieces, boolean atStart);

    /** The pre-tokenizer described by field {@code key} of {@code parent}, or null when there is none. */
    static PreTokenizer parse(Spec parent, String key) {
        Spec s = parent.optObject(key);
        return s == null ? null : of(s);
    }

    private static PreTokenizer of(Spec s) {
        String type = s.string("type");
        switch (type) {
            case "Sequence": {
                List<PreTokenizer> parts = new ArrayList<>();
                for (int i = 0; i < s.list("pretokenizers").size(); i++) parts.add(of(s.element("pretokenizers", i)));
                return (pieces, atStart) -> {
                    for (PreTokenizer p : parts) pieces = p.split(pieces, atStart);
                    return pieces;
                };
            }
            case "Split":
                return new SplitPre(HfRegex.compile(s, "pattern"), Behavior.parse(s), s.bool("invert", false));
            case "ByteLevel":
                return byteLevel(s);
            case "Metaspace":
                return new Metaspace(s);
            case "Digits": {
                Behavior b = s.bool("individual_digits", false) ? Behavior.ISOLATED : Behavior.CONTIGUOUS;
                return new SplitPre(Pattern.compile("\\p{N}"), b, false);
            }
            default:
                throw s.error(
                        "type",
                        "unsupported pre-tokenizer type \"" + type
                                + "\" (supported: Sequence, Split, ByteLevel, Metaspace, Digits)");
        }
    }

    /** GPT-2's split pattern, which ByteLevel applies when its use_regex is true. */
    Pattern GPT2_PATTERN = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static PreTokenizer byteLevel(Spec s) {
        boolean addPrefixSpace = s.bool("add_prefix_space", true);
        SplitPre regex = s.bool("use_regex", true) ? new SplitPre(GPT2_PATTERN, Behavior.ISOLATED, false) : null;
        return (pieces, atStart) -> {
            List<String> out = new ArrayList<>(pieces.size());
            for (String p : pieces) {
                if (addPrefixSpace && !p.startsWith(" ")) p = " " + p;
                if (regex == null) out.add(ByteLevel.encode(p));
                else for (String q : regex.split(List.of(p), atStart)) out.add(ByteLevel.encode(q));
            }
            return out;
        };
    }

    /** How a Split keeps the delimiters it finds (Hugging Face's SplitDelimiterBehavior). */
    enum Behavior {
        REMOVED,
        ISOLATED,
        MERGED_WITH_PREVIOUS,
        MERGED_WITH_NEXT,
        CONTIGUOUS;

        static Behavior parse(Spec s) {
            String b = s.string("behavior");
            switch (b) {
                case "Removed":
                    return REMOVED;
                case "Isolated":
                    return ISOLATED;
                case "MergedWithPrevious":
                    return MERGED_WITH_PREVIOUS;
                case "MergedWithNext":
                    return MERGED_WITH_NEXT;
                case "Contiguous":
                    return CONTIGUOUS;
                default:
                    throw s.error(
                            "behavior",
                            "unknown split behavior \"" + b
                                    + "\" (expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous)");
            }
        }
    }

    /** Splits on every match of a pattern, keeping the matches as the behavior says. */
    final class SplitPre implements PreTokenizer {
        private final Pattern pattern;
        private final Behavior behavior;
        private final boolean invert;

        SplitPre(Pattern pattern, Behavior behavior, boolean invert) {
            this.pattern = pattern;
            this.behavior = behavior;
            this.invert = invert;
        }

        @Override
        public List<String> split(List<String> pieces, boolean atStart) {
            List<String> out = new ArrayList<>();
            for (String p : pieces) splitOne(p, out);
            return out;
        }

        private void splitOne(String s, List<String> out) {
            // Spans alternate between text and delimiters; with invert the matches are the text instead.
            List<int[]> spans = new ArrayList<>();
            Matcher m = pattern.matcher(s);
            int last = 0;
            while (m.find()) {
                if (m.end() == m.start()) continue;
                if (m.start() > last) spans.add(new int[] {last, m.start(), invert ? 1 : 0});
                spans.add(new int[] {m.start(), m.end(), invert ? 0 : 1});
                last = m.end();
            }
            if (last < s.length()) spans.add(new int[] {last, s.length(), invert ? 1 : 0});
            switch (behavior) {
                case ISOLATED:
                    for (int[] sp : spans) out.add(s.substring(sp[0], sp[1]));
                    break;
                case REMOVED:
                    for (int[] sp : spans) if (sp[2] == 0) out.add(s.substring(sp[0], sp[1]));
                    break;
                case CONTIGUOUS:
                    mergeRuns(s, spans, out, (prev, cur) -> prev[2] == 1 && cur[2] == 1);
                    break;
                case MERGED_WITH_PREVIOUS:
                    mergeRuns(s, spans, out, (prev, cur) -> cur[2] == 1 && prev[2] == 0);
                    break;
                case MERGED_WITH_NEXT:
                    mergeRuns(s, spans, out, (prev, cur) -> prev[2] == 1 && cur[2] == 0);
                    break;
                default:
                    throw new AssertionError(behavior);
            }
        }

        /** Emits spans, joining a span to the piece before it when {@code joins(previous span, span)}. */
        private static void mergeRuns(
                String s, List<int[]> spans, List<String> out, java.util.function.BiPredicate<int[], int[]> joins) {
            int start = -1;
            int[] prev = null;
            for (int[] sp : spans) {
                if (prev != null && !joins.test(prev, sp)) {
                    out.add(s.substring(start, prev[1]));
                    start = -1;
                }
                if (start < 0) start = sp[0];
                prev = sp;
            }
            if (prev != null) out.add(s.substring(start, prev[1]));
        }
    }

    /** SentencePiece's convention: spaces become '▁' and a '▁' is put in front of the text. */
    final class Metaspace implements PreTokenizer {
        private final String replacement;
        private final String scheme;
        private final boolean splitPieces;

        Metaspace(Spec s) {
            replacement = s.string("replacement", "\u2581");
            if (replacement.codePointCount(0, replacement.length()) != 1)
                throw s.error("replacement", "expected a single character, found " + Spec.describe(replacement));
            scheme = prependScheme(s);
            splitPieces = s.bool("split", true);
        }

        /** prepend_scheme, or for files older than that field, add_prefix_space (true means "always"). */
        static String prependScheme(Spec s) {
            if (s.has("prepend_scheme")) {
                String v = s.string("prepend_scheme");
                if (!v.equals("always") && !v.equals("first") && !v.equals("never"))
                    throw s.error(
                            "prepend_scheme", "expected \"always\", \"first\" or \"never\", found " + Spec.describe(v));
                return v;
            }
            return s.bool("add_prefix_space", true) ? "always" : "never";
        }

        @Override
        public List<String> split(List<String> pieces, boolean atStart) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < pieces.size(); i++) {
                String p = pieces.get(i).replace(" ", replacement);
                boolean prepend = scheme.equals("always") || (scheme.equals("first") && atStart && i == 0);
                if (prepend && !p.startsWith(replacement)) p = replacement + p;
                if (!splitPieces) {
                    out.add(p);
                    continue;
                }
                int start = 0;
                for (int k = p.indexOf(replacement, 1); k >= 0; k = p.indexOf(replacement, k + 1)) {
                    out.add(p.substring(start, k));
                    start = k;
                }
                if (start < p.length()) out.add(p.substring(start));
            }
            return out;
        }
    }
}
