package t2j.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * First stage of the chat-template interpreter: cuts a Jinja template into text, {@code {{ }}} and
 * {@code {% %}} chunks, applies whitespace control ({@code -} markers, and the {@code trim_blocks} and
 * {@code lstrip_blocks} options transformers always enables for chat templates), and splits tag contents into
 * expression tokens.
 */
final class TemplateLexer {
    enum ChunkKind {
        TEXT,
        OUTPUT,
        STATEMENT
    }

    /** A piece of template; for tags, {@code tokens} holds the contents and {@code line} where it starts. */
    static final class Chunk {
        final ChunkKind kind;
        String text;
        final List<Token> tokens;
        final int line;

        Chunk(ChunkKind kind, String text, List<Token> tokens, int line) {
            this.kind = kind;
            this.text = text;
            this.tokens = tokens;
            this.line = line;
        }
    }

    enum TokenKind {
        NAME,
        STRING,
        INT,
        FLOAT,
        OP,
        END
    }

    static final class Token {
        final TokenKind kind;
        final String text;
        final Object value;

        Token(TokenKind kind, String text, Object value) {
            this.kind = kind;
            this.text = text;
            this.value = value;
        }

        boolean is(String op) {
            return (kind == TokenKind.OP || kind == TokenKind.NAME) && text.equals(op);
        }

        @Override
        public String toString() {
            return kind == TokenKind.END ? "end of tag" : "'" + text + "'";
        }
    }

    private static final String[] OPERATORS = {
        "**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "|", ".", ",", ":", "(", ")", "[",
        "]", "{", "}", "=",
    };

    private TemplateLexer() {}

    static List<Chunk> chunks(String src) {
        List<Chunk> out = new ArrayList<>();
        // Whitespace control flags of the tag just emitted, applied to the text that follows it.
        boolean stripNext = false, trimNewline = false, lineStart = true;
        int pos = 0;
        while (pos <= src.length()) {
            int start = nextTag(src, pos);
            String text = src.substring(pos, start < 0 ? src.length() : start);
            if (stripNext) text = text.stripLeading();
            else if (trimNewline)
                text = text.startsWith("\r\n") ? text.substring(2) : text.startsWith("\n") ? text.substring(1) : text;
            if (start < 0) {
                out.add(new Chunk(ChunkKind.TEXT, text, null, 0));
                break;
            }
            char kind = src.charAt(start + 1);
            char marker = start + 2 < src.length() ? src.charAt(start + 2) : ' ';
            int line = lineOf(src, start);
            boolean block = kind != '{';
            if (marker == '-') {
                text = text.stripTrailing();
            } else if (block && marker != '+') {
                // lstrip_blocks: a block tag alone on its line takes the line's indentation with it.
                int nl = text.lastIndexOf('\n');
                if ((nl >= 0 || lineStart) && text.substring(nl + 1).chars().allMatch(c -> c == ' ' || c == '\t'))
                    text = text.substring(0, nl + 1);
            }
            out.add(new Chunk(ChunkKind.TEXT, text, null, line));
            int bodyStart = start + 2 + (marker == '-' || marker == '+' ? 1 : 0);
            String close = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
            int end = kind == '#' ? src.indexOf(close, bodyStart) : findClose(src, bodyStart, close);
            if (end < 0)
                throw new TemplateException(
                        TemplateException.Kind.SYNTAX,
                        "chat template line " + line + ": unclosed '" + src.substring(start, start + 2) + "'");
            boolean minusBeforeClose = end > bodyStart && src.charAt(end - 1) == '-';
            String body = src.substring(bodyStart, minusBeforeClose ? end - 1 : end);
            if (kind != '#')
                out.add(new Chunk(
                        kind == '{' ? ChunkKind.OUTPUT : ChunkKind.STATEMENT, body, tokens(body, line), line));
            stripNext = minusBeforeClose;
            trimNewline = block;
            pos = end + 2;
            lineStart = block && !minusBeforeClose && src.startsWith("\n", pos);
        }
        return out;
    }

    private static int nextTag(String src, int from) {
        for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') return i;
        }
        return -1;
    }

