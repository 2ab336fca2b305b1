package t2j.tokenizer.jinja;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python semantics for the values a chat template computes with (templates are written against Jinja running on
 * Python): truthiness, {@code str()}/{@code repr()}, equality and ordering across int/float/bool, and
 * {@code json.dumps} as transformers' {@code tojson} filter calls it. Values are Java's JSON model: String,
 * Long, Double, Boolean, null (None), List, Map, plus {@link Undefined} and {@link Namespace}.
 */
public final class PyValues {
    private PyValues() {}

    /** Jinja's undefined value: what a missing variable, key or attribute evaluates to. */
    static final class Undefined {
        final String name;

        Undefined(String name) {
            this.name = name;
        }
    }

    /** The mutable object {@code namespace()} returns, the one way a loop body can change outer state. */
    static final class Namespace {
        final Map<String, Object> attrs = new java.util.LinkedHashMap<>();
    }

    static boolean truthy(Object v) {
        if (v == null || v instanceof Undefined) return false;
        if (v instanceof Boolean) return (Boolean) v;
        if (v instanceof Long) return (Long) v != 0;
        if (v instanceof Double) return (Double) v != 0.0;
        if (v instanceof String) return !((String) v).isEmpty();
        if (v instanceof List) return !((List<?>) v).isEmpty();
        if (v instanceof Map) return !((Map<?, ?>) v).isEmpty();
        return true;
    }

    static String typeName(Object v) {
        if (v == null) return "NoneType";
        if (v instanceof String) return "str";
        if (v instanceof Boolean) return "bool";
        if (v instanceof Long) return "int";
        if (v instanceof Double) return "float";
        if (v instanceof List) return "list";
        if (v instanceof Map) return "dict";
        if (v instanceof Undefined) return "Undefined";
        if (v instanceof Namespace) return "Namespace";
        return "function";
    }

    static String str(Object v) {
        if (v instanceof String) return (String) v;
        if (v instanceof Undefined) return "";
        return repr(v);
    }

