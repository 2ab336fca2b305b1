package t2j.adapt;

import t2j.model.Transformer;
import t2j.prompt.Prompter;

/**
 * What dispatchers and the two-pass runner work with: the model, how examples become prompts, the experts that can
 * be composed into it, and generation limits (greedy decoding throughout, as the released code evaluates).
 *
 * @param maxNewTokens longest second-pass answer
 * @param batchSize    prompts generated together
 */
public record AdaptContext(Transformer model, Prompter prompter, ExpertPool pool, int maxNewTokens, int batchSize) {
    public AdaptContext {
        if (pool.model() != model)
            throw new IllegalArgumentException("the expert pool adapts another model instance than this context's");
        if (maxNewTokens <= 0 || batchSize <= 0)
            throw new IllegalArgumentException("max new tokens and batch size must be > 0");
    }

    /** Batches of 32. */
    public AdaptContext(Transformer model, Prompter prompter, ExpertPool pool, int maxNewTokens) {
        this(model, prompter, pool, maxNewTokens, 32);
    }
}
