package t2j.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The tiny programming language of the {@code code} tasks: a pipeline of stages applied to a list of integers.
 *
 * <pre>
 * program := stage ('|' stage)*
 * stage   := map(expr) | filter(cond) | take(expr) | drop(expr) | while(cond, expr)
 *          | sum | prod | max | min | len | first | last | rev | sort | uniq | scan | range
 * cond    := test (('and' | 'or') test)*        test := expr ('&gt;'|'&lt;'|'&gt;='|'&lt;='|'=='|'!=') expr
 * expr    := term (('+'|'-') term)*              term := factor (('*'|'/'|'%') factor)*
 * factor  := integer | 'n' | '(' expr ')' | '-' factor
 * </pre>
 *
 * <p>{@code n} is the element in {@code map}/{@code filter}, the list length in {@code take}/{@code drop}, and
 * the running value in {@code while(c, e)}, which replaces an integer {@code n} by {@code e} while {@code c}
 * holds. {@code scan} gives running sums, {@code uniq} drops repeats (first kept), {@code range} turns
 * {@code k} into {@code [0..k-1]}; {@code /} and {@code %} are floor division and modulo.
 *
 * <p>Programs are untrusted model output, so running one is bounded: every expression node and list element
 * costs a step, lists are capped in length and in total cells allocated, integers fail on overflow, and nesting
 * depth is limited (operator chains are evaluated in a loop, so a long {@code n+n+...+n} does not deepen the
 * stack either). Exceeding a limit raises {@link LimitExceeded}; a bad program raises {@link SyntaxError} or
 * {@link RuntimeError}.
 *
 * <pre>{@code
 * ListLang.Program p = ListLang.parse("filter(n>3)|map(n*2)|sum");
 * Object out = p.run(List.of(5L, 1L, 4L), ListLang.Limits.DEFAULT);   // 18L
 * }</pre>
 */
public final class ListLang {
    private ListLang() {}

    /** Resource bounds for one run. */
    public record Limits(long maxSteps, int maxListLength, long maxCells, int maxDepth, int maxSourceLength) {
        /** Generous for honest programs over short lists, tiny for anything runaway. */
        public static final Limits DEFAULT = new Limits(100_000, 1_000, 100_000, 32, 400);
    }

    /** A malformed program. */
    public static final class SyntaxError extends Exception {
        SyntaxError(String message) {
            super(message);
        }
    }

    /** A well-formed program that failed on an input (type error, empty list, division by zero, overflow). */
    public static final class RuntimeError extends Exception {
        RuntimeError(String message) {
            super(message);
        }
    }

    /** The run hit one of its {@link Limits}. */
    public static final class LimitExceeded extends Exception {
        LimitExceeded(String message) {
            super(message);
        }
    }

    /** A parsed program; immutable and reusable. */
    public static final class Program {
        private final List<Stage> stages;
        private final String source;

        private Program(List<Stage> stages, String source) {
            this.stages = stages;
            this.source = source;
        }

        /** Runs on {@code input} (a list of longs); returns a {@code Long} or an unmodifiable {@code List<Long>}. */
        public Object run(List<Long> input, Limits limits) throws RuntimeError, LimitExceeded {
            Budget b = new Budget(limits);
            b.cells(input.size());
            Object v = List.copyOf(input);
            for (Stage s : stages) v = s.apply(v, b);
            return v;
        }

        @Override
        public String toString() {
            return source;
        }
    }