    static String repr(Object v) {
        if (v == null) return "None";
        if (v instanceof Boolean) return (Boolean) v ? "True" : "False";
        if (v instanceof Long) return v.toString();
        if (v instanceof Double) return floatRepr((Double) v);
        if (v instanceof String) return stringRepr((String) v);
        if (v instanceof Undefined) return "";
        if (v instanceof List) {
            StringBuilder b = new StringBuilder("[");
            for (Object o : (List<?>) v) b.append(b.length() > 1 ? ", " : "").append(repr(o));
            return b.append(']').toString();
        }
        if (v instanceof Map) {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                b.append(b.length() > 1 ? ", " : "")
                        .append(repr(e.getKey()))
                        .append(": ")
                        .append(repr(e.getValue()));
            }
            return b.append('}').toString();
        }
        if (v instanceof Namespace) return "<Namespace " + repr(((Namespace) v).attrs) + ">";
        return "<function>";
    }

    private static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == Math.rint(d) && Math.abs(d) < 1e16) return String.format(java.util.Locale.ROOT, "%.1f", d);
        String s = Double.toString(d);
        // Java writes 1.0E-5 where Python writes 1e-05.
        int e = s.indexOf('E');
        if (e < 0) return s;
        String mant = s.substring(0, e).replaceAll("\\.0$", "");
        int exp = Integer.parseInt(s.substring(e + 1));
        return mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    private static String stringRepr(String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder().append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == q || c == '\\') b.append('\\').append(c);
            else if (c == '\n') b.append("\\n");
            else if (c == '\r') b.append("\\r");
            else if (c == '\t') b.append("\\t");
            else if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
            else b.append(c);
        }
        return b.append(q).toString();
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    /** int/bool as long (Python's bool is an int). */
    static long asLong(Object v) {
        return v instanceof Boolean ? ((Boolean) v ? 1 : 0) : ((Number) v).longValue();
    }

    static double asDouble(Object v) {
        return v instanceof Boolean ? ((Boolean) v ? 1 : 0) : ((Number) v).doubleValue();
    }

    static boolean isIntegral(Object v) {
        return v instanceof Long || v instanceof Boolean;
    }

    static boolean equal(Object a, Object b) {
        if (a == null || b == null) return a == b;
        if (isNumber(a) && isNumber(b)) {
            return isIntegral(a) && isIntegral(b) ? asLong(a) == asLong(b) : asDouble(a) == asDouble(b);
        }
        if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
        if (a instanceof List && b instanceof List) {
            List<?> x = (List<?>) a, y = (List<?>) b;
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!equal(x.get(i), y.get(i))) return false;
            return true;
        }
        if (a instanceof Map && b instanceof Map) {
            Map<?, ?> x = (Map<?, ?>) a, y = (Map<?, ?>) b;
            if (x.size() != y.size()) return false;
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) return false;
            }
            return true;
        }
        return a.equals(b);
    }

    /** Python ordering for numbers, strings and lists; anything else is a TypeError, as in Python. */
    static int compare(Object a, Object b, String op) {
        if (isNumber(a) && isNumber(b)) {
            return isIntegral(a) && isIntegral(b)
                    ? Long.compare(asLong(a), asLong(b))
                    : Double.compare(asDouble(a), asDouble(b));
        }
        if (a instanceof String && b instanceof String) return ((String) a).compareTo((String) b);
        if (a instanceof List && b instanceof List) {
            Iterator<?> x = ((List<?>) a).iterator(), y = ((List<?>) b).iterator();
            while (x.hasNext() && y.hasNext()) {
                Object p = x.next(), q = y.next();
                if (!equal(p, q)) return compare(p, q, op);
            }
            return Boolean.compare(x.hasNext(), y.hasNext());
        }
        throw new IllegalArgumentException(
                "'" + op + "' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    /** Python's {@code in}: substring, list element or dict key. */
    static boolean contains(Object container, Object item) {
        if (container instanceof String) {
            if (!(item instanceof String))
                throw new IllegalArgumentException(
                        "'in <string>' requires string as left operand, not " + typeName(item));
            return ((String) container).contains((String) item);
        }
        if (container instanceof List) {
            for (Object o : (List<?>) container) if (equal(o, item)) return true;
            return false;
        }
        if (container instanceof Map) return ((Map<?, ?>) container).containsKey(item);
        if (container instanceof Undefined) return false;
        throw new IllegalArgumentException("argument of type '" + typeName(container) + "' is not iterable");
    }

    /** The items a for loop or filter iterates: list elements, dict keys, string characters. */
    static List<Object> iterate(Object v) {
        if (v instanceof List) return new ArrayList<>((List<?>) v);
        if (v instanceof Map) return new ArrayList<>(((Map<?, ?>) v).keySet());
        if (v instanceof String) {
            List<Object> out = new ArrayList<>();
            ((String) v).codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
            return out;
        }
        if (v instanceof Undefined) return new ArrayList<>();
        throw new IllegalArgumentException("'" + typeName(v) + "' object is not iterable");
    }

    /** Python's {@code str.isspace()} for one character, which (unlike Java's) counts no-break spaces. */
    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || c == '\u00a0' || c == '\u2007' || c == '\u202f' || c == '\u0085';
    }

    /** Python's {@code str.strip(chars)}; chars null means whitespace. */
    public static String strip(String s, String chars, boolean left, boolean right) {
        int a = 0, b = s.length();
        while (left && a < b && (chars == null ? isSpace(s.charAt(a)) : chars.indexOf(s.charAt(a)) >= 0)) a++;
        while (right && b > a && (chars == null ? isSpace(s.charAt(b - 1)) : chars.indexOf(s.charAt(b - 1)) >= 0)) b--;
        return s.substring(a, b);
    }

    /** {@code json.dumps(v, ensure_ascii=False, indent=indent)} — transformers' tojson. */
    static String json(Object v, Integer indent) {
        StringBuilder b = new StringBuilder();
        json(v, indent, 0, b);
        return b.toString();
    }

    private static void json(Object v, Integer indent, int depth, StringBuilder b) {
        if (v == null) b.append("null");
        else if (v instanceof Boolean) b.append((Boolean) v ? "true" : "false");
        else if (v instanceof Long) b.append(v);
        else if (v instanceof Double) {
            double d = (Double) v;
            b.append(
                    Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : floatRepr(d));
        } else if (v instanceof String) jsonString((String) v, b);
        else if (v instanceof List || v instanceof Map) {
            boolean isMap = v instanceof Map;
            Iterator<?> it = isMap ? ((Map<?, ?>) v).entrySet().iterator() : ((List<?>) v).iterator();
            b.append(isMap ? '{' : '[');
            boolean first = true;
            while (it.hasNext()) {
                Object o = it.next();
                if (!first) b.append(indent == null ? ", " : ",");
                first = false;
                if (indent != null) b.append('\n').append(" ".repeat(indent * (depth + 1)));
                if (isMap) {
                    Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
                    if (!(e.getKey() instanceof String))
                        throw new IllegalArgumentException("tojson: keys must be str, not " + typeName(e.getKey()));
                    jsonString((String) e.getKey(), b);
                    b.append(": ");
                    json(e.getValue(), indent, depth + 1, b);
                } else {
                    json(o, indent, depth + 1, b);
                }
            }
            if (indent != null && !first) b.append('\n').append(" ".repeat(indent * depth));
            b.append(isMap ? '}' : ']');
        } else if (v instanceof Namespace) {
            json(((Namespace) v).attrs, indent, depth, b);
        } else {
            throw new IllegalArgumentException("Object of type " + typeName(v) + " is not JSON serializable");
        }
    }

    private static void jsonString(String s, StringBuilder b) {
        t2j.json.Json.quote(s, b);
    }
}
