package t2j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.model.ModelWeights;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Parametrization;
import t2j.svf.SvfAdapter;
import t2j.svf.Targets;
import t2j.task.Split;
import t2j.util.Progress;

class TrainerTest {
    static DigitWorld world = new DigitWorld(3);
    static ModelWeights pretrained;
    static List<Pretrainer.Step> curve = new ArrayList<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void pretrain() {
        pretrained = ModelWeights.random(DigitWorld.config(), 5);
        Transformer m = new Transformer(pretrained);
        new Pretrainer(m, world.sequences(), new Pretrainer.Config(PRETRAIN_STEPS, 32, 1e-2, 0.0, 10, 1.0, 7)).run(curve::add);
    }

    static final int PRETRAIN_STEPS = 50;

    @Test
    void pretrainingReducesLoss() {
        double first = curve.get(0).loss(), last = curve.get(curve.size() - 1).loss();
        assertTrue(last < 0.7 * first, "loss went from " + first + " to " + last);
    }

    @Test
    void svfReinforceRaisesValidationAccuracyAboveTheBaseModel() throws Exception {
        Transformer m = new Transformer(pretrained);
        double base = new Evaluator(m, world, 2).evaluate(world, world.examples(Split.VALIDATION), Progress.NONE).accuracy();
        SvfAdapter svf = new SvfAdapter(m, Decomposition.compute(m.weights(), Targets.MLP, Progress.NONE), Parametrization.SIGMOID_MASK, 1);
        // Greedy rollouts, as the released code does.
        TrainingConfig cfg = TrainingConfig.reinforce().withIterations(30).withBatchSize(64).withLearningRate(5e-2)
                .withTemperature(0f).withMaxNewTokens(2).withEvalEvery(5, 100).withSeed(11);
        Trainer.Result r = new Trainer(m, svf, world, world, cfg).train(new Trainer.Listener() {});
        assertTrue(base > 0.05 && base < 0.95, "the base model must be imperfect for the test to mean anything: " + base);
        assertEquals(base, r.baseValidation(), 1e-9);
        assertTrue(r.bestValidation() > base, "SVF best validation " + r.bestValidation() + " vs base " + base + "; curve " + r.validations());
        // The model is left with the best z, and its accuracy is the recorded best.
        double now = new Evaluator(m, world, 2).evaluate(world, world.examples(Split.VALIDATION), Progress.NONE).accuracy();
        assertEquals(r.bestValidation(), now, 1e-9);
    }
}
