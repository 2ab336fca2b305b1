package t2j.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Multi-step arithmetic word problems in GSM8K's answer convention (the stand-in for GSM8K; {@link Tasks} draws the
 * unseen {@code math-hard} from three-step problems of this generator).
 *
 * <p>A problem starts with a count and applies a few operations to it. The reference shows one equation per
 * step then {@code #### N}; the verifier takes the number after the last {@code ####}, falling back to the last
 * number in the completion, and compares values.
 *
 * <pre>{@code
 * MathTask t = new MathTask("math", 1, SplitSizes.DEFAULT, MathTask.Config.BASIC);
 * // prompt:    "Mia has 12 shells. She buys 7 more, then doubles them. How many shells now?"
 * // reference: "12+7=19. 19*2=38. #### 38"
 * }</pre>
 */
public final class MathTask extends SyntheticTask {

    /**
     * Difficulty knobs. Steps are operations after the starting count; every intermediate value stays in
     * {@code [0, maxValue]}; {@code division} adds "keeps 1/F of them".
     */
    public record Config(
            int minSteps, int maxSteps, int maxStart, int maxAddend, int maxFactor, boolean division, int maxValue) {
        /** 2–3 steps, one- and two-digit numbers up to 99, factors 2–3. */
        public static final Config BASIC = new Config(2, 3, 20, 9, 3, false, 99);

        public Config {
            if (minSteps < 1
                    || maxSteps < minSteps
                    || maxStart < 2
                    || maxAddend < 1
                    || maxFactor < 2
                    || maxValue < maxStart) throw new IllegalArgumentException("inconsistent math config: " + this);
        }
    }

    private final Config config;

    public MathTask(String name, long seed, SplitSizes sizes, Config config) {
        super(name, "math", seed, sizes);
        this.config = config;
    }

    private enum Op {
        ADD,
        SUB,
        MUL,
        DIV
    }

    @Override
    protected Example generate(Random r, String id) {
        String name = pick(r, Vocabulary.NAMES);
        String items = pick(r, Vocabulary.ITEMS);
        int value = between(r, 2, config.maxStart());
        StringBuilder prompt = new StringBuilder();
        prompt.append(name)
                .append(" has ")
                .append(value)
                .append(' ')
                .append(items)
                .append(". ")
                .append(Vocabulary.pronoun(name))
                .append(' ');
        StringBuilder work = new StringBuilder();
        int steps = between(r, config.minSteps(), config.maxSteps());
        for (int s = 0; s < steps; s++) {
            List<Op> feasible = feasible(value);
            Op op = pick(r, feasible);
            int k;
            String phrase;
            int next;
            switch (op) {
                case ADD -> {
                    k = between(r, 1, Math.min(config.maxAddend(), config.maxValue() - value));
                    phrase = pick(r, List.of("buys ", "finds ", "gets ")) + k + " more";
                    next = value + k;
                }
                case SUB -> {
                    k = between(r, 1, Math.min(config.maxAddend(), value - 1));
                    phrase = pick(r, List.of("gives away ", "loses ", "sells ")) + k;
                    next = value - k;
                }
                case MUL -> {
                    k = between(r, 2, Math.min(config.maxFactor(), config.maxValue() / value));
                    phrase = k == 2 ? "doubles them" : k == 3 ? "triples them" : "gets " + k + " times as many";
                    next = value * k;
                }
                default -> {
                    List<Integer> divisors = divisors(value);
                    k = pick(r, divisors);
                    phrase = "keeps 1/" + k + " of them";
                    next = value / k;
                }
            }
            if (s > 0) prompt.append(s == steps - 1 ? ", then " : ", ");
            prompt.append(phrase);
            work.append(value)
                    .append(symbol(op))
                    .append(k)
                    .append('=')
                    .append(next)
                    .append(". ");
            value = next;
        }
        prompt.append(". How many ").append(items).append(" now?");
        String answer = Integer.toString(value);
        return new Example(id, null, prompt.toString(), answer, work + "#### " + answer);
    }

    private List<Op> feasible(int v) {
        List<Op> ops = new ArrayList<>(4);
        if (v < config.maxValue()) ops.add(Op.ADD);
        if (v >= 2) ops.add(Op.SUB);
        if (v * 2 <= config.maxValue()) ops.add(Op.MUL);
        if (config.division() && !divisors(v).isEmpty()) ops.add(Op.DIV);
        return ops;
    }

    private List<Integer> divisors(int v) {
        List<Integer> out = new ArrayList<>();
        for (int f = 2; f <= config.maxFactor(); f++) if (v % f == 0 && v > f) out.add(f);
        return out;
    }

    private static char symbol(Op op) {
        return switch (op) {
            case ADD -> '+';
            case SUB -> '-';
            case MUL -> '*';
            case DIV -> '/';
        };
    }

    @Override
    public Verdict verify(Example example, String completion) {
        String got = Answers.finalNumber(completion);
        if (got == null) return Verdict.wrong(null, "no number in the completion");
        return Answers.sameNumber(got, example.answer())
                ? Verdict.right(got, "matches " + example.answer())
                : Verdict.wrong(got, "expected " + example.answer());
    }
}
