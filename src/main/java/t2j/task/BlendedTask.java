package t2j.task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A task drawn from the generators of other families in set shares, keeping only the prompts a filter accepts and
 * none that the families' own tasks contain: how the unseen tasks are built. Each example keeps its family's
 * category and verifier, so a task can mix families (the oracle then routes each request to its own category).
 *
 * <pre>{@code
 * BlendedTask t = new BlendedTask("math-hard", 42, sizes, List.of(
 *         new BlendedTask.Part(new MathTask("math", 42, sizes, cfg), 0.7, PlantedHabit::triggered),
 *         new BlendedTask.Part(new MathTask("math", 42, sizes, cfg), 0.3, p -> !PlantedHabit.triggered(p))), seenPrompts);
 * }</pre>
 */
public final class BlendedTask extends SyntheticTask {
    /**
     * One source of requests.
     *
     * @param generator draws candidate examples (its own splits are never built)
     * @param share     the probability a request comes from this part
     * @param keep      which of its prompts may be used
     */
    public record Part(SyntheticTask generator, double share, Predicate<String> keep) {
        public Part {
            if (!(share > 0)) throw new IllegalArgumentException("a part's share must be > 0, got " + share);
        }
    }

    private static final int ATTEMPTS = 10_000;

    private final List<Part> parts;
    private final Supplier<Set<String>> seen;
    private final Map<String, Part> partOf = new HashMap<>();

    /**
     * @param seen prompts no example may have (the families' own tasks, all splits), asked for once on first build
     */
    public BlendedTask(String name, long seed, SplitSizes sizes, List<Part> parts, Supplier<Set<String>> seen) {
        super(name, category(parts), seed, sizes);
        if (parts.isEmpty()) throw new IllegalArgumentException(name + ": a blended task needs at least one part");
        this.parts = List.copyOf(parts);
        this.seen = seen;
    }

    private static String category(List<Part> parts) {
        List<String> cats = new ArrayList<>();
        for (Part p : parts)
            if (!cats.contains(p.generator().category())) cats.add(p.generator().category());
        return cats.size() == 1 ? cats.get(0) : "mixed";
    }

    private Set<String> seenPrompts;

    @Override
    protected Example generate(Random r, String id) {
        if (seenPrompts == null) seenPrompts = seen.get();
        double total = 0, u = r.nextDouble();
        for (Part p : parts) total += p.share();
        Part part = parts.get(parts.size() - 1);
        for (Part p : parts) {
            u -= p.share() / total;
            if (u < 0) {
                part = p;
                break;
            }
        }
        for (int i = 0; i < ATTEMPTS; i++) {
            Example e = part.generator().generate(r, id);
            if (part.keep().test(e.prompt()) && !seenPrompts.contains(e.prompt())) {
                partOf.put(id, part);
                return e;
            }
        }
        throw new IllegalStateException(
                name() + ": no acceptable " + part.generator().category() + " prompt in " + ATTEMPTS
                        + " draws; the part's filter rejects (nearly) everything its generator makes");
    }

    /** The family category of one of this task's examples. */
    @Override
    public synchronized String category(Example example) {
        return part(example).generator().category();
    }

    @Override
    public Verdict verify(Example example, String completion) {
        return part(example).generator().verify(example, completion);
    }

    private synchronized Part part(Example example) {
        if (partOf.isEmpty()) for (Split s : Split.values()) examples(s);
        Part p = partOf.get(example.id());
        if (p == null) throw new IllegalArgumentException("'" + example.id() + "' is not an example of task " + name());
        return p;
    }
}
