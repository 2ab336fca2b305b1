package t2j.tokenizer.jinja;

import static t2j.tokenizer.jinja.TemplateAst.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.tokenizer.jinja.TemplateLexer.Chunk;
import t2j.tokenizer.jinja.TemplateLexer.ChunkKind;
import t2j.tokenizer.jinja.TemplateLexer.Token;
import t2j.tokenizer.jinja.TemplateLexer.TokenKind;

/**
 * Parses the Jinja subset that Hugging Face chat templates use into a {@link TemplateAst}, with Jinja's operator
 * precedence (filters and tests bind tighter than arithmetic; {@code ~} between {@code +} and {@code *}).
 * Tags, filters and tests outside the subset are rejected here, before anything is rendered, with an
 * {@code UNSUPPORTED} error naming the construct and its line.
 */
final class TemplateParser {
    private static final java.util.Set<String> UNSUPPORTED_TAGS = java.util.Set.of(
            "macro",
            "call",
            "filter",
            "raw",
            "include",
            "import",
            "from",
            "extends",
            "block",
            "with",
            "autoescape",
            "do");
    private static final java.util.Set<String> KEYWORDS =
            java.util.Set.of("and", "or", "not", "in", "is", "if", "else");

    private final List<Chunk> chunks;
    private int ci;
    private List<Token> toks;
    private int ti;
    private int line;

    private TemplateParser(List<Chunk> chunks) {
        this.chunks = chunks;
    }

    static List<Node> parse(String template) {
        TemplateParser p = new TemplateParser(TemplateLexer.chunks(template));
        List<Node> body = p.body();
        if (p.ci < p.chunks.size())
            throw p.syntax("unexpected '" + p.tagName(p.chunks.get(p.ci)) + "' without its opening tag");
        return body;
    }

    /** Statements up to (not including) a tag whose name ends this body, or the end of the template. */
    private List<Node> body(String... terminators) {
        List<Node> out = new ArrayList<>();
        while (ci < chunks.size()) {
            Chunk c = chunks.get(ci);
            line = c.line;
            if (c.kind == ChunkKind.TEXT) {
                if (!c.text.isEmpty()) out.add(new Text(c.text));
                ci++;
                continue;
            }
            start(c);
            if (c.kind == ChunkKind.OUTPUT) {
                Expr e = expression(true);
                expectEnd();
                out.add(new Output(e, c.line));
                ci++;
                continue;
            }
            String name = tagName(c);
            for (String t : terminators) if (t.equals(name)) return out;
            ci++;
            ti++;
            out.add(statement(name, c));
        }
        if (terminators.length > 0) throw syntax("missing {% " + terminators[terminators.length - 1] + " %}");
        return out;
    }

    private String tagName(Chunk c) {
        Token t = c.tokens.get(0);
        if (t.kind != TokenKind.NAME) throw syntax("expected a tag name, found " + t);
        return t.text;
    }

    private void start(Chunk c) {
        toks = c.tokens;
        ti = 0;
        line = c.line;
    }

    private Node statement(String name, Chunk c) {
        switch (name) {
            case "if":
                return ifStatement();
            case "for":
                return forStatement(c.line);
            case "set":
                return setStatement(c.line);
            case "break":
                expectEnd();
                return new Break();
            case "continue":
                expectEnd();
                return new Continue();
            case "generation": {
                // transformers' {% generation %} only marks assistant text for masks; its output is the body.
                expectEnd();
                List<Node> body = body("endgeneration");
                closeTag();
                return new If(List.of(new Const(true)), List.of(body), List.of());
            }
            default:
                if (UNSUPPORTED_TAGS.contains(name)) throw unsupported("tag {% " + name + " %}");
                throw syntax("unknown tag {% " + name + " %}");
        }
    }

    private Node ifStatement() {
        List<Expr> conds = new ArrayList<>();
        List<List<Node>> bodies = new ArrayList<>();
        conds.add(expression(true));
        expectEnd();
        while (true) {
            bodies.add(body("elif", "else", "endif"));
            Chunk c = chunks.get(ci++);
            start(c);
            String t = tagName(c);
            ti++;
            if (t.equals("elif")) {
                conds.add(expression(true));
                expectEnd();
            } else if (t.equals("else")) {
                expectEnd();
                List<Node> orElse = body("endif");
                closeTag();
                return new If(conds, bodies, orElse);
            } else {
                expectEnd();
                return new If(conds, bodies, List.of());
            }
        }
    }

    private Node forStatement(int forLine) {
        List<String> targets = new ArrayList<>();
        do targets.add(name());
        while (accept(","));
        expect("in");
        Expr iterable = expression(false);
        Expr filter = accept("if") ? expression(false) : null;
        if (peek().is("recursive")) throw unsupported("recursive for loops");
        expectEnd();
        List<Node> body = body("else", "endfor");
        List<Node> orElse = List.of();
        Chunk c = chunks.get(ci++);
        start(c);
        if (tagName(c).equals("else")) {
            ti++;
            expectEnd();
            orElse = body("endfor");
            closeTag();
        } else {
            ti++;
            expectEnd();
        }
        return new For(targets, iterable, filter, body, orElse, forLine);
    }

