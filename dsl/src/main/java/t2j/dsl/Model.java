package t2j.dsl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import t2j.model.ModelConfig;
import t2j.model.Transformer;
import t2j.prompt.ChatPrompter;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.Targets;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Tasks;
import t2j.tiny.TinyRecipe;
import t2j.tokenizer.Tokenizer;
import t2j.train.Evaluator;

/**
 * A language model in a Hugging Face folder (config.json, *.safetensors, tokenizer.json), ready to answer,
 * decompose, train experts on and adapt. The starting point of every notebook.
 *
 * <pre>{@code
 * Model llama = Model.bundled("tiny-llama");          // models/tiny-llama of this project
 * llama.ask("What is 12 + 30?")                        // shows the prompt and the greedy answer
 * Spectra s = llama.decompose();                        // SVD of every MLP matrix, cached
 * Score base = llama.evaluate("math", 50);              // accuracy on 50 test problems
 * }</pre>
 *
 * <p>The model's weights are shared, mutable state: experts are composed into them and removed again by the
 * operations that need them, which always leave the base weights in place when they return, fail or are
 * interrupted.
 */
public final class Model implements Renderable {
    /** How many tokens an answer may have unless said otherwise (the tasks' answers need far fewer). */
    public static final int MAX_NEW_TOKENS = 64;

    private final String name;
    private final Path dir;
    private final Transformer transformer;
    private final Tokenizer tokenizer;
    private final ChatPrompter prompter;
    /** Decompositions by targets id: every expert, training and transfer cell needs one, and the base weights never change. */
    private final Map<String, Spectra> spectra = new HashMap<>();

    private Model(String name, Path dir, Transformer transformer, Tokenizer tokenizer) {
        this.name = name;
        this.dir = dir;
        this.transformer = transformer;
        this.tokenizer = tokenizer;
        this.prompter = ChatPrompter.forModel(tokenizer, transformer.config());
    }

    /** Loads the model folder {@code dir} (a local Llama-3 or Mistral checkpoint works the same way as the tiny models). */
    public static Model load(Path dir) {
        return load(dir, "auto");
    }

    /**
     * {@link #load(Path)} with the weights held as {@code dtype} says: {@code "bf16"} (half the memory), {@code
     * "float32"}, or {@code "auto"} (bf16 for a bf16 checkpoint over 100 M parameters, else float32).
     */
    public static Model load(Path dir, String dtype) {
        t2j.model.ModelWeights.Storage storage = t2j.model.ModelWeights.Storage.parse(dtype);
        if (!Files.isDirectory(dir))
            throw new IllegalArgumentException(
                    "no model folder at " + dir.toAbsolutePath() + "; point at a folder with config.json");
        Transformer t = Transformer.load(dir, storage);
        Tokenizer tok = Tokenizer.load(dir);
        return new Model(dir.toAbsolutePath().normalize().getFileName().toString(), dir, t, tok);
    }

    /** {@link #load(Path)} of a path string. */
    public static Model load(String dir) {
        return load(Path.of(dir));
    }

    /** {@link #load(Path, String)} of a path string. */
    public static Model load(String dir, String dtype) {
        return load(Path.of(dir), dtype);
    }

    /**
     * One of the models shipped in this project's {@code models/} folder: {@code tiny-llama}, {@code tiny-mistral}, or
     * {@code tiny-mistral-from-llama} (Mistral's architecture grown from tiny-llama's weights: where moved experts work).
     */
    public static Model bundled(String name) {
        return load(Bundled.modelDir(name));
    }

    public String name() {
        return name;
    }

    public Path dir() {
        return dir;
    }

