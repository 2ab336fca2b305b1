package t2j.adapt;

import java.util.ArrayList;
import java.util.List;
import t2j.task.Answers;
import t2j.task.Example;

/**
 * Prompt-based dispatch: the model, as its weights are when asked (the base weights here), is told to classify the
 * request into the expert categories; the first {@code \boxed{}} of its answer names the category. A label that is no
 * category, a category without an expert, or no {@code \boxed{}} at all means {@code other}: the base weights.
 *
 * <p>The request's own system message is replaced by the classification one and its user message kept, as the
 * released code does. The default system message is the built-in classification task's format
 * ("Classify the request as math, code or reasoning. Reply \boxed{label}." for those three categories), which is
 * what the bundled tiny models were trained on; pass another (with an "other" class, say) for larger models.
 *
 * <pre>{@code
 * Dispatcher d = new PromptDispatcher(List.of("math", "code", "reasoning"));
 * }</pre>
 */
public final class PromptDispatcher implements Dispatcher {
    private final List<String> categories;
    private final String system;
    private final int maxNewTokens;
    private final boolean scored;

    /** The built-in classification format for these categories; answers of at most 32 tokens. */
    public PromptDispatcher(List<String> categories) {
        this(categories, systemPrompt(categories), 32);
    }

    public PromptDispatcher(List<String> categories, String system, int maxNewTokens) {
        this(categories, system, maxNewTokens, false);
    }

    private PromptDispatcher(List<String> categories, String system, int maxNewTokens, boolean scored) {
        if (categories.isEmpty()) throw new IllegalArgumentException("prompt dispatch needs at least one category");
        if (maxNewTokens <= 0) throw new IllegalArgumentException("max new tokens must be > 0");
        this.categories = List.copyOf(categories);
        this.system = system;
        this.maxNewTokens = maxNewTokens;
        this.scored = scored;
    }

    /**
     * The same dispatcher, whose decisions carry a confidence: the probability the model gives its whole pass-1
     * answer (one more forward pass over prompt and answer, so pass 1 costs a little more).
     */
    public PromptDispatcher withConfidence() {
        return new PromptDispatcher(categories, system, maxNewTokens, true);
    }

    /** "Classify the request as a, b or c. Reply \boxed{label}." (the built-in classification task's wording). */
    public static String systemPrompt(List<String> categories) {
        String list = categories.size() == 1
                ? categories.get(0)
                : String.join(", ", categories.subList(0, categories.size() - 1)) + " or "
                        + categories.get(categories.size() - 1);
        return "Classify the request as " + list + ". Reply \\boxed{label}.";
    }

    public List<String> categories() {
        return categories;
    }

    public String system() {
        return system;
    }

    /** The first-pass prompt for a request. */
    public Example classificationPrompt(Example request) {
        return new Example(request.id() + "/dispatch", system, request.prompt(), null, null);
    }

    /** The decision that a first-pass completion means, given which experts exist. */
    public Decision parse(String completion, ExpertPool pool) {
        String label = Answers.firstBoxed(completion);
        String shown = completion.length() > 40 ? completion.substring(0, 40) + "..." : completion;
        if (label == null) return Decision.other("no \\boxed{} label in '" + shown.replace("\n", " ") + "'");
        label = label.strip();
        if (!categories.contains(label)) return Decision.other("label '" + label + "' is not an expert category");
        if (!pool.has(label))
            return Decision.other("classified as " + label + ", but there is no " + label + " expert");
        return Decision.expert(label, "classified as " + label);
    }

    @Override
    public Decision decide(Example request, AdaptContext ctx) {
        return decideAll(List.of(request), ctx).get(0);
    }

    /** Classifies on the base weights (a scope of its own, so one left open elsewhere is an error, not a silent
     * expert). */
    @Override
    public List<Decision> decideAll(List<Example> requests, AdaptContext ctx) {
        try (Scope base = ctx.pool().use()) {
            return classify(requests, ctx);
        }
    }

    /** Classifies with the model's weights as they are now (the classifier dispatcher composes its expert first). */
    List<Decision> classify(List<Example> requests, AdaptContext ctx) {
        List<Example> prompts = new ArrayList<>(requests.size());
        for (Example r : requests) prompts.add(classificationPrompt(r));
        List<Decision> out = new ArrayList<>(requests.size());
        List<Completions.Row> rows =
                Completions.greedy(ctx.model(), ctx.prompter(), prompts, maxNewTokens, ctx.batchSize(), "dispatch");
        for (Completions.Row row : rows) out.add(parse(row.text(), ctx.pool()));
        if (!scored) return out;
        for (int i = 0; i < rows.size(); i++) {
            Completions.Row row = rows.get(i);
            double p = 0;
            if (row.tokens().length > 0) {
                float[][] lp = ctx.model().continuationLogProbs(new int[][] {row.prompt()}, new int[][] {row.tokens()});
                double sum = 0;
                for (float x : lp[0]) sum += x;
                p = Math.min(1, Math.exp(sum));
            }
            out.set(i, out.get(i).withConfidence(p));
        }
        return out;
    }

    @Override
    public String name() {
        return "prompt";
    }
}
