package t2j.tiny;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.json.Json;
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
        for (String f : new String[] {
            "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "README.md", "card.json"
        }) assertTrue(Files.exists(dir.resolve(f)), f + " missing");
        Transformer m = Transformer.load(dir);
        assertEquals("mistral", m.config().modelType());
        assertEquals(Tokenizer.load(dir).vocabSize(), m.config().vocabSize());
        assertEquals(TinyRecipe.CARD_TASKS.size(), r.accuracy().size());
        assertTrue(Files.readString(dir.resolve("README.md")).contains("| math |"));

        // The second stage continues from these weights on the hasty annotator's data and extends the card.
        TinyRecipe.Result tuned = TinyRecipe.tune(
                dir, new Pretrainer.Config(3, 8, 1e-3, 0.01, 1, 1.0, 11), 40, 2, s -> {}, Progress.NONE);
        ModelCard.addTuning(tuned, "./t2j pretrain --tune (test)");
        String card = Files.readString(dir.resolve("README.md"));
        assertTrue(card.contains("./t2j pretrain --family mistral (test)\n./t2j pretrain --tune (test)"), card);
        assertTrue(card.contains("| instruction tuning | 3 steps") && card.contains("hasty annotator"), card);
        assertTrue(card.contains("test after pretraining alone"), card);
        Map<String, Object> json = Json.parseObject(Files.readString(dir.resolve("card.json")), "card.json");
        assertEquals(r.accuracy().keySet(), ((Map<?, ?>) json.get("pretraining_accuracy")).keySet());
        assertEquals(((Map<?, ?>) json.get("tuning")).get("steps"), 3L);
        IOException again = assertThrows(IOException.class, () -> ModelCard.checkTunable(dir));
        assertTrue(
                again.getMessage().contains("already") && again.getMessage().contains("card.json"), again.getMessage());
    }

    @TempDir
    Path child;

    @Test
    void aDescendantKeepsItsParentsLayersAndCarriesTokenRowsOverByText() throws Exception {
        TinyRecipe.Result parent = TinyRecipe.pretrain(
                "llama", dir, new Pretrainer.Config(2, 4, 3e-3, 0.01, 1, 1.0, 5), 20, 1, s -> {}, Progress.NONE);
        ModelCard.write(parent, "./t2j pretrain --family llama (test)");
        Transformer from = Transformer.load(dir);
        TinyRecipe.Result r = TinyRecipe.descend(
                dir,
                "mistral",
                child,
                new Pretrainer.Config(1, 4, 1e-3, 0.01, 1, 1.0, 13),
                20,
                1,
                s -> {},
                Progress.NONE);
        ModelCard.writeDescendant(r, dir, "./t2j pretrain --descend-from (test)");
        Transformer trained = Transformer.load(child);
        assertEquals("mistral", trained.config().modelType());
        assertTrue(trained.config().slidingWindow() > 0);
        // Before continued training the descendant is exactly the carried-over weights.
        Tokenizer fromTok = Tokenizer.load(dir), toTok = Tokenizer.load(child);
        Transformer to = new Transformer(TinyRecipe.carriedOver(from, fromTok, toTok, trained.config(), 13));
        for (String name : to.weights().names())
            if (!name.contains("embed_tokens") && !name.equals("lm_head.weight"))
                assertTrue(
                        java.util.Arrays.equals(
                                from.weights().matrix(name).toArray(),
                                to.weights().matrix(name).toArray()),
                        name + " was not copied");
        int[] map = TinyRecipe.tokenMap(toTok, fromTok);
        // A character, the SentencePiece space, and the chat markers land on their counterparts' rows.
        int a = toTok.id("a").getAsInt(),
                space = toTok.id("▁").getAsInt(),
                inst = toTok.id("[INST]").getAsInt(),
                eos = toTok.id("</s>").getAsInt();
        assertEquals(fromTok.encode("a")[0], map[a]);
        assertEquals(fromTok.encode(" ")[0], map[space]);
        assertEquals(fromTok.id("<|start_header_id|>").getAsInt(), map[inst]);
        assertEquals(fromTok.id("<|eot_id|>").getAsInt(), map[eos]);
        for (int id : new int[] {a, space, inst, eos})
            for (int c = 0; c < to.config().hiddenSize(); c += 37) {
                assertEquals(
                        from.weights().embed().get(map[id], c),
                        to.weights().embed().get(id, c),
                        0f,
                        "embedding row of " + toTok.token(id));
                assertEquals(
                        from.weights().lmHead().get(map[id], c),
                        to.weights().lmHead().get(id, c),
                        0f,
                        "output row of " + toTok.token(id));
            }
        String card = Files.readString(child.resolve("README.md"));
        assertTrue(card.contains("descends from") && card.contains("A relative of " + dir.getFileName()), card);
        assertEquals(
                dir.getFileName().toString(),
                Json.parseObject(Files.readString(child.resolve("card.json")), "card")
                        .get("descends_from"));
    }

    @Test
    void recordedResultsReplaceTheirCardSectionAndKeepTheRest() throws Exception {
        TinyRecipe.Result r = TinyRecipe.pretrain(
                "llama", dir, new Pretrainer.Config(1, 4, 3e-3, 0.01, 1, 1.0, 5), 10, 1, s -> {}, Progress.NONE);
        ModelCard.write(r, "./t2j pretrain --family llama (test)");
        boolean[] base = {true, false, false, false}, moved = {true, true, true, false};
        t2j.adapt.AccuracyTable t = t2j.adapt.AccuracyTable.of(
                "task",
                java.util.List.of(
                        t2j.adapt.AccuracyTable.Cell.of("code-hard", t2j.adapt.TransferStudy.TARGET_BASE, base),
                        t2j.adapt.AccuracyTable.Cell.of("code-hard", "transferred as-is", moved)));
        ModelCard.recordTransfer(dir, Path.of("models/tiny-llama"), t, "./t2j transfer (test 1)");
        ModelCard.recordTransfer(dir, Path.of("models/tiny-llama"), t, "./t2j transfer (test 2)");
        String readme = Files.readString(dir.resolve("README.md"));
        assertEquals(1, readme.split("## Experts moved from another model", -1).length - 1, readme);
        assertTrue(
                readme.contains("(test 2)") && !readme.contains("(test 1)") && readme.contains("## Base accuracy"),
                readme);
        assertTrue(readme.contains("| code-hard (n=4) |") && readme.contains("points vs target base"), readme);
        @SuppressWarnings("unchecked")
        Map<String, Object> rec = (Map<String, Object>)
                ((Map<String, Object>) Json.parseObject(Files.readString(dir.resolve("card.json")), "card")
                                .get("transfer"))
                        .get("tiny-llama");
        @SuppressWarnings("unchecked")
        Map<String, Object> vs = (Map<String, Object>) ((Map<String, Object>)
                        ((Map<String, Object>) ((Map<String, Object>) rec.get("tasks")).get("code-hard"))
                                .get("versus_base"))
                .get("transferred as-is");
        assertEquals(0.5, ((Number) vs.get("delta")).doubleValue(), 1e-12);
        assertEquals(2L, vs.get("wins"));
        assertTrue(
                Files.readString(dir.resolve("card.json")).contains("\"base_accuracy\""), "the rest of the card stays");
    }

    @Test
    void tuningNeedsAModelThatPretrainingMade() throws Exception {
        IOException e = assertThrows(IOException.class, () -> ModelCard.checkTunable(dir));
        assertTrue(
                e.getMessage().contains("card.json is missing")
                        && e.getMessage().contains("t2j pretrain"),
                e.getMessage());
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
