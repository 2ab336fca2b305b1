package t2j.tokenizer;

import static t2j.tokenizer.PyValues.*;
import static t2j.tokenizer.TemplateAst.*;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders a parsed chat template. Scoping follows Jinja: a {@code set} inside a for loop stays inside the loop
 * (which is why templates use {@code namespace()}); if-blocks share the enclosing scope. The globals are those
 * transformers provides: {@code raise_exception}, {@code namespace}, {@code range}, {@code dict},
 * {@code strftime_now}.
 */
final class TemplateInterpreter {
    /** Filters this interpreter knows; the parser rejects the rest up front. */
    static final Set<String> FILTERS = Set.of("trim", "length", "count", "list", "string", "first", "last", "join",
            "upper", "lower", "capitalize", "title", "replace", "default", "d", "tojson", "selectattr", "rejectattr",
            "select", "reject", "map", "items", "int", "float", "abs", "reverse", "safe", "sort", "unique", "sum",
            "min", "max", "indent", "wordcount");

    /** Tests this interpreter knows ({@code x is defined} ...). */
    static final Set<String> TESTS = Set.of("defined", "undefined", "none", "string", "number", "integer", "float",
            "boolean", "true", "false", "mapping", "iterable", "sequence", "callable", "equalto", "eq", "==", "ne",
            "!=", "lt", "<", "le", "<=", "gt", ">", "ge", ">=", "in", "even", "odd", "divisibleby", "lower", "upper");

    /** A callable template value: a global function or a bound method. */
    interface Function {
        Object call(List<Object> args, Map<String, Object> kwargs);
    }

    private static final class Scope {
        final Map<String, Object> vars = new HashMap<>();
        final Scope parent;

        Scope(Scope parent) {
            this.parent = parent;
        }

        Object lookup(String name) {
            for (Scope s = this; s != null; s = s.parent) if (s.vars.containsKey(name)) return s.vars.get(name);
            return new Undefined(name);
        }
    }

    private static final class LoopSignal extends RuntimeException {
        final boolean isBreak;

        LoopSignal(boolean isBreak) {
            super(null, null, false, false);
            this.isBreak = isBreak;
        }
    }

    private static final LoopSignal BREAK = new LoopSignal(true), CONTINUE = new LoopSignal(false);

    private final StringBuilder out = new StringBuilder();
    private int line;

    private TemplateInterpreter() {}

    static String render(List<Node> template, Map<String, Object> variables) {
        TemplateInterpreter in = new TemplateInterpreter();
        Scope globals = new Scope(null);
        in.defineGlobals(globals.vars);
        Scope scope = new Scope(globals);
        scope.vars.putAll(variables);
        try {
            in.run(template, scope);
        } catch (LoopSignal s) {
            throw in.error("{% " + (s.isBreak ? "break" : "continue") + " %} outside a for loop");
        } catch (IllegalArgumentException | IndexOutOfBoundsException | ArithmeticException | ClassCastException e) {
            throw in.error(e.getMessage());
        }
        return in.out.toString();
    }

    private ChatTemplateException error(String what) {
        return new ChatTemplateException(ChatTemplateException.Kind.RUNTIME, "chat template line " + line + ": " + what);
    }

    private void defineGlobals(Map<String, Object> g) {
        g.put("raise_exception", (Function) (args, kw) -> {
            throw new ChatTemplateException(ChatTemplateException.Kind.RAISED, "chat template raised: " + (args.isEmpty() ? "" : str(args.get(0))));
        });
        g.put("namespace", (Function) (args, kw) -> {
            Namespace ns = new Namespace();
            for (Object a : args) if (a instanceof Map) ((Map<?, ?>) a).forEach((k, v) -> ns.attrs.put(str(k), v));
            ns.attrs.putAll(kw);
            return ns;
        });
        g.put("dict", (Function) (args, kw) -> new LinkedHashMap<>(kw));
        g.put("range", (Function) (args, kw) -> {
            long start = 0, stop, step = 1;
            if (args.size() == 1) stop = asLong(args.get(0));
            else {
                start = asLong(args.get(0));
                stop = asLong(args.get(1));
                if (args.size() > 2) step = asLong(args.get(2));
            }
            if (step == 0) throw new IllegalArgumentException("range() arg 3 must not be zero");
            List<Object> r = new ArrayList<>();
            for (long i = start; step > 0 ? i < stop : i > stop; i += step) r.add(i);
            return r;
        });
        g.put("strftime_now", (Function) (args, kw) -> strftime(str(args.get(0)), LocalDateTime.now()));
    }

