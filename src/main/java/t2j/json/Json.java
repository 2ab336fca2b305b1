package t2j.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer for the files this project exchanges with Hugging Face tooling
 * (config.json, tokenizer.json, safetensors headers, expert metadata).
 *
 * <p>Values map to Java as: object → {@code LinkedHashMap<String,Object>} (key order kept), array →
 * {@code ArrayList<Object>}, string → {@code String}, integer → {@code Long}, other number → {@code Double},
 * {@code true/false} → {@code Boolean}, {@code null} → {@code null}. Parse errors report line and column, because
 * the files it reads are written by people as often as by programs.
 *
 * <pre>{@code
 * Map<String, Object> cfg = Json.parseObject(Files.readString(path), path.toString());
 * String text = Json.write(Map.of("ids", List.of(1, 2, 3)));
 * }</pre>
 */
public final class Json {
    private final String s;
    private final String source;
    private int i;

    private Json(String s, String source) {
        this.s = s;
        this.source = source;
    }

    /** Parses one JSON value; {@code source} names the input in error messages (a file path, say). */
    public static Object parse(String text, String source) {
        Json p = new Json(text, source);
        p.skipWs();
        Object v = p.value();
        p.skipWs();
        if (p.i != text.length()) throw p.error("unexpected trailing content");
        return v;
    }

