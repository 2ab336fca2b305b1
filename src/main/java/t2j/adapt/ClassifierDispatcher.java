package t2j.adapt;

import java.util.List;
import t2j.task.Example;

/**
 * Dispatch by the classification expert (the paper's Cls-expert): the same prompt as {@link PromptDispatcher}, but
 * the first pass runs with the classification expert's z composed into the weights. The base weights are restored
 * before it returns, also when it fails or is interrupted.
 *
 * <pre>{@code
 * Dispatcher d = new ClassifierDispatcher("classification", new PromptDispatcher(List.of("math", "code", "reasoning")));
 * }</pre>
 */
public final class ClassifierDispatcher implements Dispatcher {
    private final String classifier;
    private final PromptDispatcher prompt;

    /** @param classifier the pool name of the classification expert */
    public ClassifierDispatcher(String classifier, PromptDispatcher prompt) {
        this.classifier = classifier;
        this.prompt = prompt;
    }

    public String classifier() {
        return classifier;
    }

    /** The same dispatcher whose decisions carry the probability of its pass-1 answer ({@link
     * PromptDispatcher#withConfidence}). */
    public ClassifierDispatcher withConfidence() {
        return new ClassifierDispatcher(classifier, prompt.withConfidence());
    }

    @Override
    public Decision decide(Example request, AdaptContext ctx) {
        return decideAll(List.of(request), ctx).get(0);
    }

    @Override
    public List<Decision> decideAll(List<Example> requests, AdaptContext ctx) {
        ctx.pool().expert(classifier); // a clear error when it is missing
        try (Scope s = ctx.pool().use()) {
            s.compose(Mixture.of(classifier), Controls.NONE, "dispatch");
            return prompt.classify(requests, ctx);
        }
    }

    @Override
    public String name() {
        return "classifier";
    }
}