    // ---- statements --------------------------------------------------------------------------------------------

    private void run(List<Node> nodes, Scope scope) {
        for (Node n : nodes) exec(n, scope);
    }

    private void exec(Node n, Scope scope) {
        if (n instanceof Text) {
            out.append(((Text) n).text());
        } else if (n instanceof Output) {
            line = ((Output) n).line();
            out.append(str(eval(((Output) n).expr(), scope)));
        } else if (n instanceof If) {
            If f = (If) n;
            for (int i = 0; i < f.conditions().size(); i++) {
                if (truthy(eval(f.conditions().get(i), scope))) {
                    run(f.bodies().get(i), scope);
                    return;
                }
            }
            run(f.orElse(), scope);
        } else if (n instanceof For) {
            forLoop((For) n, scope);
        } else if (n instanceof TemplateAst.Set) {
            TemplateAst.Set s = (TemplateAst.Set) n;
            line = s.line();
            Object v = eval(s.value(), scope);
            if (s.attr() == null) {
                scope.vars.put(s.name(), v);
            } else {
                Object target = scope.lookup(s.name());
                if (!(target instanceof Namespace)) throw error("cannot set attribute '" + s.attr() + "' of " + typeName(target) + " '" + s.name() + "' (only a namespace() can be changed)");
                ((Namespace) target).attrs.put(s.attr(), v);
            }
        } else if (n instanceof SetBlock) {
            int mark = out.length();
            run(((SetBlock) n).body(), scope);
            String captured = out.substring(mark);
            out.setLength(mark);
            scope.vars.put(((SetBlock) n).name(), captured);
        } else if (n instanceof Break) {
            throw BREAK;
        } else if (n instanceof Continue) {
            throw CONTINUE;
        } else {
            throw new AssertionError(n);
        }
    }

    private void forLoop(For f, Scope scope) {
        line = f.line();
        Object iterable = eval(f.iterable(), scope);
        if (iterable == null) throw error("'NoneType' object is not iterable");
        List<Object> items = new ArrayList<>();
        for (Object item : iterate(iterable)) {
            if (f.filter() == null || truthy(eval(f.filter(), bind(f, item, new Scope(scope))))) items.add(item);
        }
        int n = items.size();
        for (int i = 0; i < n; i++) {
            Scope body = bind(f, items.get(i), new Scope(scope));
            Map<String, Object> loop = new HashMap<>();
            loop.put("index0", (long) i);
            loop.put("index", (long) i + 1);
            loop.put("revindex0", (long) (n - 1 - i));
            loop.put("revindex", (long) (n - i));
            loop.put("first", i == 0);
            loop.put("last", i == n - 1);
            loop.put("length", (long) n);
            loop.put("previtem", i > 0 ? items.get(i - 1) : new Undefined("previtem"));
            loop.put("nextitem", i + 1 < n ? items.get(i + 1) : new Undefined("nextitem"));
            body.vars.put("loop", loop);
            try {
                run(f.body(), body);
            } catch (LoopSignal s) {
                if (s.isBreak) break;
            }
        }
        if (n == 0) run(f.orElse(), scope);
    }

    private Scope bind(For f, Object item, Scope scope) {
        if (f.targets().size() == 1) {
            scope.vars.put(f.targets().get(0), item);
            return scope;
        }
        List<Object> parts = iterate(item);
        if (parts.size() != f.targets().size())
            throw error("cannot unpack " + parts.size() + " values into " + f.targets().size() + " loop variables");
        for (int k = 0; k < parts.size(); k++) scope.vars.put(f.targets().get(k), parts.get(k));
        return scope;
    }

    // ---- expressions -------------------------------------------------------------------------------------------