    /** The engine's model, for anything the DSL does not wrap. */
    public Transformer transformer() {
        return transformer;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Turns task examples into chat-formatted prompt ids the way training and evaluation do. */
    public ChatPrompter prompter() {
        return prompter;
    }

    public ModelConfig config() {
        return transformer.config();
    }

    /** Parameters in the weights. */
    public long parameters() {
        return transformer.weights().parameterCount();
    }

    /** The greedy answer to {@code prompt}, sent as a user message in the model's chat format. */
    public Reply ask(String prompt) {
        return ask(prompt, MAX_NEW_TOKENS);
    }

    /** The greedy answer to {@code prompt}, at most {@code maxNewTokens} tokens long. */
    public Reply ask(String prompt, int maxNewTokens) {
        long t0 = System.nanoTime();
        Example e = new Example("ask", null, prompt, null, null);
        String text = new Evaluator(transformer, prompter, maxNewTokens)
                .complete(List.of(e), t2j.util.Progress.NONE)
                .get(0);
        return new Reply(e, text, (System.nanoTime() - t0) / 1e9);
    }

    /** The SVD of every MLP matrix (the paper's targets), from the user-wide cache when these weights were seen before; computed once per model. */
    public Spectra decompose() {
        return decompose(Targets.MLP);
    }

    /** The SVD of the matrices {@code targets} selects ({@link Targets#MLP}, {@link Targets#ATTENTION}, ...). */
    public synchronized Spectra decompose(Targets targets) {
        Spectra known = spectra.get(targets.id());
        if (known != null) return known;
        try (Live.Panel panel = Live.panel("decompose " + name)) {
            Spectra s = new Spectra(this, Decomposition.cached(transformer.weights(), targets, panel));
            spectra.put(targets.id(), s);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not read or write the SVD cache for " + name + ": " + e.getMessage(), e);
        }
    }

    /** The experts shipped in this model's {@code experts/} folder, by file name. */
    public Experts experts() {
        Path d = dir.resolve("experts");
        if (!Files.isDirectory(d))
            throw new IllegalArgumentException(
                    name + " has no experts/ folder at " + d + "; train some with model.train(task)");
        try {
            return new Experts(this, Expert.loadAll(d));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the experts in " + d + ": " + e.getMessage(), e);
        }
    }

    /** A built-in task with the seed the bundled models' cards use ({@value TinyRecipe#TASK_SEED}). */
    public static Task task(String name) {
        return Tasks.builtin(name, TinyRecipe.TASK_SEED);
    }

    /** The {@code i}-th test request (from 0) of the built-in task {@code task}: what notebooks show and answer one at a time. */
    public static Example request(String task, int i) {
        List<Example> all = task(task).examples(Split.TEST);
        if (i < 0 || i >= all.size())
            throw new IllegalArgumentException(
                    "task " + task + " has " + all.size() + " test requests; asked for number " + i);
        return all.get(i);
    }

    /** The first {@code n} test requests of the built-in task {@code task} (fewer when it has fewer). */
    public static List<Example> requests(String task, int n) {
        List<Example> all = task(task).examples(Split.TEST);
        return List.copyOf(all.subList(0, Math.min(Math.max(n, 0), all.size())));
    }

    /** Greedy accuracy on the first {@code limit} test examples of the built-in task {@code task}. */
    public Score evaluate(String task, int limit) {
        return evaluate(task(task), Split.TEST, limit);
    }

    /** Greedy accuracy on the first {@code limit} examples of {@code split}. */
    public Score evaluate(Task task, Split split, int limit) {
        List<Example> all = task.examples(split);
        if (all.isEmpty())
            throw new IllegalArgumentException(
                    "task " + task.name() + " has no " + split.name().toLowerCase() + " examples");
        List<Example> some = all.subList(0, Math.min(limit, all.size()));
        try (Live.Panel panel = Live.panel("evaluate " + name + " on " + task.name())) {
            Evaluator.Evaluation ev = new Evaluator(transformer, prompter, MAX_NEW_TOKENS).evaluate(task, some, panel);
            return new Score(name, task.name(), "base", ev);
        }
    }

    /** An SVF training run of an expert for the built-in task {@code task}, with the shipped experts' settings. */
    public Training train(String task) {
        return Training.of(this, task(task));
    }

    /** An SVF training run for any task. */
    public Training train(Task task) {
        return Training.of(this, task);
    }

    @Override
    public Map<String, Object> mimeBundle() {
        ModelConfig c = config();
        List<List<?>> rows = new ArrayList<>();
        rows.add(List.of("architecture", c.modelType()));
        rows.add(List.of("parameters", String.format(Locale.ROOT, "%,d", parameters())));
        rows.add(List.of("layers × hidden", c.numHiddenLayers() + " × " + c.hiddenSize()));
        rows.add(List.of("attention heads (key/value)", c.numAttentionHeads() + " (" + c.numKeyValueHeads() + ")"));
        rows.add(List.of("MLP width", c.intermediateSize()));
        rows.add(List.of("vocabulary", c.vocabSize()));
        rows.add(List.of("rope θ", c.ropeTheta()));
        if (c.slidingWindow() > 0) rows.add(List.of("sliding window", c.slidingWindow()));
        return Mime.table(Tables.of(name, List.of("property", "value"), rows), toString());
    }

    @Override
    public String toString() {
        ModelConfig c = config();
        return String.format(
                Locale.ROOT,
                "%s (%s, %,d parameters, %d layers, hidden %d)",
                name,
                c.modelType(),
                parameters(),
                c.numHiddenLayers(),
                c.hiddenSize());
    }
}
