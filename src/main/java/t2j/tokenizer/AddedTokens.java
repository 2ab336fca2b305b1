package t2j.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code added_tokens} of tokenizer.json (special tokens such as {@code <|eot_id|>} or {@code [INST]}), and the
 * first step of encoding: cutting the text at every literal occurrence of one of them, leftmost first and longest
 * first, so that a chat prompt's markers become single ids and are never seen by the normalizer or BPE.
 * Honours {@code lstrip}, {@code rstrip} and {@code single_word}.
 */
final class AddedTokens {
    /** One added token: its text, id and matching options. */
    static final class Token {
        final String content;
        final int id;
        final boolean special, lstrip, rstrip, singleWord;

        Token(String content, int id, boolean special, boolean lstrip, boolean rstrip, boolean singleWord) {
            this.content = content;
            this.id = id;
            this.special = special;
            this.lstrip = lstrip;
            this.rstrip = rstrip;
            this.singleWord = singleWord;
        }
    }

    /** A stretch of input: either plain text (token null) starting at {@code start}, or one added token. */
    static final class Segment {
        final String text;
        final int start;
        final Token token;

        Segment(String text, int start, Token token) {
            this.text = text;
            this.start = start;
            this.token = token;
        }
    }

    private final List<Token> all = new ArrayList<>();
    private final Map<String, Token> byContent = new HashMap<>();
    private final Map<Integer, Token> byId = new HashMap<>();
    /** Candidates by first character, longest first. */
    private final Map<Character, List<Token>> byFirstChar = new HashMap<>();

    AddedTokens(Spec root) {
        if (!root.has("added_tokens")) return;
        int n = root.list("added_tokens").size();
        for (int i = 0; i < n; i++) {
            Spec t = root.element("added_tokens", i);
            String content = t.string("content");
            if (content.isEmpty()) throw t.error("content", "an added token cannot be empty");
            Token tok = new Token(
                    content,
                    t.integer("id"),
                    t.bool("special", false),
                    t.bool("lstrip", false),
                    t.bool("rstrip", false),
                    t.bool("single_word", false));
            if (tok.id < 0) throw t.error("id", "expected a non-negative id, found " + tok.id);
            all.add(tok);
            byContent.put(content, tok);
            byId.put(tok.id, tok);
            byFirstChar
                    .computeIfAbsent(content.charAt(0), k -> new ArrayList<>())
                    .add(tok);
        }
        for (List<Token> l : byFirstChar.values()) l.sort(Comparator.comparingInt((Token t) -> -t.content.length()));
    }

    Token byContent(String content) {
        return byContent.get(content);
    }

    Token byId(int id) {
        return byId.get(id);
    }

    int maxId() {
        int m = -1;
        for (Token t : all) m = Math.max(m, t.id);
        return m;
    }

    /** Cuts {@code text} into plain stretches and added tokens; empty plain stretches are left out. */
    List<Segment> split(String text) {
        List<Segment> out = new ArrayList<>();
        if (byFirstChar.isEmpty()) {
            if (!text.isEmpty()) out.add(new Segment(text, 0, null));
            return out;
        }
        int plainStart = 0;
        for (int i = 0; i < text.length(); i++) {
            List<Token> candidates = byFirstChar.get(text.charAt(i));
            if (candidates == null) continue;
            for (Token t : candidates) {
                if (!text.startsWith(t.content, i)) continue;
                int end = i + t.content.length();
                if (t.singleWord && (isWordChar(text, i - 1) || isWordChar(text, end))) continue;
                int cutStart = i, cutEnd = end;
                if (t.lstrip)
                    while (cutStart > plainStart && Character.isWhitespace(text.charAt(cutStart - 1))) cutStart--;
                if (t.rstrip) while (cutEnd < text.length() && Character.isWhitespace(text.charAt(cutEnd))) cutEnd++;
                if (cutStart > plainStart) out.add(new Segment(text.substring(plainStart, cutStart), plainStart, null));
                out.add(new Segment(t.content, i, t));
                plainStart = cutEnd;
                i = cutEnd - 1;
                break;
            }
        }
        if (plainStart < text.length()) out.add(new Segment(text.substring(plainStart), plainStart, null));
        return out;
    }

    private static boolean isWordChar(String s, int i) {
        return i >= 0 && i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_');
    }
}
