package t2j.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Which family a prompt comes from: the task the classification expert is trained on (the paper's Cls-expert).
 *
 * <p>Built from the prompts of the training families (by default {@code math}, {@code code},
 * {@code reasoning} made with the same seed), taking each split from the same split of every family, so
 * classification never trains on a prompt that is a test prompt of a family. Families alternate within a
 * split. The short system prompt lists the labels; the reference is {@code \boxed{label}} and the verifier
 * compares the first {@code \boxed{}} exactly.
 *
 * <pre>{@code
 * ClassificationTask t = ClassificationTask.of(1, SplitSizes.DEFAULT);
 * // system:    "Classify the request as math, code or reasoning. Reply \boxed{label}."
 * // reference: "\boxed{math}"
 * }</pre>
 */
public final class ClassificationTask implements Task {
    /** The system message; the labels are the families' categories. */
    public static final String SYSTEM = "Classify the request as math, code or reasoning. Reply \\boxed{label}.";

    private final String name;
    private final List<Task> families;
    private final SplitSizes sizes;
    private Map<Split, List<Example>> splits;

    /** Classification over the given families, whose categories are the labels. */
    public ClassificationTask(String name, List<Task> families, SplitSizes sizes) {
        if (families.isEmpty()) throw new IllegalArgumentException("classification needs at least one family");
        this.name = name;
        this.families = List.copyOf(families);
        this.sizes = sizes;
    }

    /**
     * Over the built-in {@code math}, {@code code} and {@code reasoning} families with {@code seed}. Each family
     * is built with the default split sizes (grown where this task needs more), so with the defaults its
     * prompts are exactly the prompts of {@code Tasks.builtin(family, seed)}.
     */
    public static ClassificationTask of(long seed, SplitSizes sizes) {
        SplitSizes each = SplitSizes.DEFAULT;
        for (Split s : Split.values()) each = each.with(s, Math.max(each.of(s), (sizes.of(s) + 2) / 3));
        return new ClassificationTask(
                "classification",
                List.of(
                        new MathTask("math", seed, each, MathTask.Config.BASIC),
                        new CodeTask("code", seed, each, CodeTask.Config.BASIC),
                        new ReasoningTask("reasoning", seed, each, ReasoningTask.Config.BASIC)),
                sizes);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String category() {
        return "classification";
    }

    @Override
    public synchronized List<Example> examples(Split split) {
        if (splits == null) {
            splits = new EnumMap<>(Split.class);
            for (Split s : Split.values()) splits.put(s, build(s));
        }
        return splits.get(split);
    }

    private List<Example> build(Split split) {
        int want = sizes.of(split);
        List<List<Example>> sources = new ArrayList<>();
        for (Task f : families) sources.add(f.examples(split));
        List<Example> out = new ArrayList<>(want);
        for (int i = 0; out.size() < want; i++) {
            int before = out.size();
            for (int f = 0; f < families.size() && out.size() < want; f++) {
                if (i >= sources.get(f).size()) continue;
                Example src = sources.get(f).get(i);
                String label = families.get(f).category();
                out.add(new Example(
                        name + "-" + split.name().toLowerCase() + "-" + out.size(),
                        SYSTEM,
                        src.prompt(),
                        label,
                        "\\boxed{" + label + "}"));
            }
            if (out.size() == before)
                throw new IllegalStateException(
                        name + ": the families have only " + out.size() + " " + split + " prompts, wanted " + want);
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public Verdict verify(Example example, String completion) {
        String got = Answers.firstBoxed(completion);
        if (got == null) return Verdict.wrong(null, "no \\boxed{} label");
        return got.equals(example.answer())
                ? Verdict.right(got, "label " + got)
                : Verdict.wrong(got, "label " + got + ", expected " + example.answer());
    }
}
