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
import t2j.prompt.ChatPrompter;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.SplitSizes;
import t2j.task.Task;
import t2j.task.TaskAlphabet;
import t2j.task.Tasks;
import t2j.tensor.Matrix;
import t2j.tokenizer.Tokenizer;
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
    public static final List<String> CARD_TASKS = List.of(
            "math", "code", "reasoning", "classification", "math-hard", "code-hard", "mixed-hard", "reasoning-hard");

    /** The seed of the task instances everything in the project evaluates on (the CLI's default). */
    public static final long TASK_SEED = 42;

    static final int HIDDEN = 192, FF = 576, HEADS = 6, KV_HEADS = 2, HEAD_DIM = 32, LAYERS = 4, MAX_POS = 512;

    private TinyRecipe() {}

    /** The architecture of a family for a vocabulary of {@code vocab} ids. */
    public static ModelConfig config(String family, int vocab, int bos, int[] eos) {
        switch (family) {
            case "llama":
                return new ModelConfig(
                        "llama",
                        HIDDEN,
                        FF,
                        HEADS,
                        KV_HEADS,
                        HEAD_DIM,
                        LAYERS,
                        vocab,
                        1e-5,
                        500000.0,
                        null,
                        0,
                        false,
                        MAX_POS,
                        new int[] {bos},
                        eos);
            case "mistral":
                return new ModelConfig(
                        "mistral",
                        HIDDEN,
                        FF,
                        HEADS,
                        KV_HEADS,
                        HEAD_DIM,
                        LAYERS,
                        vocab,
                        1e-5,
                        1e6,
                        null,
                        128,
                        false,
                        MAX_POS,
                        new int[] {bos},
                        eos);
            default:
                throw new IllegalArgumentException("unknown family '" + family + "' (expected llama or mistral)");
        }
    }

    /** The family's architecture for the vocabulary and special tokens of {@code tok}, written to {@code dir/config.json}. */
    static ModelConfig writeConfig(String family, Tokenizer tok, Path dir) throws IOException {
        int[] eos = family.equals("llama")
                ? new int[] {
                    tok.id("<|end_of_text|>").getAsInt(), tok.id("<|eot_id|>").getAsInt()
                }
                : new int[] {tok.eosId().getAsInt()};
        ModelConfig config = config(family, tok.vocabSize(), tok.bosId().orElseThrow(), eos);
        config.save(dir);
        return config;
    }

    /** Writes the family's tokenizer files into {@code dir} (created if needed) and returns the loaded tokenizer. */
    public static Tokenizer writeTokenizer(String family, Path dir) throws IOException {
        Files.createDirectories(dir);
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
                int[] p = prompter.promptIds(e),
                        r = prompter.referenceIds(e),
                        s = java.util.Arrays.copyOf(p, p.length + r.length);
                System.arraycopy(r, 0, s, p.length, r.length);
                out.add(s);
            }
        }
        Collections.shuffle(out, new java.util.Random(shuffleSeed));
        return out;
    }

    /** What a pretraining run produced. */
    public record Result(
            Path dir,
            ModelConfig config,
            long parameters,
            int steps,
            double seconds,
            double tokensPerSecond,
            double firstLoss,
            double finalLoss,
            int sequences,
            Map<String, double[]> accuracy) {}

    /**
     * Builds and pretrains a tiny model into {@code dir} (tokenizer, config, weights, model card). Resumes from
     * {@code dir/pretrain.ckpt} when a previous run was stopped.
     */
    public static Result pretrain(
            String family,
            Path dir,
            Pretrainer.Config cfg,
            int perTask,
            Pretrainer.Listener listener,
            Progress progress)
            throws IOException {
        return pretrain(family, dir, cfg, perTask, Integer.MAX_VALUE, listener, progress);
    }

    /** As above, measuring the card's accuracies on at most {@code evalLimit} examples per split (for quick runs). */
    public static Result pretrain(
            String family,
            Path dir,
            Pretrainer.Config cfg,
            int perTask,
            int evalLimit,
            Pretrainer.Listener listener,
            Progress progress)
            throws IOException {
        Tokenizer tok = writeTokenizer(family, dir);
        ModelConfig config = writeConfig(family, tok, dir);
        ChatPrompter prompter = ChatPrompter.forModel(tok, config);
        Transformer model = new Transformer(ModelWeights.random(config, cfg.seed()));
        return train(
                dir,
                model,
                prompter,
                data(prompter, perTask, cfg.seed()),
                cfg,
                "pretrain.ckpt",
                evalLimit,
                listener,
                progress);
    }

    /**
     * The second stage: continues training the model in {@code dir} on instruction data written partly by the
     * {@link HastyAnnotator}, and saves it in place (the card is the caller's). Resumes from {@code dir/tune.ckpt}.
     */
    public static Result tune(
            Path dir,
            Pretrainer.Config cfg,
            int perTask,
            int evalLimit,
            Pretrainer.Listener listener,
            Progress progress)
            throws IOException {
        Transformer model = Transformer.load(dir);
        ChatPrompter prompter = ChatPrompter.forModel(Tokenizer.load(dir), model.config());
        List<int[]> data = data(prompter, perTask, cfg.seed(), new HastyAnnotator(cfg.seed()));
        return train(dir, model, prompter, data, cfg, "tune.ckpt", evalLimit, listener, progress);
    }

    /**
     * A model of {@code family}'s architecture that descends from the model in {@code source}: the family's tokenizer
     * and config (rope θ, sliding window, chat format) are written into {@code dir}, every layer is copied, the
     * embedding and output rows are carried over token by token (the same character, the byte of a byte-fallback
     * token, the matching special: begin, end of turn, the chat markers), and training continues on the same
     * instruction data, planted habit included, in the new chat format. The result shares the source's weights up to
     * what continued training changed, which is the condition under which experts move between models. Resumes from
     * {@code dir/descend.ckpt}.
     */
    public static Result descend(
            Path source,
            String family,
            Path dir,
            Pretrainer.Config cfg,
            int perTask,
            int evalLimit,
            Pretrainer.Listener listener,
            Progress progress)
            throws IOException {
        Transformer from = Transformer.load(source);
        Tokenizer fromTok = Tokenizer.load(source);
        Tokenizer tok = writeTokenizer(family, dir);
        ModelConfig config = writeConfig(family, tok, dir);
        ModelWeights w = carriedOver(from, fromTok, tok, config, cfg.seed());
        ChatPrompter prompter = ChatPrompter.forModel(tok, config);
        Transformer model = new Transformer(w);
        List<int[]> data = data(prompter, perTask, cfg.seed(), new HastyAnnotator(cfg.seed()));
        return train(dir, model, prompter, data, cfg, "descend.ckpt", evalLimit, listener, progress);
    }

    /**
     * Weights for {@code config} (the same layer shapes as {@code from}'s) made from {@code from}'s: every layer copied,
     * embedding and output rows carried over by {@link #tokenMap}; rows with no counterpart keep a random start.
     */
    static ModelWeights carriedOver(
            Transformer from, Tokenizer fromTok, Tokenizer toTok, ModelConfig config, long seed) {
        ModelWeights w = ModelWeights.random(config, seed);
        for (String name : w.names()) {
            if (name.equals("model.embed_tokens.weight") || name.equals("lm_head.weight")) continue;
            Matrix src = from.weights().matrix(name), dst = w.matrix(name);
            if (src.rows() != dst.rows() || src.cols() != dst.cols())
                throw new IllegalArgumentException(
                        "'" + name + "' is " + src.rows() + "x" + src.cols() + " in the source model, the "
                                + config.modelType() + " family needs " + dst.rows() + "x" + dst.cols());
            dst.copyFrom(src.toArray());
        }
        int[] map = tokenMap(toTok, fromTok);
        for (Matrix[] pair : new Matrix[][] {
            {from.weights().embed(), w.embed()}, {from.weights().lmHead(), w.lmHead()}
        })
            for (int id = 0; id < map.length; id++)
                if (map[id] >= 0) for (int c = 0; c < pair[1].cols(); c++) pair[1].set(id, c, pair[0].get(map[id], c));
        return w;
    }

    /** For each id of {@code to}, the id of {@code from} that stands for the same text (-1 when there is none). */
    static int[] tokenMap(Tokenizer to, Tokenizer from) {
        Map<String, String> specials = Map.of(
                "<s>",
                "<|begin_of_text|>",
                "</s>",
                "<|eot_id|>",
                "[INST]",
                "<|start_header_id|>",
                "[/INST]",
                "<|end_header_id|>",
                "<|begin_of_text|>",
                "<s>",
                "<|eot_id|>",
                "</s>",
                "<|end_of_text|>",
                "</s>",
                "<|start_header_id|>",
                "[INST]",
                "<|end_header_id|>",
                "[/INST]");
        int[] map = new int[to.vocabSize()];
        for (int id = 0; id < map.length; id++) {
            String t = to.token(id);
            map[id] = -1;
            if (specials.containsKey(t)) {
                map[id] = from.id(specials.get(t)).orElse(-1);
                continue;
            }
            String text = to.decode(new int[] {id});
            if (t.matches("<0x[0-9A-F]{2}>")) {
                int b = Integer.parseInt(t.substring(3, 5), 16);
                text = b < 128 ? String.valueOf((char) b) : null;
            } else if (t.equals("▁")) text = " ";
            if (text == null || text.isEmpty()) continue;
            int[] ids = from.encode(text);
            if (ids.length == 1) map[id] = ids[0];
        }
        return map;
    }

    /** Either stage's run: train (resuming from {@code dir/checkpoint}), save the weights in place, measure the card's accuracies. */
    private static Result train(
            Path dir,
            Transformer model,
            ChatPrompter prompter,
            List<int[]> data,
            Pretrainer.Config cfg,
            String checkpoint,
            int evalLimit,
            Pretrainer.Listener listener,
            Progress progress)
            throws IOException {
        Pretrainer trainer = new Pretrainer(model, data, cfg).checkpointTo(dir.resolve(checkpoint), 100);
        Pretrainer.Result r = trainer.run(listener);
        model.weights().save(dir, DType.F32, 1L << 30);
        Map<String, double[]> acc = accuracy(model, prompter, evalLimit, progress);
        return new Result(
                dir,
                model.config(),
                model.weights().parameterCount(),
                cfg.steps(),
                trainer.elapsedSeconds(),
                r.tokensPerSecond(),
                trainer.firstLoss(),
                r.finalLoss(),
                data.size(),
                acc);
    }

    /** Greedy accuracy on validation and test of every {@link #CARD_TASKS} task: {@code {validation, test}}. */
    public static Map<String, double[]> accuracy(
            Transformer model, ChatPrompter prompter, int limit, Progress progress) {
        Map<String, double[]> acc = new LinkedHashMap<>();
        Evaluator ev = new Evaluator(model, prompter, 64);
        for (String name : CARD_TASKS) {
            Task t = Tasks.builtin(name, TASK_SEED);
            double v = ev.evaluate(t, first(t.examples(Split.VALIDATION), limit), progress)
                    .accuracy();
            double te = ev.evaluate(t, first(t.examples(Split.TEST), limit), progress)
                    .accuracy();
            acc.put(name, new double[] {v, te});
        }
        return acc;
    }

    private static <T> List<T> first(List<T> l, int n) {
        return l.subList(0, Math.min(n, l.size()));
    }
}
