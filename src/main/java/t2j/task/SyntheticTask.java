package t2j.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Base of the generated task families: turns a seeded example generator into four disjoint splits.
 *
 * <p>Each split draws from its own random stream (derived from the seed, the task name and the split), so a
 * split's examples do not change when another split's size does (up to rare prompt collisions). Splits are
 * filled in the order test, validation, transfer, train, and a prompt already taken by an earlier split is
 * skipped, so no prompt is in two splits and the evaluation splits never shrink to make room for training data.
 *
 * <pre>{@code
 * class Echo extends SyntheticTask {
 *     Echo(long seed) { super("echo", "misc", seed, SplitSizes.DEFAULT); }
 *     protected Example generate(Random r, String id) { int n = r.nextInt(10000); return new Example(id, null, "say " + n, "" + n, "" + n); }
 *     public Verdict verify(Example e, String c) { return Verdict.of(c.trim().equals(e.answer()), c.trim(), "exact match"); }
 * }
 * }</pre>
 */
public abstract class SyntheticTask implements Task {
    private static final Split[] FILL_ORDER = {Split.TEST, Split.VALIDATION, Split.TRANSFER, Split.TRAIN};

    private final String name;
    private final String category;
    /** The construction seed. */
    protected final long seed;
    /** How many examples each split holds. */
    protected final SplitSizes sizes;

    private Map<Split, List<Example>> splits;

    protected SyntheticTask(String name, String category, long seed, SplitSizes sizes) {
        this.name = name;
        this.category = category;
        this.seed = seed;
        this.sizes = sizes;
    }

    /** Makes one example from the random stream; {@code id} is the identifier it must carry. */
    protected abstract Example generate(Random random, String id);

    @Override
    public String name() {
        return name;
    }

    @Override
    public String category() {
        return category;
    }

    /** The split sizes this task was built with. */
    public SplitSizes sizes() {
        return sizes;
    }

    @Override
    public synchronized List<Example> examples(Split split) {
        if (splits == null) splits = build();
        return splits.get(split);
    }

    private Map<Split, List<Example>> build() {
        Map<Split, List<Example>> out = new EnumMap<>(Split.class);
        Set<String> taken = new HashSet<>();
        for (Split split : FILL_ORDER) {
            int want = sizes.of(split);
            Random random = new Random(streamSeed(split));
            List<Example> list = new ArrayList<>(want);
            long attempts = 0, budget = 50L * want + 1000;
            String prefix = name + "-" + split.name().toLowerCase() + "-";
            while (list.size() < want) {
                if (++attempts > budget)
                    throw new IllegalStateException(name + ": only " + list.size() + " distinct prompts for the "
                            + split + " split after " + budget + " attempts (wanted " + want
                            + "); ask for fewer examples or widen the generator's settings");
                Example e = generate(random, prefix + list.size());
                if (taken.add(e.prompt())) list.add(e);
            }
            out.put(split, Collections.unmodifiableList(list));
        }
        return out;
    }

    private long streamSeed(Split split) {
        long h = seed * 0x9E3779B97F4A7C15L + name.hashCode();
        h = (h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L + split.ordinal() * 0x94D049BB133111EBL;
        return h ^ (h >>> 32);
    }

    /** A uniformly chosen element. */
    protected static <T> T pick(Random random, List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    /** A uniform integer in {@code [lo, hi]}. */
    protected static int between(Random random, int lo, int hi) {
        return lo + random.nextInt(hi - lo + 1);
    }
}
