package t2j.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Program synthesis in {@link ListLang} (the stand-in for MBPP; {@link Tasks} draws the unseen {@code code-hard} from
 * its filter-first programs). {@code extended} adds primitives (take, drop, uniq, scan, prod, square, modulo, multiples)
 * the bundled models never saw.
 *
 * <p>The prompt describes a list function in words and shows one or two input/output pairs; the model answers
 * with a pipeline. The verifier parses the first line of the completion (code fences allowed) and runs it,
 * within {@link ListLang.Limits#DEFAULT}, against the gold program on hidden inputs (derived from the prompt
 * text, so verifying needs nothing but the example); any difference, error or limit hit is wrong.
 *
 * <pre>{@code
 * CodeTask t = new CodeTask("code", 1, SplitSizes.DEFAULT, CodeTask.Config.BASIC);
 * // prompt:    "Code: keep items over 3, double each, sum. f([5,1,4])=18 f([2,9])=18"
 * // reference: "filter(n>3)|map(n*2)|sum"
 * }</pre>
 */
public final class CodeTask extends SyntheticTask {

    /**
     * Difficulty knobs: how many list stages, whether a reducer ends the pipeline (probability), the element range
     * of inputs, how many hidden tests, and whether the harder primitives (take, drop, uniq, scan, prod, square,
     * modulo, multiples) are used.
     */
    public record Config(
            int minStages,
            int maxStages,
            double reducerChance,
            int maxElement,
            int shownExamples,
            int hiddenTests,
            boolean extended) {
        /** 1–2 list stages plus usually a reducer, elements 0–9, basic primitives only. */
        public static final Config BASIC = new Config(1, 2, 0.6, 9, 2, 6, false);

        public Config {
            if (minStages < 1 || maxStages < minStages || maxElement < 1 || shownExamples < 1 || hiddenTests < 1)
                throw new IllegalArgumentException("inconsistent code config: " + this);
        }
    }

    /** One building block: its program text and how the prompt says it. */
    private record Piece(String code, String words, String kind) {}

    private final Config config;

    public CodeTask(String name, long seed, SplitSizes sizes, Config config) {
        super(name, "code", seed, sizes);
        this.config = config;
    }

    private Piece listStage(Random r) {
        int k = between(r, 1, Math.min(9, config.maxElement() - 1));
        int choice = r.nextInt(config.extended() ? 13 : 8);
        return switch (choice) {
            case 0 -> new Piece("map(n+" + k + ")", "add " + k + " to each", "map");
            case 1 -> new Piece("map(n-" + k + ")", "subtract " + k + " from each", "map");
            case 2 -> {
                int f = between(r, 2, 4);
                yield new Piece("map(n*" + f + ")", f == 2 ? "double each" : "multiply each by " + f, "map");
            }
            case 3 -> new Piece("filter(n>" + k + ")", "keep items over " + k, "filter");
            case 4 -> new Piece("filter(n<" + k + ")", "keep items under " + k, "filter");
            case 5 ->
                r.nextBoolean()
                        ? new Piece("filter(n%2==0)", "keep even items", "filter")
                        : new Piece("filter(n%2==1)", "keep odd items", "filter");
            case 6 -> new Piece("rev", "reverse", "rev");
            case 7 -> new Piece("sort", "sort", "sort");
            case 8 -> new Piece("take(" + between(r, 1, 3) + ")", null, "take");
            case 9 -> new Piece("drop(" + between(r, 1, 2) + ")", null, "drop");
            case 10 ->
                r.nextBoolean()
                        ? new Piece("uniq", "remove repeats", "uniq")
                        : new Piece("scan", "running sums", "scan");
            case 11 ->
                r.nextBoolean()
                        ? new Piece("map(n*n)", "square each", "map")
                        : new Piece("map(n%" + between(r, 2, 5) + ")", null, "mod");
            default -> new Piece("filter(n%" + between(r, 3, 5) + "==0)", null, "filter");
        };
    }

    private static String words(Piece p) {
        if (p.words() != null) return p.words();
        String arg = p.code().replaceAll("\\D+", " ").trim().split(" ")[0];
        return switch (p.kind()) {
            case "take" -> "first " + arg + " items";
            case "drop" -> "drop first " + arg;
            case "mod" -> "each mod " + arg;
            default -> "keep multiples of " + arg;
        };
    }

    private Piece reducer(Random r) {
        int choice = r.nextInt(config.extended() ? 7 : 6);
        return switch (choice) {
            case 0 -> new Piece("sum", "sum", "sum");
            case 1 -> new Piece("max", "max", "max");
            case 2 -> new Piece("min", "min", "min");
            case 3 -> new Piece("len", "count", "len");
            case 4 -> new Piece("first", "first item", "first");
            case 5 -> new Piece("last", "last item", "last");
            default -> new Piece("prod", "product", "prod");
        };
    }

