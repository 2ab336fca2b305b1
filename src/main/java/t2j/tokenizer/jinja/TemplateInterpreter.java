package t2j.tokenizer.jinja;

import static t2j.tokenizer.jinja.PyValues.*;
import static t2j.tokenizer.jinja.TemplateAst.*;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a parsed chat template. Scoping follows Jinja: a {@code set} inside a for loop stays inside the loop
 * (which is why templates use {@code namespace()}); if-blocks share the enclosing scope. The globals are those
 * transformers provides: {@code raise_exception}, {@code namespace}, {@code range}, {@code dict},
 * {@code strftime_now}.
 */
final class TemplateInterpreter {
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

    private TemplateException error(String what) {
        return new TemplateException(TemplateException.Kind.RUNTIME, "chat template line " + line + ": " + what);
    }

    private void defineGlobals(Map<String, Object> g) {
        g.put("raise_exception", (Function) (args, kw) -> {
            throw new TemplateException(
                    TemplateException.Kind.RAISED, "chat template raised: " + (args.isEmpty() ? "" : str(args.get(0))));
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
                if (!(target instanceof Namespace))
                    throw error("cannot set attribute '" + s.attr() + "' of " + typeName(target) + " '" + s.name()
                            + "' (only a namespace() can be changed)");
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
            throw error("cannot unpack " + parts.size() + " values into "
                    + f.targets().size() + " loop variables");
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
            boolean r = JinjaFilters.test(t.name(), eval(t.value(), scope), evalAll(t.args(), scope));
            return t.negated() != r;
        }
        if (e instanceof Unary) {
            Unary u = (Unary) e;
            Object v = eval(u.operand(), scope);
            if (u.op().equals("not")) return !truthy(v);
            if (!isNumber(v))
                throw new IllegalArgumentException("bad operand type for unary " + u.op() + ": '" + typeName(v) + "'");
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
            for (int i = 0; i < d.keys().size(); i++)
                m.put(str(eval(d.keys().get(i), scope)), eval(d.values().get(i), scope));
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
            case "==":
                return equal(a, b);
            case "!=":
                return !equal(a, b);
            case "in":
                return contains(b, a);
            case "not in":
                return !contains(b, a);
            case "<":
                return PyValues.compare(a, b, op) < 0;
            case ">":
                return PyValues.compare(a, b, op) > 0;
            case "<=":
                return PyValues.compare(a, b, op) <= 0;
            case ">=":
                return PyValues.compare(a, b, op) >= 0;
            default:
                throw new AssertionError(op);
        }
    }

    private Object binary(Binary b, Scope scope) {
        Object l = eval(b.left(), scope);
        switch (b.op()) {
            case "and":
                return truthy(l) ? eval(b.right(), scope) : l;
            case "or":
                return truthy(l) ? l : eval(b.right(), scope);
            case "~":
                return str(l) + str(eval(b.right(), scope));
            default:
                break;
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
        if (op.equals("*") && l instanceof String && isIntegral(r))
            return ((String) l).repeat((int) Math.max(0, asLong(r)));
        if (!isNumber(l) || !isNumber(r)) {
            throw new IllegalArgumentException(
                    "unsupported operand type(s) for " + op + ": '" + typeName(l) + "' and '" + typeName(r) + "'");
        }
        boolean ints = isIntegral(l) && isIntegral(r);
        switch (op) {
            case "+":
                return ints ? (Object) (asLong(l) + asLong(r)) : (Object) (asDouble(l) + asDouble(r));
            case "-":
                return ints ? (Object) (asLong(l) - asLong(r)) : (Object) (asDouble(l) - asDouble(r));
            case "*":
                return ints ? (Object) (asLong(l) * asLong(r)) : (Object) (asDouble(l) * asDouble(r));
            case "/":
                return asDouble(l) / nonZero(asDouble(r));
            case "//":
                return ints
                        ? (Object) Math.floorDiv(asLong(l), (long) nonZero(asLong(r)))
                        : (Object) Math.floor(asDouble(l) / nonZero(asDouble(r)));
            case "%":
                if (ints) return Math.floorMod(asLong(l), (long) nonZero(asLong(r)));
                double m = asDouble(l) % nonZero(asDouble(r));
                return m != 0 && (m < 0) != (asDouble(r) < 0) ? m + asDouble(r) : m;
            case "**":
                return ints && asLong(r) >= 0
                        ? (Object) (long) Math.pow(asLong(l), asLong(r))
                        : (Object) Math.pow(asDouble(l), asDouble(r));
            default:
                throw new AssertionError(op);
        }
    }

    private static double nonZero(double d) {
        if (d == 0) throw new ArithmeticException("division by zero");
        return d;
    }

    private Object attribute(Object target, String name) {
        if (target instanceof Undefined)
            throw error("'" + ((Undefined) target).name + "' is undefined (reading ." + name + ")");
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
        if (target instanceof Undefined)
            throw error("'" + ((Undefined) target).name + "' is undefined (reading [" + repr(key) + "])");
        if (target instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) target;
            return m.containsKey(key)
                    ? m.get(key)
                    : key instanceof String ? attribute(target, (String) key) : new Undefined(str(key));
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
            String what = c.callee() instanceof Name
                    ? ((Name) c.callee()).name()
                    : c.callee() instanceof Attr ? "." + ((Attr) c.callee()).name() : "value";
            if (callee instanceof Undefined) throw error("unsupported or undefined function '" + what + "'");
            throw error("'" + typeName(callee) + "' object (" + what + ") is not callable");
        }
        return ((Function) callee).call(evalAll(c.args(), scope), evalKw(c.kwargs(), scope));
    }

    /** What the filters need from the interpreter: subscripting, Python's {@code +}, and an error with the line. */
    private final JinjaFilters.Interpreter hooks = new JinjaFilters.Interpreter() {
        @Override
        public Object item(Object target, Object key) {
            return TemplateInterpreter.this.item(target, key);
        }

        @Override
        public Object add(Object a, Object b) {
            return binary(new Binary("+", new Const(a), new Const(b)), null);
        }

        @Override
        public TemplateException unsupported(String what) {
            return new TemplateException(
                    TemplateException.Kind.UNSUPPORTED,
                    "chat template line " + line + ": unsupported Jinja construct: " + what);
        }
    };

    private Object filter(Filter f, Scope scope) {
        return JinjaFilters.filter(
                f.name(), eval(f.value(), scope), evalAll(f.args(), scope), evalKw(f.kwargs(), scope), hooks);
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
                case 'd':
                    pattern = noPad ? "d" : "dd";
                    break;
                case 'm':
                    pattern = noPad ? "M" : "MM";
                    break;
                case 'Y':
                    pattern = "yyyy";
                    break;
                case 'y':
                    pattern = "yy";
                    break;
                case 'b':
                    pattern = "MMM";
                    break;
                case 'B':
                    pattern = "MMMM";
                    break;
                case 'a':
                    pattern = "EEE";
                    break;
                case 'A':
                    pattern = "EEEE";
                    break;
                case 'H':
                    pattern = noPad ? "H" : "HH";
                    break;
                case 'I':
                    pattern = noPad ? "h" : "hh";
                    break;
                case 'M':
                    pattern = noPad ? "m" : "mm";
                    break;
                case 'S':
                    pattern = noPad ? "s" : "ss";
                    break;
                case 'p':
                    pattern = "a";
                    break;
                case 'j':
                    pattern = "DDD";
                    break;
                case '%':
                    b.append('%');
                    continue;
                default:
                    throw new TemplateException(
                            TemplateException.Kind.UNSUPPORTED, "chat template: unsupported strftime directive %" + d);
            }
            b.append(java.time.format.DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH)
                    .format(t));
        }
        return b.toString();
    }
}
