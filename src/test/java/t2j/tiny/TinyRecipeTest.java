package t2j.tiny;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.model.Transformer;
import t2j.tokenizer.Tokenizer;
import t2j.train.Pretrainer;
import t2j.util.Progress;

/** A smoke run of the tiny-model recipe: a few steps produce a loadable Hugging Face folder whose loss went down. */
class TinyRecipeTest {
    @TempDir
    Path dir;

    @Test
    void aFewStepsOfPretrainingMakeALoadableModelFolderAndReduceLoss() throws Exception {
        Pretrainer.Config cfg = new Pretrainer.Config(8, 8, 3e-3, 0.01, 2, 1.0, 5);
        TinyRecipe.Result r = TinyRecipe.pretrain("mistral", dir, cfg, 40, 2, s -> {}, Progress.NONE);
        assertTrue(r.finalLoss() < r.firstLoss(), "loss " + r.firstLoss() + " -> " + r.finalLoss());
        ModelCard.write(r, "./t2j pretrain --family mistral (test)");
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "README.md", "card.json"})
            assertTrue(Files.exists(dir.resolve(f)), f + " missing");
        Transformer m = Transformer.load(dir);
        assertEquals("mistral", m.config().modelType());
        assertEquals(Tokenizer.load(dir).vocabSize(), m.config().vocabSize());
        assertEquals(TinyRecipe.CARD_TASKS.size(), r.accuracy().size());
        assertTrue(Files.readString(dir.resolve("README.md")).contains("| math |"));
    }

    @Test
    void bothFamiliesShareTheMatrixShapesExpertsNeed() {
        var llama = TinyRecipe.config("llama", 261, 256, new int[] {260});
        var mistral = TinyRecipe.config("mistral", 347, 1, new int[] {2});
        assertEquals(llama.hiddenSize(), mistral.hiddenSize());
        assertEquals(llama.intermediateSize(), mistral.intermediateSize());
        assertEquals(llama.numHiddenLayers(), mistral.numHiddenLayers());
        assertEquals(llama.kvDim(), mistral.kvDim());
        assertTrue(mistral.slidingWindow() > 0 && llama.ropeTheta() != mistral.ropeTheta());
    }
}
