package t2j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import t2j.model.Transformer;
import t2j.prompt.ChatPrompter;
import t2j.svf.Decomposition;
import t2j.svf.Targets;
import t2j.tokenizer.Tokenizer;
import t2j.util.Progress;

/** A model folder as the commands use it: weights, tokenizer, chat prompter, and the SVD cache location. */
record ModelDir(Path dir, Transformer model, Tokenizer tokenizer, ChatPrompter prompter) {
    static ModelDir load(Path dir) {
        return load(dir, t2j.model.ModelWeights.Storage.AUTO);
    }

    /** The model with weights held as {@code storage} says ({@code --dtype}). */
    static ModelDir load(Path dir, t2j.model.ModelWeights.Storage storage) {
        Transformer model = Transformer.load(dir, storage);
        Tokenizer tok = Tokenizer.load(dir);
        return new ModelDir(dir, model, tok, ChatPrompter.forModel(tok, model.config()));
    }

    Decomposition decomposition(Targets targets, Path cache, Progress progress) throws IOException {
        if (cache == null) return Decomposition.cached(model.weights(), targets, progress);
        Files.createDirectories(cache.toAbsolutePath().getParent());
        return Decomposition.loadOrCompute(model.weights(), targets, cache, progress);
    }
}
