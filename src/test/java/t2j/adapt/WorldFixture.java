package t2j.adapt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.Parametrization;
import t2j.svf.SvfAdapter;
import t2j.task.Example;
import t2j.task.Split;
import t2j.train.Evaluator;
import t2j.util.Progress;

/** A fresh copy of the routing world's model with experts hi, lo, mid (mild perturbations) and a classification expert. */
public final class WorldFixture {
    public final RoutingWorld world = RoutingWorld.INSTANCE;
    public final Transformer model = new Transformer(RoutingWorld.pretrained().copy());
    public final Decomposition dec = RoutingWorld.decompose(model);
    public final Map<String, Expert> experts = new LinkedHashMap<>();
    public final ExpertPool pool;
    public final AdaptContext ctx;

    public WorldFixture() {
        this(0.5, 1.5);
    }

    public WorldFixture(double expertStd, double classifierStd) {
        long seed = 20;
        for (String c : RoutingWorld.CATEGORIES) experts.put(c, RoutingWorld.expert(dec, c, 0.0, expertStd, seed++));
        experts.put("classification", RoutingWorld.expert(dec, "classification", 0.0, classifierStd, 99));
        pool = new ExpertPool(model, dec, experts);
        ctx = new AdaptContext(model, world, pool, 2, 64);
    }

    /** {@code perTask} test requests of every category, and their true categories. */
    List<Example> requests(int perTask, List<String> labels) {
        List<Example> out = new ArrayList<>();
        for (String c : RoutingWorld.CATEGORIES)
            for (Example e : world.task(c).examples(Split.TEST).subList(0, perTask)) {
                out.add(e);
                labels.add(c);
            }
        return out;
    }

    PromptDispatcher promptDispatcher() {
        return new PromptDispatcher(RoutingWorld.CATEGORIES, RoutingWorld.SYSTEM, 12);
    }

    /** Greedy completions with one expert applied the plain way (setZ + apply), or the base model for null. */
    List<String> completeWith(String expert, List<Example> examples, int maxNewTokens) {
        SvfAdapter svf = new SvfAdapter(model, dec, Parametrization.SIGMOID_MASK, 0);
        try {
            if (expert != null) {
                svf.setZ(experts.get(expert).z());
                svf.apply();
            }
            return new Evaluator(model, world, maxNewTokens).complete(examples, Progress.NONE);
        } finally {
            svf.restore();
        }
    }
}
