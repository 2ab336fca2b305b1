package t2j.expert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.adapt.ExpertPool;
import t2j.lora.LoraExpert;
import t2j.model.ModelWeights;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.Parametrization;
import t2j.svf.Targets;
import t2j.train.DigitWorld;
import t2j.train.Trainer;
import t2j.train.TrainingConfig;
import t2j.util.Progress;

/** configure → train → label → save → load into a pool, for SVF and LoRA, on a model small enough to train here. */
class ExpertLifecycleTest {
    @TempDir
    Path tmp;

    private final DigitWorld world = new DigitWorld(3);
    private final Transformer model = new Transformer(ModelWeights.random(DigitWorld.config(), 5));
    private final TrainingConfig cfg = TrainingConfig.reinforce().toBuilder()
            .iterations(2)
            .batchSize(8)
            .learningRate(5e-2)
            .maxNewTokens(2)
            .evalEvery(1, 20)
            .seed(11)
            .build();

    @Test
    void anSvfRunIsLabelledSavedAsAnExpertFileAndJoinsAPool() throws Exception {
        String base = model.weights().fingerprint();
        Decomposition dec = Decomposition.compute(model.weights(), Targets.MLP, Progress.NONE);
        ExpertRecipe recipe = ExpertRecipe.svf(Targets.MLP, Parametrization.SIGMOID_MASK, cfg);
        TrainedAdapter run = ExpertLifecycle.configure(model, world, world, 3, recipe, () -> dec)
                .train(tmp.resolve("digits.ckpt"), new Trainer.Listener() {});
        assertEquals(base, model.weights().fingerprint(), "the model holds its base weights after training");

        Map<String, String> info = run.info();
        assertEquals(base, info.get("base_fingerprint"));
        assertEquals("svf", info.get("method"));
        assertEquals("reinforce", info.get("objective"));
        assertEquals("mlp", info.get("targets"));
        assertEquals(world.name(), info.get("task"));
        assertEquals("3", info.get("task_seed"));
        assertEquals("sigmoid-mask", info.get("parametrization"));
        assertEquals(Double.toString(run.result().bestValidation()), info.get("best_validation"));

        Path file = tmp.resolve("digits.safetensors");
        run.save(file);
        Expert back = Expert.load(file);
        assertEquals(info.get("base_fingerprint"), back.baseFingerprint());
        ExpertPool pool = new ExpertPool(model, dec, Map.of("digits", back));
        assertEquals(List.of("digits"), pool.names());
        assertThrows(IllegalStateException.class, run::loraExpert);
    }

    @Test
    void aLoraRunIsSavedInPeftsLayoutWithItsOwnKind() throws Exception {
        ExpertRecipe recipe = ExpertRecipe.lora(Targets.MLP, 2, 4f, cfg);
        ExpertLifecycle lifecycle = ExpertLifecycle.configure(model, world, world, -1, recipe, () -> {
            throw new AssertionError("LoRA needs no decomposition");
        });
        TrainedAdapter run = lifecycle.train(null, new Trainer.Listener() {});
        assertEquals("lora", run.info().get("method"));
        assertEquals("2", run.info().get("lora_rank"));
        assertFalse(run.info().containsKey("task_seed"), "an unknown task seed is not recorded");
        assertThrows(IllegalStateException.class, run::expert);

        IllegalArgumentException notAFolder =
                assertThrows(IllegalArgumentException.class, () -> run.save(tmp.resolve("digits.safetensors")));
        assertTrue(notAFolder.getMessage().contains("folder"), notAFolder.getMessage());
        Path dir = tmp.resolve("digits-lora");
        run.save(dir);
        assertTrue(Files.isRegularFile(dir.resolve(LoraExpert.CONFIG))
                && Files.isRegularFile(dir.resolve(LoraExpert.WEIGHTS)));
        LoraExpert back = LoraExpert.load(dir);
        assertEquals(2, back.rank());
        assertEquals(run.info().get("best_validation"), back.info().get("best_validation"));
        assertThrows(
                IllegalArgumentException.class,
                () -> Expert.load(dir.resolve(LoraExpert.WEIGHTS)),
                "a LoRA file is not mistaken for an SVF expert");
    }
}
