package t2j.tokenizer.jinja;

import static t2j.tokenizer.jinja.PyValues.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Jinja's built-in filters ({@code x | name(args)}) and tests ({@code x is name}) over the interpreter's Python-like
 * values, for {@link TemplateInterpreter}. Runtime errors are {@link IllegalArgumentException}s, which the interpreter
 * reports with the template line.
 */
final class JinjaFilters {
    /** Filters this interpreter knows; the parser rejects the rest up front. */
    static final Set<String> FILTERS = Set.of(
            "trim",
            "length",
            "count",
            "list",
            "string",
            "first",
            "last",
            "join",
            "upper",
            "lower",
            "capitalize",
            "title",
            "replace",
            "default",
            "d",
            "tojson",
            "selectattr",
            "rejectattr",
            "select",
            "reject",
            "map",
            "items",
            "int",
            "float",
            "abs",
            "reverse",
            "safe",
            "sort",
            "unique",
            "sum",
            "min",
            "max",
            "indent",
            "wordcount");

    /** Tests this interpreter knows ({@code x is defined} ...). */
    static final Set<String> TESTS = Set.of(
            "defined",
            "undefined",
            "none",
            "string",
            "number",
            "integer",
            "float",
            "boolean",
            "true",
            "false",
            "mapping",
            "iterable",
            "sequence",
            "callable",
            "equalto",
            "eq",
            "==",
            "ne",
            "!=",
            "lt",
            "<",
            "le",
            "<=",
            "gt",
            ">",
            "ge",
            ">=",
            "in",
            "even",
            "odd",
            "divisibleby",
            "lower",
            "upper");

    /** What a filter needs from the interpreter that runs it. */
    interface Interpreter {
        /** {@code target[key]} with Jinja's attribute fallback. */
        Object item(Object target, Object key);

        /** Python's {@code a + b}. */
        Object add(Object a, Object b);

        TemplateException unsupported(String what);
    }

    private JinjaFilters() {}

    /** Applies filter {@code name} (one of {@link #FILTERS}) to {@code v} with its evaluated arguments. */
    static Object filter(String name, Object v, List<Object> a, Map<String, Object> kw, Interpreter in) {
        switch (name) {
            case "trim":
                return strip(str(v), a.isEmpty() ? null : str(a.get(0)), true, true);
            case "length":
            case "count":
                if (v instanceof String) return (long) ((String) v).codePointCount(0, ((String) v).length());
                if (v instanceof List) return (long) ((List<?>) v).size();
                if (v instanceof Map) return (long) ((Map<?, ?>) v).size();
                if (v instanceof Undefined) return 0L;
                throw new IllegalArgumentException("object of type '" + typeName(v) + "' has no len()");
            case "list":
                return iterate(v);
            case "string":
                return str(v);
            case "first": {
                List<Object> l = iterate(v);
                return l.isEmpty() ? new Undefined("first") : l.get(0);
            }
            case "last": {
                List<Object> l = iterate(v);
                return l.isEmpty() ? new Undefined("last") : l.get(l.size() - 1);
            }
            case "join": {
                String sep = a.isEmpty() ? str(kw.getOrDefault("d", "")) : str(a.get(0));
                Object attr = a.size() > 1 ? a.get(1) : kw.get("attribute");
                List<String> parts = new ArrayList<>();
                for (Object o : iterate(v)) parts.add(str(attr == null ? o : path(in, o, str(attr))));
                return String.join(sep, parts);
            }
            case "upper":
                return str(v).toUpperCase(Locale.ROOT);
            case "lower":
                return str(v).toLowerCase(Locale.ROOT);
            case "capitalize":
                return PyMethods.capitalize(str(v));
            case "title":
                return PyMethods.title(str(v));
            case "replace":
                return PyMethods.replace(str(v), str(a.get(0)), str(a.get(1)), a.size() > 2 ? asLong(a.get(2)) : -1);
            case "default":
            case "d": {
                Object dflt = a.isEmpty() ? kw.getOrDefault("default_value", "") : a.get(0);
                boolean bool = a.size() > 1 ? truthy(a.get(1)) : truthy(kw.getOrDefault("boolean", false));
                return v instanceof Undefined || (bool && !truthy(v)) ? dflt : v;
            }
            case "tojson": {
                Object indent = a.isEmpty() ? kw.get("indent") : a.get(0);
                return json(v, indent == null ? null : (int) asLong(indent));
            }
            case "selectattr":
            case "rejectattr":
            case "select":
            case "reject": {
                boolean byAttr = name.endsWith("attr"), keep = name.startsWith("select");
                String attr = byAttr ? str(a.get(0)) : null;
                List<Object> rest = a.subList(byAttr ? 1 : 0, a.size());
                List<Object> r = new ArrayList<>();
                for (Object o : iterate(v)) {
                    Object x = byAttr ? path(in, o, attr) : o;
                    boolean pass = rest.isEmpty() ? truthy(x) : test(str(rest.get(0)), x, rest.subList(1, rest.size()));
                    if (pass == keep) r.add(o);
                }
                return r;
            }
            case "map": {
                List<Object> r = new ArrayList<>();
                if (kw.containsKey("attribute")) {
                    for (Object o : iterate(v)) {
                        Object x = path(in, o, str(kw.get("attribute")));
                        r.add(x instanceof Undefined && kw.containsKey("default") ? kw.get("default") : x);
                    }
                    return r;
                }
                if (a.isEmpty()) throw new IllegalArgumentException("map filter needs attribute= or a filter name");
                String each = str(a.get(0));
                if (!FILTERS.contains(each) || each.equals("map"))
                    throw in.unsupported("filter '" + each + "' in map()");
                for (Object o : iterate(v)) r.add(filter(each, o, a.subList(1, a.size()), Map.of(), in));
                return r;
            }
            case "items":
                if (v instanceof Undefined) return new ArrayList<>();
                if (!(v instanceof Map))
                    throw new IllegalArgumentException("items filter needs a mapping, not " + typeName(v));
                return PyMethods.items((Map<?, ?>) v);
            case "int":
                try {
                    if (v instanceof String) return Long.parseLong(((String) v).strip());
                    return isNumber(v) ? asLong(v) : (a.isEmpty() ? 0L : a.get(0));
                } catch (NumberFormatException e) {
                    return a.isEmpty() ? 0L : a.get(0);
                }
            case "float":
                try {
                    if (v instanceof String) return Double.parseDouble(((String) v).strip());
                    return isNumber(v) ? asDouble(v) : (a.isEmpty() ? 0.0 : a.get(0));
                } catch (NumberFormatException e) {
                    return a.isEmpty() ? 0.0 : a.get(0);
                }
            case "abs":
                if (!isNumber(v))
                    throw new IllegalArgumentException("bad operand type for abs(): '" + typeName(v) + "'");
                return isIntegral(v) ? (Object) Math.abs(asLong(v)) : (Object) Math.abs(asDouble(v));
            case "reverse": {
                if (v instanceof String)
                    return new StringBuilder((String) v).reverse().toString();
                List<Object> l = iterate(v);
                Collections.reverse(l);
                return l;
            }
            case "safe":
                return v;
            case "sort": {
                List<Object> l = iterate(v);
                Object attr = kw.get("attribute");
                l.sort((x, y) -> PyValues.compare(
                        attr == null ? x : path(in, x, str(attr)), attr == null ? y : path(in, y, str(attr)), "<"));
                if (truthy(kw.getOrDefault("reverse", a.isEmpty() ? false : a.get(0)))) Collections.reverse(l);
                return l;
            }
            case "unique": {
                List<Object> r = new ArrayList<>();
                for (Object o : iterate(v)) if (!contains(r, o)) r.add(o);
                return r;
            }
            case "sum": {
                Object acc = 0L;
                for (Object o : iterate(v)) acc = in.add(acc, o);
                return acc;
            }
            case "min":
            case "max": {
                List<Object> l = iterate(v);
                if (l.isEmpty()) return new Undefined(name);
                Object best = l.get(0);
                for (Object o : l) {
                    int c = PyValues.compare(o, best, "<");
                    if (name.equals("min") ? c < 0 : c > 0) best = o;
                }
                return best;
            }
            case "indent": {
                int width = a.isEmpty() ? (int) asLong(kw.getOrDefault("width", 4L)) : (int) asLong(a.get(0));
                boolean first = a.size() > 1 ? truthy(a.get(1)) : truthy(kw.getOrDefault("first", false));
                String pad = " ".repeat(width);
                String s = str(v).replace("\n", "\n" + pad).replaceAll("\n" + pad + "(?=\n|$)", "\n");
                return first ? pad + s : s;
            }
            case "wordcount":
                return (long) PyMethods.split(str(v), null, -1).size();
            default:
                throw new AssertionError(name);
        }
    }

