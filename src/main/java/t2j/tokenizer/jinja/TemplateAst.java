package t2j.tokenizer.jinja;

import java.util.List;
import java.util.Map;

/** The syntax tree of a parsed chat template: statements ({@link Node}) and expressions ({@link Expr}). */
final class TemplateAst {
    private TemplateAst() {}

    interface Node {}

    record Text(String text) implements Node {}

    record Output(Expr expr, int line) implements Node {}

    /** if / elif ... / else: {@code conditions[i]} guards {@code bodies[i]}; {@code orElse} may be empty. */
    record If(List<Expr> conditions, List<List<Node>> bodies, List<Node> orElse) implements Node {}

    record For(List<String> targets, Expr iterable, Expr filter, List<Node> body, List<Node> orElse, int line)
            implements Node {}

    /** {@code set name = value}, or {@code set name.attr = value} on a namespace when {@code attr} is not null. */
    record Set(String name, String attr, Expr value, int line) implements Node {}

    record SetBlock(String name, List<Node> body) implements Node {}

    record Break() implements Node {}

    record Continue() implements Node {}

    interface Expr {}

    record Const(Object value) implements Expr {}

    record Name(String name) implements Expr {}

    record Attr(Expr target, String name) implements Expr {}

    record Item(Expr target, Expr key) implements Expr {}

    record Slice(Expr target, Expr start, Expr stop, Expr step) implements Expr {}

    record Call(Expr callee, List<Expr> args, Map<String, Expr> kwargs) implements Expr {}

    record Filter(Expr value, String name, List<Expr> args, Map<String, Expr> kwargs) implements Expr {}

    record Test(Expr value, String name, List<Expr> args, boolean negated) implements Expr {}

    record Unary(String op, Expr operand) implements Expr {}

    record Binary(String op, Expr left, Expr right) implements Expr {}

    /** {@code a < b <= c}: operands and the operators between them. */
    record Compare(List<Expr> operands, List<String> ops) implements Expr {}

    record Conditional(Expr then, Expr condition, Expr otherwise) implements Expr {}

    record ListLiteral(List<Expr> items) implements Expr {}

    record DictLiteral(List<Expr> keys, List<Expr> values) implements Expr {}
}