    @Override
    protected Example generate(Random r, String id) {
        while (true) {
            List<Piece> pieces = new ArrayList<>();
            int stages = between(r, config.minStages(), config.maxStages());
            while (pieces.size() < stages) {
                Piece p = listStage(r);
                if (!pieces.isEmpty() && pieces.get(pieces.size() - 1).kind().equals(p.kind())) continue;
                pieces.add(p);
            }
            if (r.nextDouble() < config.reducerChance()) pieces.add(reducer(r));
            StringBuilder code = new StringBuilder(), desc = new StringBuilder("Code: ");
            for (int i = 0; i < pieces.size(); i++) {
                code.append(i == 0 ? "" : "|").append(pieces.get(i).code());
                desc.append(i == 0 ? "" : ", ").append(words(pieces.get(i)));
            }
            desc.append('.');
            ListLang.Program gold;
            try {
                gold = ListLang.parse(code.toString());
            } catch (ListLang.SyntaxError e) {
                throw new IllegalStateException("generated an invalid program: " + code, e);
            }
            List<List<Long>> shown = testInputs(gold, r, config.shownExamples(), true);
            if (shown == null) continue; // this pipeline fails on too many inputs (e.g. max after a strict filter)
            for (List<Long> in : shown)
                desc.append(" f(").append(ListLang.show(in)).append(")=").append(ListLang.show(runGold(gold, in)));
            String program = code.toString();
            return new Example(id, null, desc.toString(), program, program);
        }
    }

    /**
     * Inputs on which the gold program runs. For shown examples ({@code informative}) empty outputs are avoided
     * and {@code null} means too few were found; hidden tests take what they find.
     */
    private List<List<Long>> testInputs(ListLang.Program gold, Random r, int count, boolean informative) {
        List<List<Long>> out = new ArrayList<>();
        for (int attempt = 0; attempt < 40 * count && out.size() < count; attempt++) {
            int len = between(r, 2, config.extended() ? 6 : 5);
            List<Long> in = new ArrayList<>();
            for (int i = 0; i < len; i++) in.add((long) between(r, 0, config.maxElement()));
            Object result = runGold(gold, in);
            if (result == null) continue;
            if (informative && result instanceof List<?> l && l.isEmpty()) continue;
            out.add(List.copyOf(in));
        }
        return out.size() == count || !informative ? out : null;
    }

    private static Object runGold(ListLang.Program gold, List<Long> in) {
        try {
            return gold.run(in, ListLang.Limits.DEFAULT);
        } catch (ListLang.RuntimeError | ListLang.LimitExceeded e) {
            return null;
        }
    }

    /** The program in a completion: the first non-blank line, outside any code fence. */
    static String extractProgram(String completion) {
        if (completion == null) return null;
        for (String line : completion.split("\n")) {
            String t = line.trim();
            if (t.startsWith("```"))
                t = t.substring(3).replaceFirst("^[A-Za-z]*", "").trim();
            if (t.endsWith("```")) t = t.substring(0, t.length() - 3).trim();
            if (!t.isEmpty()) return t;
        }
        return null;
    }

    @Override
    public Verdict verify(Example example, String completion) {
        String source = extractProgram(completion);
        if (source == null) return Verdict.wrong(null, "no program in the completion");
        ListLang.Program candidate, gold;
        try {
            candidate = ListLang.parse(source);
        } catch (ListLang.SyntaxError e) {
            return Verdict.wrong(source, "syntax error: " + e.getMessage());
        }
        try {
            gold = ListLang.parse(example.answer());
        } catch (ListLang.SyntaxError e) {
            throw new IllegalArgumentException(example.id() + ": gold program does not parse: " + e.getMessage());
        }
        // Hidden inputs come from the prompt text so that any copy of the example (e.g. reloaded from disk) gets the
        // same tests.
        Random hidden = new Random(example.prompt().hashCode() * 0x5DEECE66DL + 11);
        List<List<Long>> inputs = testInputs(gold, hidden, config.hiddenTests(), false);
        if (inputs.isEmpty()) return Verdict.wrong(source, "the gold program fails on every hidden input");
        for (List<Long> in : inputs) {
            Object want = runGold(gold, in);
            Object got;
            try {
                got = candidate.run(in, ListLang.Limits.DEFAULT);
            } catch (ListLang.RuntimeError e) {
                return Verdict.wrong(source, "runtime error on " + ListLang.show(in) + ": " + e.getMessage());
            } catch (ListLang.LimitExceeded e) {
                return Verdict.wrong(source, "stopped on " + ListLang.show(in) + ": " + e.getMessage());
            }
            if (!want.equals(got))
                return Verdict.wrong(
                        source,
                        "f(" + ListLang.show(in) + ") gave " + ListLang.show(got) + ", expected "
                                + ListLang.show(want));
        }
        return Verdict.right(source, "passed " + inputs.size() + " hidden tests");
    }
}