    /** Jinja's attribute getter: "a.b" looks up a then b; numeric parts index lists. */
    private static Object path(Interpreter in, Object o, String dotted) {
        for (String part : dotted.split("\\.")) {
            if (o instanceof Undefined) return o;
            o = part.matches("\\d+") ? in.item(o, Long.parseLong(part)) : in.item(o, part);
        }
        return o;
    }

    /** Jinja test {@code name} (one of {@link #TESTS}): {@code v is name(a...)}. */
    static boolean test(String name, Object v, List<Object> a) {
        switch (name) {
            case "defined":
                return !(v instanceof Undefined);
            case "undefined":
                return v instanceof Undefined;
            case "none":
                return v == null;
            case "string":
                return v instanceof String;
            case "number":
                return v instanceof Long || v instanceof Double;
            case "integer":
                return v instanceof Long;
            case "float":
                return v instanceof Double;
            case "boolean":
                return v instanceof Boolean;
            case "true":
                return Boolean.TRUE.equals(v);
            case "false":
                return Boolean.FALSE.equals(v);
            case "mapping":
                return v instanceof Map;
            case "iterable":
                return v instanceof List || v instanceof Map || v instanceof String;
            case "sequence":
                return v instanceof List || v instanceof Map || v instanceof String;
            case "callable":
                return v instanceof TemplateInterpreter.Function;
            case "even":
                return isIntegral(v) && asLong(v) % 2 == 0;
            case "odd":
                return isIntegral(v) && asLong(v) % 2 != 0;
            case "divisibleby":
                return asLong(v) % asLong(a.get(0)) == 0;
            case "lower":
                return str(v).equals(str(v).toLowerCase(Locale.ROOT));
            case "upper":
                return str(v).equals(str(v).toUpperCase(Locale.ROOT));
            default:
                break;
        }
        if (a.isEmpty()) throw new IllegalArgumentException("test '" + name + "' needs an argument");
        Object b = a.get(0);
        switch (name) {
            case "equalto":
            case "eq":
            case "==":
                return equal(v, b);
            case "ne":
            case "!=":
                return !equal(v, b);
            case "lt":
            case "<":
                return PyValues.compare(v, b, "<") < 0;
            case "le":
            case "<=":
                return PyValues.compare(v, b, "<=") <= 0;
            case "gt":
            case ">":
                return PyValues.compare(v, b, ">") > 0;
            case "ge":
            case ">=":
                return PyValues.compare(v, b, ">=") >= 0;
            case "in":
                return contains(b, v);
            default:
                throw new AssertionError(name);
        }
    }
}