    /** Parses a JSON object, failing with a message naming {@code source} when the top level is not an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text, String source) {
        Object v = parse(text, source);
        if (!(v instanceof Map)) throw new JsonException(source + ": expected a JSON object at the top level");
        return (Map<String, Object>) v;
    }

    private Object value() {
        if (i >= s.length()) throw error("unexpected end of input");
        char c = s.charAt(i);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                // Python's json module writes these for non-finite floats; accept them when reading.
                if (s.startsWith("NaN", i)) return literal("NaN", Double.NaN);
                if (s.startsWith("Infinity", i)) return literal("Infinity", Double.POSITIVE_INFINITY);
                throw error("unexpected character '" + c + "'");
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        skipWs();
        if (peek() == '}') {
            i++;
            return m;
        }
        while (true) {
            skipWs();
            if (peek() != '"') throw error("expected a string key");
            String k = string();
            skipWs();
            expect(':');
            skipWs();
            // A repeated key would silently drop a value (a tensor, say, in a safetensors header).
            if (m.containsKey(k)) throw error("duplicate key \"" + k + "\"");
            m.put(k, value());
            skipWs();
            char c = next();
            if (c == '}') return m;
            if (c != ',') {
                i--;
                throw error("expected ',' or '}' in object");
            }
        }
    }

    private List<Object> array() {
        List<Object> a = new ArrayList<>();
        i++;
        skipWs();
        if (peek() == ']') {
            i++;
            return a;
        }
        while (true) {
            skipWs();
            a.add(value());
            skipWs();
            char c = next();
            if (c == ']') return a;
            if (c != ',') {
                i--;
                throw error("expected ',' or ']' in array");
            }
        }
    }

    private String string() {
        i++;
        StringBuilder b = null;
        int start = i;
        while (true) {
            if (i >= s.length()) throw error("unterminated string");
            char c = s.charAt(i);
            if (c == '"') {
                String r = b == null
                        ? s.substring(start, i)
                        : b.append(s, start, i).toString();
                i++;
                return r;
            }
            if (c == '\\') {
                if (b == null) b = new StringBuilder();
                b.append(s, start, i);
                i++;
                char e = next();
                switch (e) {
                    case '"':
                        b.append('"');
                        break;
                    case '\\':
                        b.append('\\');
                        break;
                    case '/':
                        b.append('/');
                        break;
                    case 'b':
                        b.append('\b');
                        break;
                    case 'f':
                        b.append('\f');
                        break;
                    case 'n':
                        b.append('\n');
                        break;
                    case 'r':
                        b.append('\r');
                        break;
                    case 't':
                        b.append('\t');
                        break;
                    case 'u':
                        if (i + 4 > s.length()) throw error("truncated \\u escape");
                        try {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        i += 4;
                        break;
                    default:
                        i--;
                        throw error("bad escape '\\" + e + "'");
                }
                start = i;
            } else {
                i++;
            }
        }
    }

    private Object number() {
        int start = i;
        if (peek() == '-') i++;
        if (s.startsWith("Infinity", i)) {
            i += 8;
            return Double.NEGATIVE_INFINITY;
        }
        boolean integral = true;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') i++;
            else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                i++;
            } else break;
        }
        String t = s.substring(start, i);
        try {
            if (integral) {
                try {
                    return Long.parseLong(t);
                } catch (NumberFormatException tooBig) {
                    return Double.parseDouble(t);
                }
            }
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            i = start;
            throw error("malformed number '" + t + "'");
        }
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, i)) throw error("unexpected token");
        i += word.length();
        return v;
    }

    private void skipWs() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') i++;
            else break;
        }
    }

    private char peek() {
        if (i >= s.length()) throw error("unexpected end of input");
        return s.charAt(i);
    }

    private char next() {
        char c = peek();
        i++;
        return c;
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "'");
        i++;
    }

    private JsonException error(String what) {
        int line = 1, col = 1;
        for (int k = 0; k < Math.min(i, s.length()); k++) {
            if (s.charAt(k) == '\n') {
                line++;
                col = 1;
            } else col++;
        }
        return new JsonException(source + ": invalid JSON at line " + line + ", column " + col + ": " + what);
    }

    /** Writes a value built from maps, lists, strings, numbers, booleans and nulls as compact JSON. */
    public static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(v, b);
        return b.toString();
    }

    private static void write(Object v, StringBuilder b) {
        if (v == null) b.append("null");
        else if (v instanceof String) quote((String) v, b);
        else if (v instanceof Boolean) b.append(v);
        else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) b.append("NaN");
            else if (Double.isInfinite(d)) b.append(d > 0 ? "Infinity" : "-Infinity");
            else if (d == Math.rint(d) && Math.abs(d) < 1e15) b.append((long) d).append(".0");
            else b.append(v instanceof Float ? Float.toString((Float) v) : Double.toString(d));
        } else if (v instanceof Number) b.append(v);
        else if (v instanceof Map) {
            b.append('{');
            boolean first = true;
            Map<?, ?> m = (Map<?, ?>) v;
            // Map.of iterates in an order salted per JVM run: sorted keys keep written files byte-identical across
            // runs.
            Iterable<? extends Map.Entry<?, ?>> entries =
                    m instanceof java.util.LinkedHashMap || m instanceof java.util.SortedMap
                            ? m.entrySet()
                            : m.entrySet().stream()
                                    .sorted(java.util.Comparator.comparing(e -> String.valueOf(e.getKey())))
                                    .toList();
            for (Map.Entry<?, ?> e : entries) {
                if (!first) b.append(',');
                first = false;
                quote(String.valueOf(e.getKey()), b);
                b.append(':');
                write(e.getValue(), b);
            }
            b.append('}');
        } else if (v instanceof Iterable) {
            b.append('[');
            boolean first = true;
            for (Object o : (Iterable<?>) v) {
                if (!first) b.append(',');
                first = false;
                write(o, b);
            }
            b.append(']');
        } else if (v instanceof int[]) {
            b.append('[');
            int[] a = (int[]) v;
            for (int k = 0; k < a.length; k++) {
                if (k > 0) b.append(',');
                b.append(a[k]);
            }
            b.append(']');
        } else if (v instanceof float[]) {
            b.append('[');
            float[] a = (float[]) v;
            for (int k = 0; k < a.length; k++) {
                if (k > 0) b.append(',');
                write(a[k], b);
            }
            b.append(']');
        } else throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
    }

    /** Appends {@code s} as a JSON string literal. */
    public static void quote(String s, StringBuilder b) {
        b.append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                case '\b':
                    b.append("\\b");
                    break;
                case '\f':
                    b.append("\\f");
                    break;
                default:
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
            }
        }
        b.append('"');
    }
}