    /** The position of {@code close}, skipping string literals, which may contain it. */
    private static int findClose(String src, int from, String close) {
        char quote = 0;
        for (int i = from; i < src.length(); i++) {
            char c = src.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (src.startsWith(close, i)) {
                return i;
            }
        }
        return -1;
    }

    private static int lineOf(String src, int pos) {
        int line = 1;
        for (int i = 0; i < pos; i++) if (src.charAt(i) == '\n') line++;
        return line;
    }

    static List<Token> tokens(String s, int line) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        outer:
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                out.add(new Token(TokenKind.NAME, s.substring(i, j), null));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                boolean isFloat = j + 1 < s.length() && s.charAt(j) == '.' && Character.isDigit(s.charAt(j + 1));
                if (isFloat) {
                    j++;
                    while (j < s.length() && Character.isDigit(s.charAt(j))) j++;
                }
                if (j < s.length() && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
                    int k = j + 1;
                    if (k < s.length() && (s.charAt(k) == '+' || s.charAt(k) == '-')) k++;
                    if (k < s.length() && Character.isDigit(s.charAt(k))) {
                        isFloat = true;
                        j = k;
                        while (j < s.length() && Character.isDigit(s.charAt(j))) j++;
                    }
                }
                String num = s.substring(i, j).replace("_", "");
                out.add(
                        isFloat
                                ? new Token(TokenKind.FLOAT, num, Double.parseDouble(num))
                                : new Token(TokenKind.INT, num, Long.parseLong(num)));
                i = j;
            } else if (c == '\'' || c == '"') {
                StringBuilder b = new StringBuilder();
                int j = i + 1;
                while (true) {
                    if (j >= s.length())
                        throw new TemplateException(
                                TemplateException.Kind.SYNTAX,
                                "chat template line " + line + ": unterminated string literal");
                    char d = s.charAt(j);
                    if (d == c) break;
                    if (d == '\\' && j + 1 < s.length()) {
                        j = escape(s, j + 1, b);
                        continue;
                    }
                    b.append(d);
                    j++;
                }
                out.add(new Token(TokenKind.STRING, s.substring(i, j + 1), b.toString()));
                i = j + 1;
            } else {
                for (String op : OPERATORS) {
                    if (s.startsWith(op, i)) {
                        out.add(new Token(TokenKind.OP, op, null));
                        i += op.length();
                        continue outer;
                    }
                }
                throw new TemplateException(
                        TemplateException.Kind.SYNTAX,
                        "chat template line " + line + ": unexpected character '" + c + "'");
            }
        }
        out.add(new Token(TokenKind.END, "", null));
        return out;
    }

    /** Decodes a Python string escape whose letter is at {@code i}; returns the position after it. */
    private static int escape(String s, int i, StringBuilder b) {
        char e = s.charAt(i);
        switch (e) {
            case 'n':
                b.append('\n');
                return i + 1;
            case 't':
                b.append('\t');
                return i + 1;
            case 'r':
                b.append('\r');
                return i + 1;
            case '0':
                b.append('\0');
                return i + 1;
            case '\\':
            case '\'':
            case '"':
                b.append(e);
                return i + 1;
            case 'x':
            case 'u':
            case 'U': {
                int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                if (i + 1 + n <= s.length()) {
                    try {
                        b.appendCodePoint(Integer.parseInt(s.substring(i + 1, i + 1 + n), 16));
                        return i + 1 + n;
                    } catch (IllegalArgumentException ignored) {
                        // not an escape after all: Python keeps it literally too
                    }
                }
                b.append('\\').append(e);
                return i + 1;
            }
            default:
                b.append('\\').append(e);
                return i + 1;
        }
    }
}
