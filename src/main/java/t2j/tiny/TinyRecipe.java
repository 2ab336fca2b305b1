package t2j.tiny;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.io.DType;
import t2j.model.ModelConfig;
import t2j.model.ModelWeights;
import t2j.model.Transformer;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.SplitSizes;
import t2j.task.Task;
import t2j.task.TaskAlphabet;
import t2j.task.Tasks;
import t2j.tokenizer.CharTokenizers;
import t2j.tokenizer.Tokenizer;
import t2j.train.ChatPrompter;
import t2j.train.Evaluator;
import t2j.train.Pretrainer;
import t2j.util.Progress;

/**
 * How the bundled tiny models are made: a character-level tokenizer in the family's own format, a small decoder of
 * the family's architecture, and next-token pretraining on the built-in training tasks in chat format. Both
 * families share layer count and matrix shapes, so experts trained on one can be transferred to the other.
 *
 * <pre>{@code
 * TinyRecipe.Result r = TinyRecipe.pretrain("llama", Path.of("models/tiny-llama"), 3000, 1, listener);
 * }</pre>
 */
public final class TinyRecipe {
    /** The families: Llama-3 style (GQA, rope_theta 5e5, byte-level BPE) and Mistral style (sliding window, rope_theta 1e6, SentencePiece). */
    public static final List<String> FAMILIES = List.of("llama", "mistral");

    /** The tasks the models are pretrained on (their train splits); the {@code -hard} siblings stay unseen. */
    public static final List<String> PRETRAIN_TASKS = List.of("math", "code", "reasoning", "classification");

    /** The tasks whose accuracy the model card reports. */
    public static final List<String> CARD_TASKS = List.of("math", "code", "reasoning", "classification", "math-hard", "code-hard", "reasoning-hard");

    /** The seed of the task instances everything in the project evaluates on (the CLI's default). */
    public static final long TASK_SEED = 42;

    static final int HIDDEN = 192, FF = 576, HEADS = 6, KV_HEADS = 2, HEAD_DIM = 32, LAYERS = 4, MAX_POS = 512;

    private TinyRecipe() {}

    /** The architecture of a family for a vocabulary of {@code vocab} ids. */
    public static ModelConfig config(String family, int vocab, int bos, int[] eos) {
        switch (family) {
            case "llama":
                return new ModelConfig("llama", HIDDEN, FF, HEADS, KV_HEADS, HEAD_DIM, LAYERS, vocab, 1e-5, 500000.0, null, 0, false, MAX_POS,
                        new int[] {bos}, eos);
            case "mistral":
                return new ModelConfig("mistral", HIDDEN, FF, HEADS, KV_HEADS, HEAD_DIM, LAYERS, vocab, 1e-5, 1e6, null, 128, false, MAX_POS,
                        new int[] {bos}, eos);
            default:
                throw new IllegalArgumentException("unknown family '" + family + "' (expected llama or mistral)");
        }
    }

    /** Writes the family's tokenizer files into {@code dir} and returns the loaded tokenizer. */
    public static Tokenizer writeTokenizer(String family, Path dir) throws IOException {
        if (family.equals("llama")) CharTokenizers.llama3Style(dir);
        else CharTokenizers.mistralStyle(dir, TaskAlphabet.CHARS);
        return Tokenizer.load(dir);
    }

    /** Training sequences (formatted prompt + reference) from the train splits of {@link #PRETRAIN_TASKS}. */
    public static List<int[]> data(ChatPrompter prompter, int perTask, long shuffleSeed) {
        return data(prompter, perTask, shuffleSeed, null);
    }

    /** As above, with each reference as {@code hasty} (when not null) would have written it. */
    public static List<int[]> data(ChatPrompter prompter, int perTask, long shuffleSeed, HastyAnnotator hasty) {
        List<int[]> out = new ArrayList<>();
        for (String name : PRETRAIN_TASKS) {
            Task t = Tasks.builtin(name, TASK_SEED, SplitSizes.DEFAULT.with(Split.TRAIN, perTask));
            for (Example e : t.examples(Split.TRAIN)) {
                if (hasty != null) e = hasty.annotate(e, t.category());
                int[] p = prompter.promptIds(e), r = prompter.referenceIds(e), s = java.util.Arrays.copyOf(p, p.length + r.length);
                System.arraycopy(r, 0, s, p.length, r.length);
                out.add(s);
            }
        }
        Collections.shuffle(out, new java.util.Random(shuffleSeed));
        return out;
    }

