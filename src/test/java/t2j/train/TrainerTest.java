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
        new Pretrainer(m, world.sequences(), new Pretrainer.Config(PRETRAIN_STEPS, 32, 1e-2, 0.0, 10, 1.0, 7))
                .run(curve::add);
    }

    // An imperfect model whose errors SVF can partly undo. With OpenBLAS 0.3.31 the 50-step model (0.45 on validation)
    // was the one length of 30, 40, 50, 60, 80 and 100 steps where 30 greedy REINFORCE iterations found no better z.
    static final int PRETRAIN_STEPS = 60;

    @Test
    void pretrainingReducesLoss() {
        double first = curve.get(0).loss(), last = curve.get(curve.size() - 1).loss();
        assertTrue(last < 0.7 * first, "loss went from " + first + " to " + last);
    }

    @Test
    void svfReinforceRaisesValidationAccuracyAboveTheBaseModel() throws Exception {
        Transformer m = new Transformer(pretrained.copy());
        double base = new Evaluator(m, world, 2)
                .evaluate(world, world.examples(Split.VALIDATION), Progress.NONE)
                .accuracy();
        SvfAdapter svf = new SvfAdapter(
                m, Decomposition.compute(m.weights(), Targets.MLP, Progress.NONE), Parametrization.SIGMOID_MASK, 1);
        // Greedy rollouts, as the released code does.
        TrainingConfig cfg = TrainingConfig.reinforce().toBuilder()
                .iterations(30)
                .batchSize(64)
                .learningRate(5e-2)
                .temperature(0f)
                .maxNewTokens(2)
                .evalEvery(5, 100)
                .seed(11)
                .build();
        Trainer.Result r = new Trainer(m, svf, world, world, cfg).train(new Trainer.Listener() {});
        assertTrue(
                base > 0.05 && base < 0.95, "the base model must be imperfect for the test to mean anything: " + base);
        assertEquals(base, r.baseValidation(), 1e-9);
        assertTrue(
                r.bestValidation() > base,
                "SVF best validation " + r.bestValidation() + " vs base " + base + "; curve " + r.validations());
        // The model is left with the best z, and its accuracy is the recorded best.
        double now = new Evaluator(m, world, 2)
                .evaluate(world, world.examples(Split.VALIDATION), Progress.NONE)
                .accuracy();
        assertEquals(r.bestValidation(), now, 1e-9);
    }

    @Test
    void groupRolloutsAndASelectionHoldoutSelectOnTheLargerSet() throws Exception {
        Transformer m = new Transformer(pretrained.copy());
        List<t2j.task.Example> train = world.examples(Split.TRAIN);
        List<t2j.task.Example> selection =
                new ArrayList<>(world.examples(Split.VALIDATION).subList(0, 50));
        selection.addAll(train.subList(train.size() - 50, train.size()));
        double base = new Evaluator(m, world, 2)
                .evaluate(world, selection, Progress.NONE)
                .accuracy();
        // Sampled rollouts, 4 per prompt with the per-prompt baseline, length-normalised log-probabilities.
        TrainingConfig cfg = TrainingConfig.reinforce().toBuilder()
                .iterations(10)
                .batchSize(16)
                .samplesPerPrompt(4)
                .tokenMean(true)
                .learningRate(5e-2)
                .temperature(0.7f)
                .maxNewTokens(2)
                .evalEvery(5, 50)
                .selectionHoldout(50)
                .seed(11)
                .build();
        Trainer.Result r = new Trainer(m, svf(m), world, world, cfg).train(new Trainer.Listener() {});
        // The base accuracy the trainer reports is on the 50 validation examples plus the 50 held-out training ones.
        assertEquals(base, r.baseValidation(), 1e-9);
        assertEquals(10, r.steps().size());
        // Prompts whose four rollouts disagree give a gradient; on this imperfect model some always do.
        assertTrue(
                r.steps().stream().anyMatch(s -> s.gradNorm() > 0 && Double.isFinite(s.loss())),
                r.steps().toString());
        assertTrue(
                r.bestValidation() >= base, "the best checkpoint is never worse than the start on the selection set");
    }

    private static TrainingConfig shortRun(int iterations) {
        return TrainingConfig.reinforce().toBuilder()
                .iterations(iterations)
                .batchSize(32)
                .learningRate(5e-2)
                .maxNewTokens(2)
                .evalEvery(5, 50)
                .seed(3)
                .build();
    }

    private static SvfAdapter svf(Transformer m) {
        return new SvfAdapter(
                m, Decomposition.compute(m.weights(), Targets.MLP, Progress.NONE), Parametrization.SIGMOID_MASK, 1);
    }

    @Test
    void anInterruptedRunResumesToTheSameResult() throws Exception {
        Transformer straight = new Transformer(pretrained.copy());
        Trainer.Result a = new Trainer(straight, svf(straight), world, world, shortRun(10))
                .checkpointTo(tmp.resolve("a.ckpt"))
                .train(new Trainer.Listener() {});

        Transformer first = new Transformer(pretrained.copy());
        new Trainer(first, svf(first), world, world, shortRun(5))
                .checkpointTo(tmp.resolve("b.ckpt"))
                .train(new Trainer.Listener() {});
        Transformer second = new Transformer(pretrained.copy());
        List<Trainer.Step> resumedSteps = new ArrayList<>();
        Trainer.Result b = new Trainer(second, svf(second), world, world, shortRun(10))
                .checkpointTo(tmp.resolve("b.ckpt"))
                .train(new Trainer.Listener() {
                    @Override
                    public void onStep(Trainer.Step s) {
                        resumedSteps.add(s);
                    }
                });
        assertEquals(6, resumedSteps.get(0).iteration(), "the second run must continue after the checkpoint");
        assertEquals(a.bestValidation(), b.bestValidation(), 1e-12);
        for (String k : a.best().keySet())
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    a.best().get(k), b.best().get(k), k);
    }

    @Test
    void aNonFiniteLossStopsWithADiagnosisAndKeepsTheBestParameters() throws Exception {
        Transformer m = new Transformer(pretrained.copy());
        SvfAdapter adapter = svf(m);
        t2j.task.Task poisoned = new t2j.task.Task() {
            @Override
            public String name() {
                return "poisoned";
            }

            @Override
            public String category() {
                return "math";
            }

            @Override
            public List<t2j.task.Example> examples(Split s) {
                return world.examples(s);
            }

            @Override
            public t2j.task.Verdict verify(t2j.task.Example e, String c) {
                t2j.task.Verdict v = world.verify(e, c);
                return new t2j.task.Verdict(v.correct(), Double.NaN, v.extracted(), "reward broken on purpose");
            }
        };
        Trainer.Result r = new Trainer(m, adapter, poisoned, world, shortRun(10)).train(new Trainer.Listener() {});
        assertTrue(r.stopReason().contains("iteration 1") && r.stopReason().contains("not finite"), r.stopReason());
        assertTrue(r.steps().isEmpty());
        for (float[] z : adapter.parameters().values()) for (float x : z) assertTrue(Float.isFinite(x));
    }
}
