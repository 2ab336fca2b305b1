package t2j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Targets;
import t2j.tokenizer.Tokenizer;
import t2j.train.ChatPrompter;
import t2j.util.Progress;

/** A model folder as the commands use it: weights, tokenizer, chat prompter, and the SVD cache location. */
record ModelDir(Path dir, Transformer model, Tokenizer tokenizer, ChatPrompter prompter) {
    static ModelDir load(Path dir) {
        Transformer model = Transformer.load(dir);
        Tokenizer tok = Tokenizer.load(dir);
        return new ModelDir(dir, model, tok, ChatPrompter.forModel(tok, model.config()));
    }

    /**
     * The SVD cache for these weights: {@code $T2J_CACHE} or {@code ~/.cache/t2j}, named by the weights' fingerprint, so
     * the model folder is never written to unless the user names a file inside it.
     */
    static Path defaultCache(Transformer model, Targets targets) {
        String root = System.getenv("T2J_CACHE");
        Path base = root != null ? Path.of(root) : Path.of(System.getProperty("user.home"), ".cache", "t2j");
        return base.resolve("svd").resolve(model.weights().fingerprint() + "-" + targets.id().replaceAll("[^A-Za-z0-9._-]", "_") + ".safetensors");
    }

    Decomposition decomposition(Targets targets, Path cache, Progress progress) throws IOException {
        Path file = cache != null ? cache : defaultCache(model, targets);
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Decomposition.loadOrCompute(model.weights(), targets, file, progress);
    }
}
