package t2j.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import t2j.json.Json;
import t2j.json.JsonException;

/**
 * A Hugging Face fast tokenizer read from {@code tokenizer.json} (plus {@code tokenizer_config.json} when present),
 * implemented in Java for the two families this project runs: byte-level BPE as in Llama-3 and SentencePiece-style
 * BPE with byte fallback as in Mistral.
 *
 * <p>Encoding follows the tokenizers library step by step: added/special tokens written in the text are cut out
 * first and become single ids; every other stretch goes through the normalizer, the pre-tokenizer and BPE.
 * {@link #encode} adds nothing else; {@link #encodeWithSpecials} also applies the post-processor (BOS for
 * Mistral and for Llama-3 files whose post-processor adds it).
 *
 * <pre>{@code
 * Tokenizer tok = Tokenizer.load(Path.of("models/llama3"));
 * int[] ids = tok.encode("Hello, world!");          // [9906, 11, 1917, 0]
 * String text = tok.decode(ids);                     // "Hello, world!"
 * String prompt = ChatFormat.forTokenizer(tok).render(List.of(ChatMessage.user("Hi")), true);
 * }</pre>
 *
 * <p>Instances are immutable apart from an internal cache and may be shared between threads.
 */
public final class Tokenizer {
    private final String source;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final BpeModel model;
    private final AddedTokens added;
    private final PostProcessor postProcessor;
    private final Decoder decoder;
    private final TokenizerConfig config;

    private Tokenizer(String source, Map<String, Object> json, TokenizerConfig config) {
        this.source = source;
        this.config = config;
        Spec root = new Spec(source, "", json);
        added = new AddedTokens(root);
        normalizer = Normalizer.parse(root, "normalizer");
        preTokenizer = PreTokenizer.parse(root, "pre_tokenizer");
        model = new BpeModel(root.object("model"));
        decoder = Decoder.parse(root, "decoder");
        postProcessor = llamaPostProcessor().orElseGet(() -> PostProcessor.parse(root, "post_processor"));
    }

    /**
     * Loads the tokenizer of a model folder: {@code dir/tokenizer.json} and, when present,
     * {@code dir/tokenizer_config.json}. {@code dir} may also be the tokenizer.json file itself.
     *
     * @throws TokenizerException when a file is missing, unreadable, not valid JSON, or uses an unsupported feature;
     *     the message names the file and the field
     */
    public static Tokenizer load(Path dir) {
        Path file = Files.isRegularFile(dir) ? dir : dir.resolve("tokenizer.json");
        Path configFile = (file.getParent() == null ? Path.of(".") : file.getParent()).resolve("tokenizer_config.json");
        String json = read(file);
        String config = Files.isRegularFile(configFile) ? read(configFile) : null;
        return fromJson(json, file.toString(), config, config == null ? null : configFile.toString());
    }

