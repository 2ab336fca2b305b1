package t2j.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.util.Progress;

class FewShotCemTest {
    private final Transformer model = new Transformer(RoutingWorld.pretrained().copy());
    private final Decomposition dec = RoutingWorld.decompose(model);
    private final AdaptContext ctx;
    private final Task task = RoutingWorld.INSTANCE.task("lo");
    private final List<Example> shots = new ArrayList<>();

    FewShotCemTest() {
        Map<String, Expert> experts = new LinkedHashMap<>();
        // Under the paper's plain scaling, "right" (z = 1) leaves the pretrained weights as they are and "wrong"
        // (z ~ N(0, 3²), random signs) scrambles every MLP spectrum.
        experts.put("wrong", plain(RoutingWorld.expert(dec, "wrong", 0.0, 3.0, 5)));
        experts.put("right", plain(RoutingWorld.expert(dec, "right", 1.0, 0.0, 6)));
        ctx = new AdaptContext(model, RoutingWorld.INSTANCE, new ExpertPool(model, dec, experts), 2, 64);
        shots.addAll(task.examples(Split.VALIDATION));
        shots.addAll(task.examples(Split.TRANSFER));
    }

    private static Expert plain(Expert e) {
        Map<String, String> info = new LinkedHashMap<>(e.info());
        info.put("parametrization", "plain-scale");
        return new Expert(e.z(), info);
    }

    private FewShotCem.Config small() {
        return FewShotCem.Config.defaults().withPopulation(8).withIterations(4).withSeed(3);
    }

    @Test
    void cemPutsMostWeightOnTheExpertThatIsRightForTheTask() {
        String fp = model.weights().fingerprint();
        FewShotCem.Fitness right = FewShotCem.evaluate(task, shots, ctx, Mixture.of("right"));
        FewShotCem.Fitness wrong = FewShotCem.evaluate(task, shots, ctx, Mixture.of("wrong"));
        assertTrue(
                right.compareTo(wrong) > 0,
                "premise: 'right' must beat 'wrong' on the shots: " + right + " vs " + wrong);

        FewShotCem.Result r =
                new FewShotCem(small()).search(task, shots, ctx, List.of("wrong", "right"), Progress.NONE);
        assertEquals(fp, model.weights().fingerprint(), "base weights after the search");
        Map<String, Double> a = r.bestAlpha();
        assertTrue(a.get("right") > a.get("wrong"), "best α " + a);
        // The reported fitness is what the best mixture scores when evaluated again, and it beats the wrong expert.
        FewShotCem.Fitness again = FewShotCem.evaluate(task, shots, ctx, r.best());
        assertEquals(again, r.bestFitness());
        assertTrue(r.bestFitness().compareTo(wrong) > 0);
        // History: one entry per iteration; the best fitness never gets worse; α stays in range.
        assertEquals(4, r.history().size());
        assertEquals(32, r.evaluations());
        for (int i = 1; i < r.history().size(); i++)
            assertTrue(r.history()
                            .get(i)
                            .bestFitness()
                            .compareTo(r.history().get(i - 1).bestFitness())
                    >= 0);
        for (List<Double> series : r.bestAlphaHistory().values()) {
            assertEquals(4, series.size());
            for (double x : series) assertTrue(x >= 0 && x <= 1);
        }
        // Iteration 1 starts from 1/K for every expert, with std = range/2 before refitting.
        assertEquals("mixture", r.decision().label());
        assertEquals(r.best(), r.dispatcher().decide(shots.get(0), ctx).mixture());

        // Same seed, same search.
        FewShotCem.Result again2 =
                new FewShotCem(small()).search(task, shots, ctx, List.of("wrong", "right"), Progress.NONE);
        assertEquals(r.best(), again2.best());
        assertEquals(r.history(), again2.history());
    }

    @Test
    void perMatrixSearchHasOneWeightPerExpertAndMatrix() {
        FewShotCem.Result r = new FewShotCem(
                        small().withPerMatrix(true).withIterations(2).withPopulation(4))
                .search(task, shots.subList(0, 10), ctx, List.of("wrong", "right"), Progress.NONE);
        assertTrue(r.best().isPerMatrix());
        assertEquals(dec.names().size(), r.best().alpha().get("right").size());
        assertEquals(2 * dec.names().size(), r.history().get(0).mean().size());
        assertEquals(6, r.evaluations() - 2);
    }

    @Test
    void anInterruptedSearchLeavesTheBaseWeights() {
        String fp = model.weights().fingerprint();
        Progress interrupting = (what, done, total) -> {
            if (done == 3) Thread.currentThread().interrupt();
        };
        try {
            org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.CancellationException.class,
                    () -> new FewShotCem(small()).search(task, shots, ctx, List.of("wrong", "right"), interrupting));
        } finally {
            Thread.interrupted();
        }
        assertEquals(fp, model.weights().fingerprint());
    }

    @Test
    void configDefaultsAreTheReleasedCodes() {
        FewShotCem.Config c = FewShotCem.Config.defaults();
        assertEquals(32, c.population());
        assertEquals(6, c.elites());
        assertEquals(0.0, c.alphaMin());
        assertEquals(1.0, c.alphaMax());
        assertEquals(2, c.withPopulation(4).elites());
    }
}