    private Node setStatement(int setLine) {
        String target = name();
        String attr = accept(".") ? name() : null;
        if (peek().is(",")) throw unsupported("tuple assignment in {% set %}");
        if (!accept("=")) {
            if (attr != null) throw syntax("expected '=' after set " + target + "." + attr);
            expectEnd();
            List<Node> body = body("endset");
            closeTag();
            return new SetBlock(target, body);
        }
        Expr value = expression(true);
        if (peek().is(",")) value = tupleRest(value);
        expectEnd();
        return new Set(target, attr, value, setLine);
    }

    /** Consumes the end tag the current body stopped at. */
    private void closeTag() {
        Chunk c = chunks.get(ci++);
        start(c);
        ti++;
        expectEnd();
    }

    // ---- expressions -------------------------------------------------------------------------------------------

    private Expr expression(boolean allowConditional) {
        Expr e = or();
        while (allowConditional && peek().is("if")) {
            ti++;
            Expr cond = or();
            Expr otherwise = accept("else") ? expression(true) : null;
            e = new Conditional(e, cond, otherwise);
        }
        return e;
    }

    private Expr or() {
        Expr e = and();
        while (accept("or")) e = new Binary("or", e, and());
        return e;
    }

    private Expr and() {
        Expr e = not();
        while (accept("and")) e = new Binary("and", e, not());
        return e;
    }

    private Expr not() {
        if (peek().is("not")) {
            ti++;
            return new Unary("not", not());
        }
        return compare();
    }

    private Expr compare() {
        Expr first = math1();
        List<Expr> operands = new ArrayList<>(List.of(first));
        List<String> ops = new ArrayList<>();
        while (true) {
            Token t = peek();
            String op;
            if (t.kind == TokenKind.OP
                    && (t.text.equals("==")
                            || t.text.equals("!=")
                            || t.text.equals("<")
                            || t.text.equals(">")
                            || t.text.equals("<=")
                            || t.text.equals(">="))) {
                op = t.text;
                ti++;
            } else if (t.is("in")) {
                op = "in";
                ti++;
            } else if (t.is("not") && toks.get(ti + 1).is("in")) {
                op = "not in";
                ti += 2;
            } else {
                break;
            }
            ops.add(op);
            operands.add(math1());
        }
        return ops.isEmpty() ? first : new Compare(operands, ops);
    }

    private Expr math1() {
        Expr e = concat();
        while (peek().is("+") || peek().is("-")) {
            String op = toks.get(ti++).text;
            e = new Binary(op, e, concat());
        }
        return e;
    }

    private Expr concat() {
        Expr e = math2();
        while (accept("~")) e = new Binary("~", e, math2());
        return e;
    }

    private Expr math2() {
        Expr e = pow();
        while (peek().is("*") || peek().is("/") || peek().is("//") || peek().is("%")) {
            String op = toks.get(ti++).text;
            e = new Binary(op, e, pow());
        }
        return e;
    }

    private Expr pow() {
        Expr e = unary(true);
        while (accept("**")) e = new Binary("**", e, unary(true));
        return e;
    }

    private Expr unary(boolean withFilters) {
        Expr e;
        if (peek().is("-") || peek().is("+")) {
            String op = toks.get(ti++).text;
            e = new Unary(op, unary(false));
        } else {
            e = postfix(primary());
        }
        return withFilters ? filters(e) : e;
    }

    private Expr primary() {
        Token t = toks.get(ti++);
        switch (t.kind) {
            case STRING: {
                StringBuilder b = new StringBuilder((String) t.value);
                while (peek().kind == TokenKind.STRING) b.append((String) toks.get(ti++).value);
                return new Const(b.toString());
            }
            case INT:
            case FLOAT:
                return new Const(t.value);
            case NAME:
                switch (t.text) {
                    case "true":
                    case "True":
                        return new Const(Boolean.TRUE);
                    case "false":
                    case "False":
                        return new Const(Boolean.FALSE);
                    case "none":
                    case "None":
                        return new Const(null);
                    default:
                        return new Name(t.text);
                }
            case OP:
                if (t.text.equals("(")) {
                    if (accept(")")) return new ListLiteral(List.of());
                    Expr e = expression(true);
                    if (peek().is(",")) e = tupleRest(e);
                    expect(")");
                    return e;
                }
                if (t.text.equals("[")) {
                    List<Expr> items = new ArrayList<>();
                    while (!accept("]")) {
                        items.add(expression(true));
                        if (!peek().is("]")) expect(",");
                    }
                    return new ListLiteral(items);
                }
                if (t.text.equals("{")) {
                    List<Expr> keys = new ArrayList<>(), values = new ArrayList<>();
                    while (!accept("}")) {
                        keys.add(expression(true));
                        expect(":");
                        values.add(expression(true));
                        if (!peek().is("}")) expect(",");
                    }
                    return new DictLiteral(keys, values);
                }
            // fall through
            default:
                throw syntax("unexpected " + t);
        }
    }

