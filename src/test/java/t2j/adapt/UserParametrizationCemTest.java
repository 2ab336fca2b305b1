package t2j.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.Parametrization;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.util.Progress;

/** Experts of a user-defined parametrization mix like the built-ins': CEM finds the right one. */
class UserParametrizationCemTest {
    private static final Parametrization ADDITIVE = Parametrization.elementwise(
            "test-cem-additive", (z, s) -> z.clamp(-1, 1).plus(1).times(s), 0f);

    @Test
    void cemPutsMostWeightOnTheRightExpertOfAUserParametrization() {
        Transformer model = new Transformer(RoutingWorld.pretrained().copy());
        Decomposition dec = RoutingWorld.decompose(model);
        Map<String, Expert> experts = new LinkedHashMap<>();
        // Additive z = 0 is the pretrained model; z = −1 zeroes every MLP singular value, and a mixture α·(−1)
        // scales them by 1 − α: the less weight on "wrong", the better.
        experts.put("wrong", additive(RoutingWorld.expert(dec, "wrong", -1.0, 0.0, 5)));
        experts.put("right", additive(RoutingWorld.expert(dec, "right", 0.0, 0.0, 6)));
        ExpertPool pool = new ExpertPool(model, dec, experts);
        assertSame(ADDITIVE, pool.parametrization());
        AdaptContext ctx = new AdaptContext(model, RoutingWorld.INSTANCE, pool, 2, 64);
        Task task = RoutingWorld.INSTANCE.task("lo");
        List<Example> shots = new ArrayList<>(task.examples(Split.VALIDATION));
        shots.addAll(task.examples(Split.TRANSFER));

        String fp = model.weights().fingerprint();
        FewShotCem.Fitness right = FewShotCem.evaluate(task, shots, ctx, Mixture.of("right"));
        FewShotCem.Fitness wrong = FewShotCem.evaluate(task, shots, ctx, Mixture.of("wrong"));
        assertTrue(right.compareTo(wrong) > 0, "premise: 'right' must beat 'wrong': " + right + " vs " + wrong);
        FewShotCem.Result r = new FewShotCem(FewShotCem.Config.defaults()
                        .withPopulation(8)
                        .withIterations(4)
                        .withSeed(3))
                .search(task, shots, ctx, List.of("wrong", "right"), Progress.NONE);
        assertEquals(fp, model.weights().fingerprint(), "base weights after the search");
        assertTrue(r.bestAlpha().get("wrong") < 0.5, "best α " + r.bestAlpha());
        assertTrue(r.bestFitness().compareTo(wrong) > 0, r.bestFitness() + " vs " + wrong);
        assertEquals(
                FewShotCem.evaluate(task, shots, ctx, r.best()), r.bestFitness(), "the best mixture, evaluated again");
    }

    private static Expert additive(Expert e) {
        Map<String, String> info = new LinkedHashMap<>(e.info());
        info.put("parametrization", ADDITIVE.id());
        return new Expert(e.z(), info);
    }
}