    private Object eval(Expr e, Scope scope) {
        if (e instanceof Const) return ((Const) e).value();
        if (e instanceof Name) return scope.lookup(((Name) e).name());
        if (e instanceof Attr) return attribute(eval(((Attr) e).target(), scope), ((Attr) e).name());
        if (e instanceof Item) return item(eval(((Item) e).target(), scope), eval(((Item) e).key(), scope));
        if (e instanceof Slice) return slice((Slice) e, scope);
        if (e instanceof Call) return call((Call) e, scope);
        if (e instanceof Filter) return filter((Filter) e, scope);
        if (e instanceof Test) {
            Test t = (Test) e;
            boolean r = test(t.name(), eval(t.value(), scope), evalAll(t.args(), scope));
            return t.negated() != r;
        }
        if (e instanceof Unary) {
            Unary u = (Unary) e;
            Object v = eval(u.operand(), scope);
            if (u.op().equals("not")) return !truthy(v);
            if (!isNumber(v)) throw new IllegalArgumentException("bad operand type for unary " + u.op() + ": '" + typeName(v) + "'");
            if (u.op().equals("+")) return v;
            return isIntegral(v) ? (Object) (-asLong(v)) : (Object) (-asDouble(v));
        }
        if (e instanceof Binary) return binary((Binary) e, scope);
        if (e instanceof Compare) {
            Compare c = (Compare) e;
            Object left = eval(c.operands().get(0), scope);
            for (int i = 0; i < c.ops().size(); i++) {
                Object right = eval(c.operands().get(i + 1), scope);
                if (!compare(c.ops().get(i), left, right)) return false;
                left = right;
            }
            return true;
        }
        if (e instanceof Conditional) {
            Conditional c = (Conditional) e;
            if (truthy(eval(c.condition(), scope))) return eval(c.then(), scope);
            return c.otherwise() == null ? new Undefined("else") : eval(c.otherwise(), scope);
        }
        if (e instanceof ListLiteral) return evalAll(((ListLiteral) e).items(), scope);
        if (e instanceof DictLiteral) {
            DictLiteral d = (DictLiteral) e;
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < d.keys().size(); i++) m.put(str(eval(d.keys().get(i), scope)), eval(d.values().get(i), scope));
            return m;
        }
        throw new AssertionError(e);
    }

    private List<Object> evalAll(List<Expr> es, Scope scope) {
        List<Object> r = new ArrayList<>(es.size());
        for (Expr x : es) r.add(eval(x, scope));
        return r;
    }

    private Map<String, Object> evalKw(Map<String, Expr> kw, Scope scope) {
        Map<String, Object> r = new LinkedHashMap<>();
        kw.forEach((k, v) -> r.put(k, eval(v, scope)));
        return r;
    }

    private static boolean compare(String op, Object a, Object b) {
        switch (op) {
            case "==": return equal(a, b);
            case "!=": return !equal(a, b);
            case "in": return contains(b, a);
            case "not in": return !contains(b, a);
            case "<": return PyValues.compare(a, b, op) < 0;
            case ">": return PyValues.compare(a, b, op) > 0;
            case "<=": return PyValues.compare(a, b, op) <= 0;
            case ">=": return PyValues.compare(a, b, op) >= 0;
            default: throw new AssertionError(op);
        }
    }

    private Object binary(Binary b, Scope scope) {
        Object l = eval(b.left(), scope);
        switch (b.op()) {
            case "and": return truthy(l) ? eval(b.right(), scope) : l;
            case "or": return truthy(l) ? l : eval(b.right(), scope);
            case "~": return str(l) + str(eval(b.right(), scope));
            default: break;
        }
        Object r = eval(b.right(), scope);
        String op = b.op();
        if (op.equals("+")) {
            if (l instanceof String && r instanceof String) return (String) l + r;
            if (l instanceof List && r instanceof List) {
                List<Object> c = new ArrayList<>((List<?>) l);
                c.addAll((List<?>) r);
                return c;
            }
        }
        if (op.equals("*") && l instanceof String && isIntegral(r)) return ((String) l).repeat((int) Math.max(0, asLong(r)));
        if (!isNumber(l) || !isNumber(r)) {
            throw new IllegalArgumentException("unsupported operand type(s) for " + op + ": '" + typeName(l) + "' and '" + typeName(r) + "'");
        }
        boolean ints = isIntegral(l) && isIntegral(r);
        switch (op) {
            case "+": return ints ? (Object) (asLong(l) + asLong(r)) : (Object) (asDouble(l) + asDouble(r));
            case "-": return ints ? (Object) (asLong(l) - asLong(r)) : (Object) (asDouble(l) - asDouble(r));
            case "*": return ints ? (Object) (asLong(l) * asLong(r)) : (Object) (asDouble(l) * asDouble(r));
            case "/": return asDouble(l) / nonZero(asDouble(r));
            case "//": return ints ? (Object) Math.floorDiv(asLong(l), (long) nonZero(asLong(r))) : (Object) Math.floor(asDouble(l) / nonZero(asDouble(r)));
            case "%":
                if (ints) return Math.floorMod(asLong(l), (long) nonZero(asLong(r)));
                double m = asDouble(l) % nonZero(asDouble(r));
                return m != 0 && (m < 0) != (asDouble(r) < 0) ? m + asDouble(r) : m;
            case "**": return ints && asLong(r) >= 0 ? (Object) (long) Math.pow(asLong(l), asLong(r)) : (Object) Math.pow(asDouble(l), asDouble(r));
            default: throw new AssertionError(op);
        }
    }

    private static double nonZero(double d) {
        if (d == 0) throw new ArithmeticException("division by zero");
        return d;
    }

    private Object attribute(Object target, String name) {
        if (target instanceof Undefined) throw error("'" + ((Undefined) target).name + "' is undefined (reading ." + name + ")");
        if (target instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) target;
            if (m.containsKey(name)) return m.get(name);
        }
        if (target instanceof Namespace) {
            Map<String, Object> a = ((Namespace) target).attrs;
            return a.containsKey(name) ? a.get(name) : new Undefined(name);
        }
        Function method = PyMethods.method(target, name);
        return method != null ? method : new Undefined(name);
    }

    private Object item(Object target, Object key) {
        if (target instanceof Undefined) throw error("'" + ((Undefined) target).name + "' is undefined (reading [" + repr(key) + "])");
        if (target instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) target;
            return m.containsKey(key) ? m.get(key) : key instanceof String ? attribute(target, (String) key) : new Undefined(str(key));
        }
        if ((target instanceof List || target instanceof String) && isIntegral(key)) {
            List<?> items = target instanceof List ? (List<?>) target : iterate(target);
            long i = asLong(key);
            if (i < 0) i += items.size();
            return i >= 0 && i < items.size() ? items.get((int) i) : new Undefined("[" + key + "]");
        }
        if (target instanceof Namespace && key instanceof String) return attribute(target, (String) key);
        return key instanceof String ? attribute(target, (String) key) : new Undefined(str(key));
    }

    private Object slice(Slice s, Scope scope) {
        Object target = eval(s.target(), scope);
        if (!(target instanceof List) && !(target instanceof String)) throw error("cannot slice a " + typeName(target));
        List<Object> items = iterate(target);
        int n = items.size();
        long step = s.step() == null ? 1 : asLong(eval(s.step(), scope));
        if (step == 0) throw error("slice step cannot be zero");
        long start = bound(s.start() == null ? null : eval(s.start(), scope), n, step > 0 ? 0 : n - 1, step);
        long stop = bound(s.stop() == null ? null : eval(s.stop(), scope), n, step > 0 ? n : -1, step);
        List<Object> r = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) r.add(items.get((int) i));
        if (target instanceof List) return r;
        StringBuilder b = new StringBuilder();
        for (Object o : r) b.append(o);
        return b.toString();
    }

    /** Python's slice-index clamping. */
    private static long bound(Object v, int n, long dflt, long step) {
        if (v == null || v instanceof Undefined) return dflt;
        long i = asLong(v);
        if (i < 0) i += n;
        return step > 0 ? Math.max(0, Math.min(n, i)) : Math.max(-1, Math.min(n - 1, i));
    }

    private Object call(Call c, Scope scope) {
        Object callee = eval(c.callee(), scope);
        if (!(callee instanceof Function)) {
            String what = c.callee() instanceof Name ? ((Name) c.callee()).name() : c.callee() instanceof Attr ? "." + ((Attr) c.callee()).name() : "value";
            if (callee instanceof Undefined) throw error("unsupported or undefined function '" + what + "'");
            throw error("'" + typeName(callee) + "' object (" + what + ") is not callable");
        }
        return ((Function) callee).call(evalAll(c.args(), scope), evalKw(c.kwargs(), scope));
    }

    // ---- methods on values (str and dict) ----------------------------------------------------------------------

    private Object filter(Filter f, Scope scope) {
        Object v = eval(f.value(), scope);
        List<Object> a = evalAll(f.args(), scope);
        Map<String, Object> kw = evalKw(f.kwargs(), scope);
        switch (f.name()) {
            case "trim": return strip(str(v), a.isEmpty() ? null : str(a.get(0)), true, true);
            case "length":
            case "count":
                if (v instanceof String) return (long) ((String) v).codePointCount(0, ((String) v).length());
                if (v instanceof List) return (long) ((List<?>) v).size();
                if (v instanceof Map) return (long) ((Map<?, ?>) v).size();
                if (v instanceof Undefined) return 0L;
                throw new IllegalArgumentException("object of type '" + typeName(v) + "' has no len()");
            case "list": return iterate(v);
            case "string": return str(v);
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
                for (Object o : iterate(v)) parts.add(str(attr == null ? o : path(o, str(attr))));
                return String.join(sep, parts);
            }
            case "upper": return str(v).toUpperCase(Locale.ROOT);
            case "lower": return str(v).toLowerCase(Locale.ROOT);
            case "capitalize": return PyMethods.capitalize(str(v));
            case "title": return PyMethods.title(str(v));
            case "replace": return PyMethods.replace(str(v), str(a.get(0)), str(a.get(1)), a.size() > 2 ? asLong(a.get(2)) : -1);
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
                boolean byAttr = f.name().endsWith("attr"), keep = f.name().startsWith("select");
                String attr = byAttr ? str(a.get(0)) : null;
                List<Object> rest = a.subList(byAttr ? 1 : 0, a.size());
                List<Object> r = new ArrayList<>();
                for (Object o : iterate(v)) {
                    Object x = byAttr ? path(o, attr) : o;
                    boolean pass = rest.isEmpty() ? truthy(x) : test(str(rest.get(0)), x, rest.subList(1, rest.size()));
                    if (pass == keep) r.add(o);
                }
                return r;
            }
            case "map": {
                List<Object> r = new ArrayList<>();
                if (kw.containsKey("attribute")) {
                    for (Object o : iterate(v)) {
                        Object x = path(o, str(kw.get("attribute")));
                        r.add(x instanceof Undefined && kw.containsKey("default") ? kw.get("default") : x);
                    }
                    return r;
                }
                if (a.isEmpty()) throw new IllegalArgumentException("map filter needs attribute= or a filter name");
                String name = str(a.get(0));
                if (!FILTERS.contains(name) || name.equals("map")) throw new ChatTemplateException(ChatTemplateException.Kind.UNSUPPORTED, "chat template line " + line + ": unsupported Jinja construct: filter '" + name + "' in map()");
                List<Expr> extra = new ArrayList<>();
                for (Object o : a.subList(1, a.size())) extra.add(new Const(o));
                for (Object o : iterate(v)) r.add(filter(new Filter(new Const(o), name, extra, Map.of()), scope));
                return r;
            }
            case "items":
                if (v instanceof Undefined) return new ArrayList<>();
                if (!(v instanceof Map)) throw new IllegalArgumentException("items filter needs a mapping, not " + typeName(v));
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
                if (!isNumber(v)) throw new IllegalArgumentException("bad operand type for abs(): '" + typeName(v) + "'");
                return isIntegral(v) ? (Object) Math.abs(asLong(v)) : (Object) Math.abs(asDouble(v));
            case "reverse": {
                if (v instanceof String) return new StringBuilder((String) v).reverse().toString();
                List<Object> l = iterate(v);
                Collections.reverse(l);
                return l;
            }
            case "safe": return v;
            case "sort": {
                List<Object> l = iterate(v);
                Object attr = kw.get("attribute");
                l.sort((x, y) -> PyValues.compare(attr == null ? x : path(x, str(attr)), attr == null ? y : path(y, str(attr)), "<"));
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
                for (Object o : iterate(v)) acc = binary(new Binary("+", new Const(acc), new Const(o)), scope);
                return acc;
            }
            case "min":
            case "max": {
                List<Object> l = iterate(v);
                if (l.isEmpty()) return new Undefined(f.name());
                Object best = l.get(0);
                for (Object o : l) {
                    int c = PyValues.compare(o, best, "<");
                    if (f.name().equals("min") ? c < 0 : c > 0) best = o;
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
            case "wordcount": return (long) PyMethods.split(str(v), null, -1).size();
            default: throw new AssertionError(f.name());
        }
    }

    /** Jinja's attribute getter: "a.b" looks up a then b; numeric parts index lists. */
    private Object path(Object o, String dotted) {
        for (String part : dotted.split("\\.")) {
            if (o instanceof Undefined) return o;
            o = part.matches("\\d+") ? item(o, Long.parseLong(part)) : item(o, part);
        }
        return o;
    }

    // ---- tests -------------------------------------------------------------------------------------------------

    private boolean test(String name, Object v, List<Object> a) {
        switch (name) {
            case "defined": return !(v instanceof Undefined);
            case "undefined": return v instanceof Undefined;
            case "none": return v == null;
            case "string": return v instanceof String;
            case "number": return v instanceof Long || v instanceof Double;
            case "integer": return v instanceof Long;
            case "float": return v instanceof Double;
            case "boolean": return v instanceof Boolean;
            case "true": return Boolean.TRUE.equals(v);
            case "false": return Boolean.FALSE.equals(v);
            case "mapping": return v instanceof Map;
            case "iterable": return v instanceof List || v instanceof Map || v instanceof String;
            case "sequence": return v instanceof List || v instanceof Map || v instanceof String;
            case "callable": return v instanceof Function;
            case "even": return isIntegral(v) && asLong(v) % 2 == 0;
            case "odd": return isIntegral(v) && asLong(v) % 2 != 0;
            case "divisibleby": return asLong(v) % asLong(a.get(0)) == 0;
            case "lower": return str(v).equals(str(v).toLowerCase(Locale.ROOT));
            case "upper": return str(v).equals(str(v).toUpperCase(Locale.ROOT));
            default: break;
        }
        if (a.isEmpty()) throw error("test '" + name + "' needs an argument");
        Object b = a.get(0);
        switch (name) {
            case "equalto": case "eq": case "==": return equal(v, b);
            case "ne": case "!=": return !equal(v, b);
            case "lt": case "<": return PyValues.compare(v, b, "<") < 0;
            case "le": case "<=": return PyValues.compare(v, b, "<=") <= 0;
            case "gt": case ">": return PyValues.compare(v, b, ">") > 0;
            case "ge": case ">=": return PyValues.compare(v, b, ">=") >= 0;
            case "in": return contains(b, v);
            default: throw new AssertionError(name);
        }
    }

    // ---- strftime_now ------------------------------------------------------------------------------------------

    /** The strftime directives date-stamping templates use (Llama 3.1+: "%d %b %Y"). */
    static String strftime(String fmt, LocalDateTime t) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                b.append(c);
                continue;
            }
            char d = fmt.charAt(++i);
            boolean noPad = d == '-' && i + 1 < fmt.length();
            if (noPad) d = fmt.charAt(++i);
            String pattern;
            switch (d) {
                case 'd': pattern = noPad ? "d" : "dd"; break;
                case 'm': pattern = noPad ? "M" : "MM"; break;
                case 'Y': pattern = "yyyy"; break;
                case 'y': pattern = "yy"; break;
                case 'b': pattern = "MMM"; break;
                case 'B': pattern = "MMMM"; break;
                case 'a': pattern = "EEE"; break;
                case 'A': pattern = "EEEE"; break;
                case 'H': pattern = noPad ? "H" : "HH"; break;
                case 'I': pattern = noPad ? "h" : "hh"; break;
                case 'M': pattern = noPad ? "m" : "mm"; break;
                case 'S': pattern = noPad ? "s" : "ss"; break;
                case 'p': pattern = "a"; break;
                case 'j': pattern = "DDD"; break;
                case '%': b.append('%'); continue;
                default: throw new ChatTemplateException(ChatTemplateException.Kind.UNSUPPORTED, "chat template: unsupported strftime directive %" + d);
            }
            b.append(java.time.format.DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH).format(t));
        }
        return b.toString();
    }
}
