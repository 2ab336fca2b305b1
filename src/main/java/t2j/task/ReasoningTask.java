package t2j.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * ARC-style multiple choice (A–D) answerable by reasoning over the question alone: ordering from pairwise
 * facts, comparing counts, and category rules (the stand-in for ARC-Easy, and with {@link Config#HARD} for
 * ARC-Challenge-like unseen questions).
 *
 * <p>The reference is a one-line reason, the options read up to the one it names, then {@code Answer: X}. The verifier takes the last "Answer: X" (or
 * "answer is (X)", else the last "(X)", else the last standalone letter A–D); a completion with no letter is
 * wrong, never guessed.
 *
 * <pre>{@code
 * ReasoningTask t = new ReasoningTask("reasoning", 1, SplitSizes.DEFAULT, ReasoningTask.Config.BASIC);
 * // prompt:    "Ann is taller than Ben. Ben is taller than Leo. Who is tallest? A) Leo B) Mia C) Ann D) Ben"
 * // reference: "Ann>Ben>Leo, so Ann. A) Leo B) Mia C) Ann. Answer: C"
 * }</pre>
 */
public final class ReasoningTask extends SyntheticTask {
    private static final String LETTERS = "ABCD";

    /** Which question types to draw, and how long ordering chains are. */
    public enum Kind {
        /** "X is taller than Y" facts, ask for an extreme. */
        ORDER,
        /** Who has the most/fewest of something. */
        COUNT,
        /** "All wugs are red. All daxes are blue. Kip is a dax." */
        RULE,
        /** Ordering with mixed comparative directions and "second" questions (hard only). */
        ORDER_MIXED,
        /** Two-step rules: "All wugs are daxes. All daxes are red." (hard only). */
        RULE_CHAIN,
        /** Which number is odd/even and over/under a bound (hard only). */
        NUMBER_PROPERTY
    }

    /** Difficulty knobs: the question kinds and the number of people in ordering chains. */
    public record Config(List<Kind> kinds, int chainLength) {
        /** Ordering over 3 people, counts, one-step rules. */
        public static final Config BASIC = new Config(List.of(Kind.ORDER, Kind.COUNT, Kind.RULE), 3);
        /** Ordering over 4 people with mixed directions, two-step rules, number properties: the unseen sibling. */
        public static final Config HARD =
                new Config(List.of(Kind.ORDER_MIXED, Kind.RULE_CHAIN, Kind.NUMBER_PROPERTY), 4);

        public Config {
            kinds = List.copyOf(kinds);
            if (kinds.isEmpty() || chainLength < 2 || chainLength > 4)
                throw new IllegalArgumentException(
                        "reasoning config needs a kind and a chain of 2-4 people: " + kinds + ", " + chainLength);
        }
    }

    private record Relation(String more, String less, String most, String least) {}

    private static final List<Relation> RELATIONS = List.of(
            new Relation("taller", "shorter", "tallest", "shortest"),
            new Relation("older", "younger", "oldest", "youngest"),
            new Relation("faster", "slower", "fastest", "slowest"));
    private static final List<String> CREATURES = List.of("wugs", "daxes", "feps", "blics", "tovs", "zorbs");
    private static final List<String> COLORS = List.of("red", "blue", "green", "gray", "pink", "gold");

    private final Config config;

    public ReasoningTask(String name, long seed, SplitSizes sizes, Config config) {
        super(name, "reasoning", seed, sizes);
        this.config = config;
    }

    @Override
    protected Example generate(Random r, String id) {
        Kind kind = pick(r, config.kinds());
        return switch (kind) {
            case ORDER -> order(r, id, false);
            case ORDER_MIXED -> order(r, id, true);
            case COUNT -> count(r, id);
            case RULE -> rule(r, id, false);
            case RULE_CHAIN -> rule(r, id, true);
            case NUMBER_PROPERTY -> numberProperty(r, id);
        };
    }

    /** Ranks people by a chain of adjacent facts given in shuffled order; asks for an extreme (or second). */
    private Example order(Random r, String id, boolean mixed) {
        List<String> people = shuffled(r, Vocabulary.NAMES).subList(0, config.chainLength() + 1);
        List<String> chain = people.subList(0, config.chainLength()); // chain.get(0) is the "most"
        String outsider = people.get(config.chainLength());
        Relation rel = pick(r, RELATIONS);
        List<String> facts = new ArrayList<>();
        for (int i = 0; i + 1 < chain.size(); i++) {
            boolean flip = mixed && r.nextBoolean();
            facts.add(
                    flip
                            ? chain.get(i + 1) + " is " + rel.less() + " than " + chain.get(i) + "."
                            : chain.get(i) + " is " + rel.more() + " than " + chain.get(i + 1) + ".");
        }
        Collections.shuffle(facts, r);
        int question = r.nextInt(mixed ? 4 : 2);
        String target, asked;
        switch (question) {
            case 0 -> {
                target = chain.get(0);
                asked = rel.most();
            }
            case 1 -> {
                target = chain.get(chain.size() - 1);
                asked = rel.least();
            }
            case 2 -> {
                target = chain.get(1);
                asked = "second " + rel.most();
            }
            default -> {
                target = chain.get(chain.size() - 2);
                asked = "second " + rel.least();
            }
        }
        // With a chain shorter than four, one option is a name the facts never mention.
        List<String> options = new ArrayList<>(chain.size() >= 4 ? chain.subList(0, 4) : chain);
        if (options.size() < 4) options.add(outsider);
        String stem = String.join(" ", facts) + " Who is " + asked + "?";
        String reason = String.join(">", chain) + ", so " + target + ".";
        return choice(r, id, stem, options, target, reason);
    }

    private Example count(Random r, String id) {
        List<String> people = shuffled(r, Vocabulary.NAMES).subList(0, 3);
        String items = pick(r, Vocabulary.ITEMS);
        List<Integer> counts = distinct(r, 3, 1, 20);
        boolean most = r.nextBoolean();
        int best = 0;
        for (int i = 1; i < 3; i++)
            if (most ? counts.get(i) > counts.get(best) : counts.get(i) < counts.get(best)) best = i;
        String stem = people.get(0) + " has " + counts.get(0) + " " + items + ", " + people.get(1) + " has "
                + counts.get(1) + " and " + people.get(2) + " has " + counts.get(2) + ". Who has the "
                + (most ? "most" : "fewest") + "?";
        List<String> options = new ArrayList<>(people);
        options.add(Vocabulary.NAMES.stream()
                .filter(n -> !people.contains(n))
                .toList()
                .get(r.nextInt(5)));
        String target = people.get(best);
        String reason = target + " has " + counts.get(best) + ", the " + (most ? "most" : "fewest") + ".";
        return choice(r, id, stem, options, target, reason);
    }

    private Example rule(Random r, String id, boolean chained) {
        List<String> kinds = shuffled(r, CREATURES);
        List<String> colors = shuffled(r, COLORS).subList(0, 4);
        String who = pick(r, Vocabulary.NAMES);
        String a = kinds.get(0), b = kinds.get(1), c = kinds.get(2);
        List<String> facts = new ArrayList<>();
        String stem, reason;
        if (chained) {
            facts.add("All " + a + " are " + b + ".");
            facts.add("All " + b + " are " + colors.get(0) + ".");
            facts.add("All " + c + " are " + colors.get(1) + ".");
            Collections.shuffle(facts, r);
            stem = String.join(" ", facts) + " " + who + " is a " + singular(a) + ". What color is " + who + "?";
            reason = who + " is a " + singular(a) + ", " + a + " are " + b + ", " + b + " are " + colors.get(0) + ".";
        } else {
            facts.add("All " + a + " are " + colors.get(0) + ".");
            facts.add("All " + b + " are " + colors.get(1) + ".");
            Collections.shuffle(facts, r);
            stem = String.join(" ", facts) + " " + who + " is a " + singular(a) + ". What color is " + who + "?";
            reason = who + " is a " + singular(a) + ", " + a + " are " + colors.get(0) + ".";
        }
        return choice(r, id, stem, colors, colors.get(0), reason);
    }

    /** Exactly one option is odd/even and over/under the bound; the distractors each miss one condition or both. */
    private Example numberProperty(Random r, String id) {
        boolean odd = r.nextBoolean(), over = r.nextBoolean();
        int bound = between(r, 10, 40);
        List<Integer> options = new ArrayList<>();
        int[][] wants = {{1, 1}, {1, 0}, {0, 1}, {0, 0}}; // {parity ok, side ok}
        for (int[] w : wants) {
            int v;
            do {
                v = between(r, 1, 60);
            } while (((v % 2 == 1) == odd) != (w[0] == 1)
                    || (over ? v > bound : v < bound) != (w[1] == 1)
                    || v == bound
                    || options.contains(v));
            options.add(v);
        }
        String stem = "Which number is " + (odd ? "odd" : "even") + " and " + (over ? "over " : "under ") + bound + "?";
        String target = options.get(0).toString();
        String reason = target + " is " + (odd ? "odd" : "even") + " and " + (over ? "over " : "under ") + bound + ".";
        return choice(r, id, stem, options.stream().map(String::valueOf).toList(), target, reason);
    }

    private Example choice(Random r, String id, String stem, List<String> options, String target, String reason) {
        List<String> order = shuffled(r, options);
        StringBuilder prompt = new StringBuilder(stem), scan = new StringBuilder();
        String letter = null;
        for (int i = 0; i < order.size(); i++) {
            String option = LETTERS.charAt(i) + ") " + order.get(i);
            prompt.append(' ').append(option);
            if (letter == null) scan.append(' ').append(option);
            if (order.get(i).equals(target)) letter = String.valueOf(LETTERS.charAt(i));
        }
        // The worked answer reads the options up to the one it reasoned to, so the letter is the last one it wrote.
        return new Example(id, null, prompt.toString(), letter, reason + scan + ". Answer: " + letter);
    }

    private static String singular(String plural) {
        return plural.endsWith("xes")
                ? plural.substring(0, plural.length() - 2)
                : plural.substring(0, plural.length() - 1);
    }

    private static <T> List<T> shuffled(Random r, List<T> items) {
        List<T> copy = new ArrayList<>(items);
        Collections.shuffle(copy, r);
        return copy;
    }

    private static List<Integer> distinct(Random r, int count, int lo, int hi) {
        List<Integer> out = new ArrayList<>();
        while (out.size() < count) {
            int v = between(r, lo, hi);
            if (!out.contains(v)) out.add(v);
        }
        return out;
    }

    @Override
    public Verdict verify(Example example, String completion) {
        String got = Answers.choiceLetter(completion, LETTERS);
        if (got == null) return Verdict.wrong(null, "no answer letter A-D found");
        return got.equals(example.answer())
                ? Verdict.right(got, "chose " + got)
                : Verdict.wrong(got, "chose " + got + ", expected " + example.answer());
    }
}