    /** The rest of an unparenthesised tuple {@code a, b, c} after its first element; tuples evaluate to lists. */
    private Expr tupleRest(Expr first) {
        List<Expr> items = new ArrayList<>(List.of(first));
        while (accept(",")) {
            if (peek().is(")") || peek().kind == TokenKind.END) break;
            items.add(expression(true));
        }
        return new ListLiteral(items);
    }

    private Expr postfix(Expr e) {
        while (true) {
            if (accept(".")) {
                Token t = toks.get(ti++);
                if (t.kind == TokenKind.NAME) e = new Attr(e, t.text);
                else if (t.kind == TokenKind.INT) e = new Item(e, new Const(t.value));
                else throw syntax("expected an attribute name after '.', found " + t);
            } else if (accept("[")) {
                e = subscript(e);
            } else if (peek().is("(")) {
                e = call(e);
            } else {
                return e;
            }
        }
    }

    private Expr subscript(Expr target) {
        Expr[] parts = new Expr[3];
        int part = 0;
        boolean slice = false;
        while (!accept("]")) {
            if (accept(":")) {
                slice = true;
                if (++part > 2) throw syntax("too many ':' in a slice");
                continue;
            }
            if (parts[part] != null) throw syntax("expected ']' or ':' in subscript, found " + peek());
            parts[part] = expression(true);
        }
        if (!slice) {
            if (parts[0] == null) throw syntax("empty subscript []");
            return new Item(target, parts[0]);
        }
        return new Slice(target, parts[0], parts[1], parts[2]);
    }

    private Expr call(Expr callee) {
        List<Expr> args = new ArrayList<>();
        Map<String, Expr> kwargs = new LinkedHashMap<>();
        arguments(args, kwargs);
        return new Call(callee, args, kwargs);
    }

    /** {@code (a, b, key=value)}; the current token must be '('. */
    private void arguments(List<Expr> args, Map<String, Expr> kwargs) {
        expect("(");
        while (!accept(")")) {
            if (peek().kind == TokenKind.NAME && toks.get(ti + 1).is("=")) {
                String key = toks.get(ti).text;
                ti += 2;
                kwargs.put(key, expression(true));
            } else {
                if (!kwargs.isEmpty()) throw syntax("positional argument after keyword argument");
                args.add(expression(true));
            }
            if (!peek().is(")")) expect(",");
        }
    }

    private Expr filters(Expr e) {
        while (true) {
            if (accept("|")) {
                String name = name();
                if (!JinjaFilters.FILTERS.contains(name)) throw unsupported("filter '" + name + "'");
                List<Expr> args = new ArrayList<>();
                Map<String, Expr> kwargs = new LinkedHashMap<>();
                if (peek().is("(")) arguments(args, kwargs);
                e = new Filter(e, name, args, kwargs);
            } else if (peek().is("is")) {
                ti++;
                boolean negated = accept("not");
                String name = name();
                if (!JinjaFilters.TESTS.contains(name)) throw unsupported("test 'is " + name + "'");
                List<Expr> args = new ArrayList<>();
                if (peek().is("(")) {
                    Map<String, Expr> kwargs = new LinkedHashMap<>();
                    arguments(args, kwargs);
                    if (!kwargs.isEmpty()) throw unsupported("keyword arguments to tests");
                } else if (startsOperand(peek())) {
                    args.add(postfix(primary()));
                }
                e = new Test(e, name, args, negated);
            } else if (peek().is("(")) {
                e = call(e);
            } else {
                return e;
            }
        }
    }

    private static boolean startsOperand(Token t) {
        switch (t.kind) {
            case STRING:
            case INT:
            case FLOAT:
                return true;
            case NAME:
                return !KEYWORDS.contains(t.text);
            case OP:
                return t.text.equals("[") || t.text.equals("{");
            default:
                return false;
        }
    }

    // ---- token helpers -----------------------------------------------------------------------------------------

    private Token peek() {
        return toks.get(ti);
    }

    private boolean accept(String op) {
        if (peek().is(op)) {
            ti++;
            return true;
        }
        return false;
    }

    private void expect(String op) {
        if (!accept(op)) throw syntax("expected '" + op + "', found " + peek());
    }

    private String name() {
        Token t = toks.get(ti++);
        if (t.kind != TokenKind.NAME) throw syntax("expected a name, found " + t);
        return t.text;
    }

    private void expectEnd() {
        if (peek().kind != TokenKind.END) throw syntax("unexpected " + peek());
    }

    private TemplateException syntax(String what) {
        return new TemplateException(TemplateException.Kind.SYNTAX, "chat template line " + line + ": " + what);
    }

    private TemplateException unsupported(String what) {
        return new TemplateException(
                TemplateException.Kind.UNSUPPORTED,
                "chat template line " + line + ": unsupported Jinja construct: " + what);
    }
}