    /** Renders a value the way prompts show it: {@code 8} or {@code [1,2,3]}. */
    public static String show(Object value) {
        if (value instanceof List<?> list) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) sb.append(i == 0 ? "" : ",").append(list.get(i));
            return sb.append(']').toString();
        }
        return String.valueOf(value);
    }

    /** Parses a program, bounded by {@link Limits#DEFAULT}'s source length and nesting depth. */
    public static Program parse(String source) throws SyntaxError {
        return parse(source, Limits.DEFAULT);
    }

    /** Parses a program. */
    public static Program parse(String source, Limits limits) throws SyntaxError {
        if (source.length() > limits.maxSourceLength())
            throw new SyntaxError("program longer than " + limits.maxSourceLength() + " characters");
        Parser p = new Parser(source, limits.maxDepth());
        List<Stage> stages = new ArrayList<>();
        do {
            stages.add(p.stage());
        } while (p.eat("|"));
        p.skipWs();
        if (p.i < source.length()) throw p.error("unexpected '" + source.charAt(p.i) + "'");
        return new Program(List.copyOf(stages), source.trim());
    }

    // ---------------------------------------------------------------------------------------------- evaluation

    private static final class Budget {
        final Limits limits;
        long steps;
        long cells;

        Budget(Limits limits) {
            this.limits = limits;
        }

        void step() throws LimitExceeded {
            if (++steps > limits.maxSteps())
                throw new LimitExceeded("step limit of " + limits.maxSteps() + " exceeded");
        }

        void cells(long n) throws LimitExceeded {
            if (n > limits.maxListLength()) throw new LimitExceeded("list longer than " + limits.maxListLength());
            cells += n;
            if (cells > limits.maxCells())
                throw new LimitExceeded("more than " + limits.maxCells() + " list cells allocated");
        }
    }

    private interface Expr {
        long eval(long n, Budget b) throws RuntimeError, LimitExceeded;
    }

    private interface Cond {
        boolean test(long n, Budget b) throws RuntimeError, LimitExceeded;
    }

    private interface Stage {
        Object apply(Object v, Budget b) throws RuntimeError, LimitExceeded;
    }

    @SuppressWarnings("unchecked")
    private static List<Long> list(Object v, String stage) throws RuntimeError {
        if (v instanceof List<?>) return (List<Long>) v;
        throw new RuntimeError(stage + " needs a list, got " + show(v));
    }

    private static long integer(Object v, String stage) throws RuntimeError {
        if (v instanceof Long l) return l;
        throw new RuntimeError(stage + " needs an integer, got " + show(v));
    }

    private static List<Long> fresh(List<Long> items, Budget b) throws LimitExceeded {
        b.cells(items.size());
        return Collections.unmodifiableList(items);
    }

    private static Stage simple(String name) throws SyntaxError {
        return switch (name) {
            case "sum", "prod" ->
                (v, b) -> {
                    boolean sum = name.equals("sum");
                    long acc = sum ? 0 : 1;
                    for (long x : list(v, name)) {
                        b.step();
                        acc = sum ? add(acc, x) : mul(acc, x);
                    }
                    return acc;
                };
            case "max", "min", "first", "last" ->
                (v, b) -> {
                    List<Long> xs = list(v, name);
                    if (xs.isEmpty()) throw new RuntimeError(name + " of an empty list");
                    if (name.equals("first")) return xs.get(0);
                    if (name.equals("last")) return xs.get(xs.size() - 1);
                    long best = xs.get(0);
                    for (long x : xs) {
                        b.step();
                        best = name.equals("max") ? Math.max(best, x) : Math.min(best, x);
                    }
                    return best;
                };
            case "len" -> (v, b) -> (long) list(v, name).size();
            case "rev" ->
                (v, b) -> {
                    List<Long> out = new ArrayList<>(list(v, name));
                    Collections.reverse(out);
                    for (int i = 0; i < out.size(); i++) b.step();
                    return fresh(out, b);
                };
            case "sort" ->
                (v, b) -> {
                    List<Long> out = new ArrayList<>(list(v, name));
                    for (int i = 0; i < out.size(); i++) b.step();
                    Collections.sort(out);
                    return fresh(out, b);
                };
            case "uniq" ->
                (v, b) -> {
                    List<Long> xs = list(v, name);
                    for (int i = 0; i < xs.size(); i++) b.step();
                    return fresh(new ArrayList<>(new LinkedHashSet<>(xs)), b);
                };
            case "scan" ->
                (v, b) -> {
                    List<Long> out = new ArrayList<>();
                    long acc = 0;
                    for (long x : list(v, name)) {
                        b.step();
                        acc = add(acc, x);
                        out.add(acc);
                    }
                    return fresh(out, b);
                };
            case "range" ->
                (v, b) -> {
                    long k = integer(v, name);
                    if (k < 0) throw new RuntimeError("range of a negative number");
                    b.cells(k); // checked before allocating, so a huge k costs nothing
                    List<Long> out = new ArrayList<>((int) k);
                    for (long i = 0; i < k; i++) {
                        b.step();
                        out.add(i);
                    }
                    return Collections.unmodifiableList(out);
                };
            default -> throw new SyntaxError("unknown stage '" + name + "'");
        };
    }

    static long add(long a, long b) throws RuntimeError {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new RuntimeError("integer overflow");
        }
    }

    static long mul(long a, long b) throws RuntimeError {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new RuntimeError("integer overflow");
        }
    }

    // ------------------------------------------------------------------------------------------------- parsing

    private static final class Parser {
        final String s;
        final int maxDepth;
        int i;
        int depth;

        Parser(String s, int maxDepth) {
            this.s = s;
            this.maxDepth = maxDepth;
        }

        SyntaxError error(String what) {
            return new SyntaxError(what + " at column " + (i + 1));
        }

        void skipWs() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        boolean eat(String token) {
            skipWs();
            if (s.startsWith(token, i)) {
                i += token.length();
                return true;
            }
            return false;
        }

        void expect(String token) throws SyntaxError {
            if (!eat(token)) throw error("expected '" + token + "'");
        }

        String word() {
            skipWs();
            int start = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) i++;
            return s.substring(start, i);
        }

        void enter() throws SyntaxError {
            if (++depth > maxDepth) throw error("nesting deeper than " + maxDepth);
        }

        Stage stage() throws SyntaxError {
            String name = word();
            if (name.isEmpty()) throw error("expected a stage name");
            switch (name) {
                case "map": {
                    expect("(");
                    Expr e = expr();
                    expect(")");
                    return (v, b) -> {
                        List<Long> out = new ArrayList<>();
                        for (long x : list(v, "map")) {
                            b.step();
                            out.add(e.eval(x, b));
                        }
                        return fresh(out, b);
                    };
                }
                case "filter": {
                    expect("(");
                    Cond c = cond();
                    expect(")");
                    return (v, b) -> {
                        List<Long> out = new ArrayList<>();
                        for (long x : list(v, "filter")) {
                            b.step();
                            if (c.test(x, b)) out.add(x);
                        }
                        return fresh(out, b);
                    };
                }
                case "take", "drop": {
                    expect("(");
                    Expr e = expr();
                    expect(")");
                    boolean take = name.equals("take");
                    return (v, b) -> {
                        List<Long> xs = list(v, name);
                        long k = Math.max(0, Math.min(xs.size(), e.eval(xs.size(), b)));
                        List<Long> out = take ? xs.subList(0, (int) k) : xs.subList((int) k, xs.size());
                        return fresh(new ArrayList<>(out), b);
                    };
                }
                case "while": {
                    expect("(");
                    Cond c = cond();
                    expect(",");
                    Expr e = expr();
                    expect(")");
                    return (v, b) -> {
                        long n = integer(v, "while");
                        while (c.test(n, b)) {
                            b.step();
                            n = e.eval(n, b);
                        }
                        return n;
                    };
                }
                default:
                    return simple(name);
            }
        }

        // Chains (a and b or c, a + b - c, a * b / c) are folded left in a loop rather than built as nested lambdas:
        // the same left-to-right meaning and step cost, but evaluation depth no longer grows with the chain's length,
        // which only the source length bounds.

        Cond cond() throws SyntaxError {
            List<Cond> tests = new ArrayList<>(List.of(test()));
            List<Boolean> ands = new ArrayList<>();
            while (true) {
                int save = i;
                String w = word();
                if (w.equals("and") || w.equals("or")) {
                    ands.add(w.equals("and"));
                    tests.add(test());
                } else {
                    i = save;
                    break;
                }
            }
            if (tests.size() == 1) return tests.get(0);
            Cond[] ts = tests.toArray(new Cond[0]);
            boolean[] and = new boolean[ands.size()];
            for (int k = 0; k < and.length; k++) and[k] = ands.get(k);
            return (n, b) -> {
                boolean acc = ts[0].test(n, b);
                for (int k = 0; k < and.length; k++) {
                    // ((t0 op t1) op t2)...: the right side is evaluated only when it can change the result.
                    if (and[k] ? acc : !acc) acc = ts[k + 1].test(n, b);
                }
                return acc;
            };
        }

        Cond test() throws SyntaxError {
            Expr l = expr();
            skipWs();
            for (String op : new String[] {">=", "<=", "==", "!=", ">", "<"}) {
                if (eat(op)) {
                    Expr r = expr();
                    return switch (op) {
                        case ">=" -> (n, b) -> l.eval(n, b) >= r.eval(n, b);
                        case "<=" -> (n, b) -> l.eval(n, b) <= r.eval(n, b);
                        case "==" -> (n, b) -> l.eval(n, b) == r.eval(n, b);
                        case "!=" -> (n, b) -> l.eval(n, b) != r.eval(n, b);
                        case ">" -> (n, b) -> l.eval(n, b) > r.eval(n, b);
                        default -> (n, b) -> l.eval(n, b) < r.eval(n, b);
                    };
                }
            }
            throw error("expected a comparison");
        }

        Expr expr() throws SyntaxError {
            enter();
            List<Expr> terms = new ArrayList<>(List.of(term()));
            StringBuilder ops = new StringBuilder();
            while (true) {
                if (eat("+")) ops.append('+');
                else if (eat("-")) ops.append('-');
                else break;
                terms.add(term());
            }
            depth--;
            return fold(terms, ops.toString());
        }

        Expr term() throws SyntaxError {
            List<Expr> factors = new ArrayList<>(List.of(factor()));
            StringBuilder ops = new StringBuilder();
            while (true) {
                if (eat("*")) ops.append('*');
                else if (eat("/")) ops.append('/');
                else if (eat("%")) ops.append('%');
                else break;
                factors.add(factor());
            }
            return fold(factors, ops.toString());
        }

        /**
         * {@code ((e0 op0 e1) op1 e2)...}: one step per operator, all taken before the operands are evaluated, then
         * the operands left to right, exactly as the nested binary nodes this replaces did.
         */
        private static Expr fold(List<Expr> operands, String ops) {
            if (ops.isEmpty()) return operands.get(0);
            Expr[] es = operands.toArray(new Expr[0]);
            return (n, b) -> {
                for (int k = 0; k < ops.length(); k++) b.step();
                long acc = es[0].eval(n, b);
                for (int k = 0; k < ops.length(); k++) {
                    long y = es[k + 1].eval(n, b);
                    acc = switch (ops.charAt(k)) {
                        case '+' -> add(acc, y);
                        case '-' -> add(acc, negate(y));
                        case '*' -> mul(acc, y);
                        default -> {
                            if (y == 0) throw new RuntimeError("division by zero");
                            if (acc == Long.MIN_VALUE && y == -1) throw new RuntimeError("integer overflow");
                            yield ops.charAt(k) == '/' ? Math.floorDiv(acc, y) : Math.floorMod(acc, y);
                        }
                    };
                }
                return acc;
            };
        }

        Expr factor() throws SyntaxError {
            skipWs();
            if (i >= s.length()) throw error("unexpected end of program");
            char c = s.charAt(i);
            if (c == '(') {
                i++;
                Expr e = expr();
                expect(")");
                return e;
            }
            if (c == '-') {
                i++;
                enter();
                Expr e = factor();
                depth--;
                return (n, b) -> {
                    b.step();
                    return negate(e.eval(n, b));
                };
            }
            if (c == 'n' && (i + 1 >= s.length() || !Character.isLetterOrDigit(s.charAt(i + 1)))) {
                i++;
                return (n, b) -> {
                    b.step();
                    return n;
                };
            }
            if (Character.isDigit(c)) {
                int start = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
                long value;
                try {
                    value = Long.parseLong(s.substring(start, i));
                } catch (NumberFormatException e) {
                    throw error("number too large");
                }
                return (n, b) -> {
                    b.step();
                    return value;
                };
            }
            throw error("unexpected '" + c + "'");
        }
    }

    static long negate(long x) throws RuntimeError {
        if (x == Long.MIN_VALUE) throw new RuntimeError("integer overflow");
        return -x;
    }
}
