package t2j.tiny;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.json.Json;
import t2j.tokenizer.ByteLevel;

/**
 * Writes the character-level tokenizers of the bundled tiny models as ordinary Hugging Face files, in the two
 * layouts the real models use, so the tiny models exercise exactly the loading code real checkpoints go through:
 * <ul>
 *   <li>{@link #llama3Style}: byte-level BPE with Llama-3's pre-tokenizer regex, its special tokens and chat markers,
 *       and no merges (one token per byte);
 *   <li>{@link #mistralStyle}: SentencePiece-style BPE with {@code ▁} for spaces, byte fallback and Mistral's
 *       {@code <s>}, {@code </s>}, {@code [INST]}, {@code [/INST]}; one token per character of {@code chars}.
 * </ul>
 */
public final class CharTokenizers {
    /** Llama-3's pre-tokenizer pattern, as in its tokenizer.json. */
    static final String LLAMA3_SPLIT =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Llama-3's special tokens used by its chat format, in id order after the 256 byte tokens. */
    public static final List<String> LLAMA3_SPECIALS =
            List.of("<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>");

    /** Mistral's special tokens, ids 0–4. */
    public static final List<String> MISTRAL_SPECIALS = List.of("<unk>", "<s>", "</s>", "[INST]", "[/INST]");

    private CharTokenizers() {}

    /** Writes a Llama-3-style byte-level tokenizer (vocabulary 256 + 5) into {@code dir}; returns its vocabulary size. */
    public static int llama3Style(Path dir) throws IOException {
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(ByteLevel.charOf(b)), b);
        List<Object> added = added(LLAMA3_SPECIALS, 256);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", "1.0");
        doc.put("truncation", null);
        doc.put("padding", null);
        doc.put("added_tokens", added);
        doc.put("normalizer", null);
        doc.put(
                "pre_tokenizer",
                Map.of(
                        "type",
                        "Sequence",
                        "pretokenizers",
                        List.of(
                                Map.of(
                                        "type",
                                        "Split",
                                        "pattern",
                                        Map.of("Regex", LLAMA3_SPLIT),
                                        "behavior",
                                        "Isolated",
                                        "invert",
                                        false),
                                Map.of(
                                        "type",
                                        "ByteLevel",
                                        "add_prefix_space",
                                        false,
                                        "trim_offsets",
                                        true,
                                        "use_regex",
                                        false))));
        doc.put("post_processor", bosTemplate("<|begin_of_text|>", 256));
        doc.put(
                "decoder",
                Map.of("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", true, "use_regex", true));
        doc.put("model", bpe(vocab, null, false));
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("bos_token", "<|begin_of_text|>");
        cfg.put("eos_token", "<|eot_id|>");
        cfg.put("model_max_length", 512);
        cfg.put("tokenizer_class", "PreTrainedTokenizerFast");
        write(dir, doc, cfg);
        return 256 + LLAMA3_SPECIALS.size();
    }

    /** Writes a Mistral-style tokenizer covering {@code chars} (plus byte fallback) into {@code dir}; returns its vocabulary size. */
    public static int mistralStyle(Path dir, String chars) throws IOException {
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (String s : MISTRAL_SPECIALS) vocab.put(s, vocab.size());
        for (int b = 0; b < 256; b++) vocab.put(String.format("<0x%02X>", b), vocab.size());
        vocab.put("▁", vocab.size());
        for (char c : chars.toCharArray())
            if (c != ' ' && !vocab.containsKey(String.valueOf(c))) vocab.put(String.valueOf(c), vocab.size());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", "1.0");
        doc.put("truncation", null);
        doc.put("padding", null);
        doc.put("added_tokens", added(MISTRAL_SPECIALS, 0));
        doc.put(
                "normalizer",
                Map.of(
                        "type",
                        "Sequence",
                        "normalizers",
                        List.of(
                                Map.of("type", "Prepend", "prepend", "▁"),
                                Map.of("type", "Replace", "pattern", Map.of("String", " "), "content", "▁"))));
        doc.put("pre_tokenizer", null);
        doc.put("post_processor", bosTemplate("<s>", 1));
        doc.put(
                "decoder",
                Map.of(
                        "type",
                        "Sequence",
                        "decoders",
                        List.of(
                                Map.of("type", "Replace", "pattern", Map.of("String", "▁"), "content", " "),
                                Map.of("type", "ByteFallback"),
                                Map.of("type", "Fuse"),
                                Map.of("type", "Strip", "content", " ", "start", 1, "stop", 0))));
        doc.put("model", bpe(vocab, "<unk>", true));
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("bos_token", "<s>");
        cfg.put("eos_token", "</s>");
        cfg.put("unk_token", "<unk>");
        cfg.put("add_bos_token", true);
        cfg.put("add_eos_token", false);
        cfg.put("model_max_length", 512);
        cfg.put("tokenizer_class", "LlamaTokenizer");
        write(dir, doc, cfg);
        return vocab.size();
    }

    private static List<Object> added(List<String> specials, int firstId) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < specials.size(); i++) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", firstId + i);
            t.put("content", specials.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
            out.add(t);
        }
        return out;
    }

    private static Map<String, Object> bosTemplate(String bos, int id) {
        Map<String, Object> seq = Map.of("Sequence", Map.of("id", "A", "type_id", 0));
        Map<String, Object> special = Map.of("SpecialToken", Map.of("id", bos, "type_id", 0));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "TemplateProcessing");
        m.put("single", List.of(special, seq));
        m.put("pair", List.of(special, seq, special, Map.of("Sequence", Map.of("id", "B", "type_id", 1))));
        m.put("special_tokens", Map.of(bos, Map.of("id", bos, "ids", List.of(id), "tokens", List.of(bos))));
        return m;
    }

    private static Map<String, Object> bpe(Map<String, Object> vocab, String unk, boolean byteFallback) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "BPE");
        m.put("dropout", null);
        m.put("unk_token", unk);
        m.put("continuing_subword_prefix", null);
        m.put("end_of_word_suffix", null);
        m.put("fuse_unk", byteFallback);
        m.put("byte_fallback", byteFallback);
        m.put("ignore_merges", !byteFallback);
        m.put("vocab", vocab);
        m.put("merges", List.of());
        return m;
    }

    private static void write(Path dir, Map<String, Object> tokenizer, Map<String, Object> config) throws IOException {
        Files.createDirectories(dir);
        atomicWrite(dir.resolve("tokenizer.json"), Json.write(tokenizer));
        atomicWrite(dir.resolve("tokenizer_config.json"), Json.write(config));
    }

    private static void atomicWrite(Path file, String text) throws IOException {
        t2j.io.AtomicFiles.writeString(file, text);
    }
}
