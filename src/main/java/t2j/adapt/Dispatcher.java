package t2j.adapt;

import java.util.ArrayList;
import java.util.List;
import t2j.task.Example;
import t2j.util.Progress;

/**
 * The first pass of Transformer²: decides, per request, which expert (or mixture, or the base weights) the second
 * pass uses. Implement it as a lambda in a notebook cell, or override {@link #decideAll} to batch the work.
 *
 * <p>A dispatcher that changes the model's weights while it decides (the classification expert does) does so in a
 * {@link Scope} of its own, closed before it returns; the second pass opens its scope after.
 *
 * <pre>{@code
 * Dispatcher d = (req, ctx) -> req.prompt().contains("=") ? Decision.expert("math", "has '='") : Decision.other("no '='");
 * TwoPass.Run run = new TwoPass(ctx, d).answerAll(examples, Progress.NONE);
 * }</pre>
 */
@FunctionalInterface
public interface Dispatcher {
    /** The decision for one request. */
    Decision decide(Example request, AdaptContext ctx);

    /** Decisions for many requests, in order (the default decides one by one). */
    default List<Decision> decideAll(List<Example> requests, AdaptContext ctx) {
        List<Decision> out = new ArrayList<>(requests.size());
        for (Example e : requests) {
            Progress.checkInterrupted("dispatch");
            out.add(decide(e, ctx));
        }
        return out;
    }

    /** A short name for tables ({@code prompt}, {@code classifier}, ...). */
    default String name() {
        return "custom";
    }

    /** Always the same decision (baselines: base model, one expert; a fitted few-shot mixture). */
    static Dispatcher fixed(String name, Decision decision) {
        return new Dispatcher() {
            @Override
            public Decision decide(Example request, AdaptContext ctx) {
                return decision;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
