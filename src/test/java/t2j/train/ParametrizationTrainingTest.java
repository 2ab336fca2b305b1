package t2j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.model.ModelWeights;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.Parametrization;
import t2j.svf.SvfAdapter;
import t2j.svf.Targets;
import t2j.svf.TodaysParametrizations;
import t2j.util.Progress;

/** Parametrizations through the trainer: the built-ins train as before, bit for bit, and a user's trains too. */
class ParametrizationTrainingTest {
    static final DigitWorld WORLD = new DigitWorld(3);
    static ModelWeights pretrained;

    @TempDir
    Path tmp;

    @BeforeAll
    static void pretrain() {
        pretrained = ModelWeights.random(DigitWorld.config(), 5);
        new Pretrainer(
                        new Transformer(pretrained),
                        WORLD.sequences(),
                        new Pretrainer.Config(40, 32, 1e-2, 0.0, 10, 1.0, 7))
                .run(s -> {});
    }

    /** Sampled rollouts, so rewards differ within a prompt's group and every step has a gradient. */
    private static TrainingConfig shortRun() {
        return TrainingConfig.reinforce().toBuilder()
                .iterations(6)
                .batchSize(16)
                .samplesPerPrompt(4)
                .learningRate(5e-2)
                .temperature(0.8f)
                .maxNewTokens(2)
                .evalEvery(3, 40)
                .seed(11)
                .build();
    }

    /** Trains; {@code lastZ} receives z after the last step (the model is left with the best z, maybe the start). */
    private static Trainer.Result train(Parametrization p, Map<String, float[]> lastZ) throws Exception {
        Transformer m = new Transformer(pretrained.copy());
        SvfAdapter svf = new SvfAdapter(m, Decomposition.compute(m.weights(), Targets.MLP, Progress.NONE), p, 1);
        int iterations = shortRun().iterations();
        return new Trainer(m, svf, WORLD, WORLD, shortRun()).train(new Trainer.Listener() {
            @Override
            public void onStep(Trainer.Step s) {
                if (s.iteration() == iterations) svf.parameters().forEach((k, v) -> lastZ.put(k, v.clone()));
            }
        });
    }

    /** A step without its wall time. */
    private static java.util.List<Double> numbers(Trainer.Step s) {
        return java.util.List.of(
                s.loss(), s.rewardMean(), s.batchAccuracy(), s.gradNorm(), s.paramMean(), s.paramStd());
    }

    @Test
    void builtInsTrainBitForBitAsBefore() throws Exception {
        for (Parametrization[] pair : new Parametrization[][] {
            {TodaysParametrizations.SIGMOID_MASK, Parametrization.SIGMOID_MASK},
            {TodaysParametrizations.PLAIN_SCALE, Parametrization.PLAIN_SCALE}
        }) {
            Map<String, float[]> zToday = new LinkedHashMap<>(), zNow = new LinkedHashMap<>();
            Trainer.Result today = train(pair[0], zToday);
            Trainer.Result now = train(pair[1], zNow);
            assertTrue(today.steps().stream().anyMatch(s -> s.gradNorm() > 0), "the run must move z: " + today.steps());
            assertEquals(
                    today.steps().stream()
                            .map(ParametrizationTrainingTest::numbers)
                            .toList(),
                    now.steps().stream()
                            .map(ParametrizationTrainingTest::numbers)
                            .toList(),
                    pair[1].id() + ": losses, rewards, gradient norms and z statistics per step");
            assertEquals(today.validations(), now.validations(), pair[1].id());
            for (String name : zToday.keySet())
                t2j.svf.ParametrizationTestBits.bits(
                        zToday.get(name), zNow.get(name), pair[1].id() + " final z of " + name);
        }
    }

    @Test
    void aUserParametrizationTrainsAndItsExpertRoundTrips() throws Exception {
        Parametrization additive = Parametrization.elementwise(
                "test-train-additive", (z, s) -> z.clamp(-1, 1).plus(1).times(s), 0f);
        Map<String, float[]> z = new LinkedHashMap<>();
        Trainer.Result r = train(additive, z);
        assertTrue(
                r.steps().stream().allMatch(s -> Double.isFinite(s.loss())),
                r.steps().toString());
        assertTrue(r.steps().stream().anyMatch(s -> s.gradNorm() > 0), "gradients reach z: " + r.steps());
        assertTrue(
                z.values().stream().anyMatch(v -> {
                    for (float x : v) if (x != 0) return true;
                    return false;
                }),
                "z left the identity");

        Map<String, String> info = new LinkedHashMap<>();
        info.put("parametrization", additive.id());
        Path file = tmp.resolve("additive.safetensors");
        new Expert(z, info).save(file);
        Expert back = Expert.load(file);
        Transformer a = new Transformer(pretrained.copy());
        SvfAdapter svfA = new SvfAdapter(
                a, Decomposition.compute(a.weights(), Targets.MLP, Progress.NONE), back.parametrization(), 0);
        svfA.setZ(back.z());
        svfA.apply();
        Transformer b = new Transformer(pretrained.copy());
        SvfAdapter svfB =
                new SvfAdapter(b, Decomposition.compute(b.weights(), Targets.MLP, Progress.NONE), additive, 0);
        svfB.setZ(z);
        svfB.apply();
        int[] ids = {DigitWorld.BOS, 3, 10, 4, 10, 5, 11};
        float[][] la = a.logits(ids), lb = b.logits(ids);
        for (int t = 0; t < la.length; t++) assertArrayEquals(lb[t], la[t], "the loaded expert is the trained one");
    }
}