    /**
     * Builds a tokenizer from the texts of tokenizer.json and (optionally, may be null) tokenizer_config.json;
     * the names are used in error messages.
     */
    public static Tokenizer fromJson(String tokenizerJson, String tokenizerName, String configJson, String configName) {
        Map<String, Object> json = parse(tokenizerJson, tokenizerName);
        TokenizerConfig cfg = configJson == null
                ? TokenizerConfig.EMPTY
                : new TokenizerConfig(new Spec(configName, "", parse(configJson, configName)));
        return new Tokenizer(tokenizerName, json, cfg);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new TokenizerException(file + ": no such file (a tokenizer folder must hold tokenizer.json)", e);
        } catch (IOException e) {
            throw new TokenizerException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> parse(String text, String name) {
        try {
            return Json.parseObject(text, name);
        } catch (JsonException e) {
            throw new TokenizerException(e.getMessage(), e);
        }
    }

    /**
     * transformers' LlamaTokenizerFast ignores the file's post-processor and adds BOS/EOS by its add_bos_token /
     * add_eos_token settings (BOS on by default); follow it so our ids match what that class feeds the model.
     */
    private Optional<PostProcessor> llamaPostProcessor() {
        if (!config.isLlamaClass()) return Optional.empty();
        boolean bos = config.addBosToken == null || config.addBosToken,
                eos = config.addEosToken != null && config.addEosToken;
        OptionalInt bosId = bosId(), eosId = eosId();
        if ((bos && bosId.isEmpty()) || (eos && eosId.isEmpty())) return Optional.empty();
        return Optional.of(PostProcessor.of(
                bos ? new int[] {bosId.getAsInt()} : new int[0], eos ? new int[] {eosId.getAsInt()} : new int[0]));
    }

    /** The token ids of {@code text}; special tokens written in the text are matched, none are added. */
    public int[] encode(String text) {
        IntList out = new IntList(text.length() / 3 + 4);
        for (AddedTokens.Segment seg : added.split(text)) {
            if (seg.token != null) {
                out.add(seg.token.id);
                continue;
            }
            String s = normalizer == null ? seg.text : normalizer.apply(seg.text);
            if (s.isEmpty()) continue;
            List<String> pieces = preTokenizer == null ? List.of(s) : preTokenizer.split(List.of(s), seg.start == 0);
            for (String p : pieces) model.encode(p, out);
        }
        return out.toArray();
    }

    /** {@link #encode} followed by the post-processor's template (e.g. BOS in front), as a model expects a raw prompt. */
    public int[] encodeWithSpecials(String text) {
        return postProcessor.apply(encode(text));
    }

    /** The text of {@code ids}, special tokens included. */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * The text of {@code ids} as the tokenizers library decodes it (no clean-up of spaces before punctuation).
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            AddedTokens.Token t = added.byId(id);
            if (t != null && skipSpecialTokens && t.special) continue;
            tokens.add(token(id));
        }
        if (decoder == null) return String.join(" ", tokens);
        return String.join("", decoder.decodeChain(tokens));
    }

    /**
     * The vocabulary string of a token id (byte-level form for Llama-3, e.g. "Ġworld"; "▁world" for Mistral).
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String token(int id) {
        AddedTokens.Token t = added.byId(id);
        if (t != null) return t.content;
        String s = model.token(id);
        if (s == null)
            throw new IllegalArgumentException(
                    source + ": token id " + id + " is not in the vocabulary (size " + vocabSize() + ")");
        return s;
    }

    /** The id of a vocabulary string or added token, if there is one. */
    public OptionalInt id(String token) {
        AddedTokens.Token t = added.byContent(token);
        if (t != null) return OptionalInt.of(t.id);
        Integer id = model.id(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** One more than the largest token id, added tokens included: the size a model's embedding must have at least. */
    public int vocabSize() {
        return Math.max(model.size(), added.maxId() + 1);
    }

    /** Whether {@code id} is a special added token (BOS, EOS, chat markers), which decoding can skip. */
    public boolean isSpecial(int id) {
        AddedTokens.Token t = added.byId(id);
        return t != null && t.special;
    }

    /** The beginning-of-sequence token: tokenizer_config.json's bos_token, else "<|begin_of_text|>" or "<s>" when present. */
    public Optional<String> bosToken() {
        return Optional.ofNullable(
                config.bosToken != null ? config.bosToken : firstPresent("<|begin_of_text|>", "<s>"));
    }

    /** The end-of-sequence token: tokenizer_config.json's eos_token, else "<|end_of_text|>" or "</s>" when present. */
    public Optional<String> eosToken() {
        return Optional.ofNullable(config.eosToken != null ? config.eosToken : firstPresent("<|end_of_text|>", "</s>"));
    }

    public OptionalInt bosId() {
        return bosToken().map(this::id).orElse(OptionalInt.empty());
    }

    public OptionalInt eosId() {
        return eosToken().map(this::id).orElse(OptionalInt.empty());
    }

    /** tokenizer_config.json's chat_template, if it has one. */
    public Optional<String> chatTemplate() {
        return Optional.ofNullable(config.chatTemplate);
    }

    /** The tokenizer.json this was read from (or the name given to {@link #fromJson}). */
    public String source() {
        return source;
    }

    private String firstPresent(String... tokens) {
        for (String t : tokens) if (id(t).isPresent()) return t;
        return null;
    }
}
