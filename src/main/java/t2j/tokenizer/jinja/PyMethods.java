package t2j.tokenizer.jinja;

import static t2j.tokenizer.jinja.PyValues.*;
import static t2j.tokenizer.jinja.TemplateAst.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Python methods chat templates call on values ({@code s.strip()}, {@code s.split(...)}, {@code d.items()} ...),
 * as bound callables for {@link TemplateInterpreter}; kept apart so the interpreter file is only about evaluation.
 */
final class PyMethods {
    private PyMethods() {}

    static TemplateInterpreter.Function method(Object target, String name) {
        if (target instanceof String) {
            String s = (String) target;
            switch (name) {
                case "strip":
                    return (a, k) -> strip(s, charsArg(a), true, true);
                case "lstrip":
                    return (a, k) -> strip(s, charsArg(a), true, false);
                case "rstrip":
                    return (a, k) -> strip(s, charsArg(a), false, true);
                case "upper":
                    return (a, k) -> s.toUpperCase(Locale.ROOT);
                case "lower":
                    return (a, k) -> s.toLowerCase(Locale.ROOT);
                case "title":
                    return (a, k) -> title(s);
                case "capitalize":
                    return (a, k) -> capitalize(s);
                case "startswith":
                    return (a, k) -> affix(s, a.get(0), true);
                case "endswith":
                    return (a, k) -> affix(s, a.get(0), false);
                case "replace":
                    return (a, k) -> replace(s, str(a.get(0)), str(a.get(1)), a.size() > 2 ? asLong(a.get(2)) : -1);
                case "split":
                    return (a, k) -> split(
                            s,
                            a.isEmpty() || a.get(0) == null ? null : str(a.get(0)),
                            a.size() > 1 ? asLong(a.get(1)) : -1);
                case "join":
                    return (a, k) -> {
                        List<String> parts = new ArrayList<>();
                        for (Object o : iterate(a.get(0))) parts.add(str(o));
                        return String.join(s, parts);
                    };
                case "find":
                    return (a, k) -> (long) s.indexOf(str(a.get(0)));
                case "count":
                    return (a, k) -> (long) split(s, str(a.get(0)), -1).size() - 1;
                default:
                    return null;
            }
        }
        if (target instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) target;
            switch (name) {
                case "items":
                    return (a, k) -> items(m);
                case "keys":
                    return (a, k) -> new ArrayList<>(m.keySet());
                case "values":
                    return (a, k) -> new ArrayList<>(m.values());
                case "get":
                    return (a, k) -> m.containsKey(a.get(0)) ? m.get(a.get(0)) : a.size() > 1 ? a.get(1) : null;
                default:
                    return null;
            }
        }
        return null;
    }

    static String charsArg(List<Object> a) {
        return a.isEmpty() || a.get(0) == null ? null : str(a.get(0));
    }

    static boolean affix(String s, Object arg, boolean prefix) {
        for (Object o : arg instanceof List ? (List<?>) arg : List.of(arg)) {
            if (prefix ? s.startsWith(str(o)) : s.endsWith(str(o))) return true;
        }
        return false;
    }

    static String replace(String s, String old, String neu, long count) {
        if (count < 0) return s.replace(old, neu);
        StringBuilder b = new StringBuilder();
        int from = 0;
        for (long n = 0; n < count; n++) {
            int i = s.indexOf(old, from);
            if (i < 0) break;
            b.append(s, from, i).append(neu);
            from = i + old.length();
            if (old.isEmpty()) {
                if (from >= s.length()) break;
                b.append(s.charAt(from++));
            }
        }
        return b.append(s.substring(from)).toString();
    }

    /** Python's str.split: on runs of whitespace (dropping empty ends) when sep is null, else on sep exactly. */
    static List<Object> split(String s, String sep, long max) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int i = 0, n = s.length();
            while (true) {
                while (i < n && isSpace(s.charAt(i))) i++;
                if (i >= n) break;
                if (max >= 0 && out.size() == max) {
                    out.add(strip(s.substring(i), null, false, true));
                    break;
                }
                int j = i;
                while (j < n && !isSpace(s.charAt(j))) j++;
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        if (sep.isEmpty()) throw new IllegalArgumentException("empty separator");
        int from = 0;
        while (max < 0 || out.size() < max) {
            int i = s.indexOf(sep, from);
            if (i < 0) break;
            out.add(s.substring(from, i));
            from = i + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    static List<Object> items(Map<?, ?> m) {
        List<Object> r = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) r.add(java.util.Arrays.asList(e.getKey(), e.getValue()));
        return r;
    }

    static String capitalize(String s) {
        return s.isEmpty()
                ? s
                : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
    }

    static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean prevCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(prevCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
            prevCased = Character.isLetter(c);
        }
        return b.toString();
    }

    // ---- filters -----------------------------------------------------------------------------------------------
}