    /** What a pretraining run produced. */
    public record Result(Path dir, ModelConfig config, long parameters, int steps, double seconds, double tokensPerSecond,
                         double firstLoss, double finalLoss, int sequences, Map<String, double[]> accuracy) {}

    /**
     * Builds and pretrains a tiny model into {@code dir} (tokenizer, config, weights, model card). Resumes from
     * {@code dir/pretrain.ckpt} when a previous run was stopped.
     */
    public static Result pretrain(String family, Path dir, Pretrainer.Config cfg, int perTask, Pretrainer.Listener listener, Progress progress)
            throws IOException {
        return pretrain(family, dir, cfg, perTask, Integer.MAX_VALUE, listener, progress);
    }

    /** As above, measuring the card's accuracies on at most {@code evalLimit} examples per split (for quick runs). */
    public static Result pretrain(String family, Path dir, Pretrainer.Config cfg, int perTask, int evalLimit, Pretrainer.Listener listener,
                                  Progress progress) throws IOException {
        Files.createDirectories(dir);
        Tokenizer tok = writeTokenizer(family, dir);
        int bos = tok.bosId().orElseThrow();
        int[] eos = family.equals("llama")
                ? new int[] {tok.id("<|end_of_text|>").getAsInt(), tok.id("<|eot_id|>").getAsInt()}
                : new int[] {tok.eosId().getAsInt()};
        ModelConfig config = config(family, tok.vocabSize(), bos, eos);
        config.save(dir);
        ChatPrompter prompter = ChatPrompter.forModel(tok, config);
        Transformer model = new Transformer(ModelWeights.random(config, cfg.seed()));
        return train(dir, model, prompter, data(prompter, perTask, cfg.seed()), cfg, "pretrain.ckpt", evalLimit, listener, progress);
    }

    /**
     * The second stage: continues training the model in {@code dir} on instruction data written partly by the
     * {@link HastyAnnotator}, and saves it in place (the card is the caller's). Resumes from {@code dir/tune.ckpt}.
     */
    public static Result tune(Path dir, Pretrainer.Config cfg, int perTask, int evalLimit, Pretrainer.Listener listener, Progress progress)
            throws IOException {
        Transformer model = Transformer.load(dir);
        ChatPrompter prompter = ChatPrompter.forModel(Tokenizer.load(dir), model.config());
        List<int[]> data = data(prompter, perTask, cfg.seed(), new HastyAnnotator(cfg.seed()));
        return train(dir, model, prompter, data, cfg, "tune.ckpt", evalLimit, listener, progress);
    }

    /** Either stage's run: train (resuming from {@code dir/checkpoint}), save the weights in place, measure the card's accuracies. */
    private static Result train(Path dir, Transformer model, ChatPrompter prompter, List<int[]> data, Pretrainer.Config cfg, String checkpoint,
                                int evalLimit, Pretrainer.Listener listener, Progress progress) throws IOException {
        Pretrainer trainer = new Pretrainer(model, data, cfg).checkpointTo(dir.resolve(checkpoint), 100);
        Pretrainer.Result r = trainer.run(listener);
        model.weights().save(dir, DType.F32, 1L << 30);
        Map<String, double[]> acc = accuracy(model, prompter, evalLimit, progress);
        return new Result(dir, model.config(), model.weights().parameterCount(), cfg.steps(), trainer.elapsedSeconds(), r.tokensPerSecond(),
                trainer.firstLoss(), r.finalLoss(), data.size(), acc);
    }

    /** Greedy accuracy on validation and test of every {@link #CARD_TASKS} task: {@code {validation, test}}. */
    public static Map<String, double[]> accuracy(Transformer model, ChatPrompter prompter, int limit, Progress progress) {
        Map<String, double[]> acc = new LinkedHashMap<>();
        Evaluator ev = new Evaluator(model, prompter, 64);
        for (String name : CARD_TASKS) {
            Task t = Tasks.builtin(name, TASK_SEED);
            double v = ev.evaluate(t, first(t.examples(Split.VALIDATION), limit), progress).accuracy();
            double te = ev.evaluate(t, first(t.examples(Split.TEST), limit), progress).accuracy();
            acc.put(name, new double[] {v, te});
        }
        return acc;
    }

    private static <T> List<T> first(List<T> l, int n) {
        return l.subList(0, Math.min(n, l.size()));
    }
}
