package t2j.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.json.Json;

/**
 * Small tokenizer.json documents in the two layouts this package implements, built in code so the tests need no
 * downloaded files. Tests tweak the returned maps (e.g. swap the normalizer for a Metaspace pre-tokenizer) and
 * write them with {@link #write}.
 */
public final class SmallTokenizers {
    /** Llama-3's pre-tokenizer pattern, verbatim from its tokenizer.json. */
    static final String LLAMA3_PATTERN =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Added tokens of the byte-level tokenizer sit above a gap, so tests can grow the vocabulary below them. */
    static final int FIRST_ADDED_ID = 1000;

    private SmallTokenizers() {}

    /**
     * A Llama-3-style byte-level BPE: the 256 byte characters (ids 0-255), merges spelling "hello" and " world",
     * a whole-word token "Ġhello" no merge reaches (for ignore_merges), and added tokens
     * {@code <|begin_of_text|>}, {@code <|eot_id|>} (special) and {@code <extra>} (not special).
     */
    static Map<String, Object> byteLevel(boolean ignoreMerges) {
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(ByteLevel.charOf(b)), (long) b);
        List<Object> merges = new ArrayList<>();
        for (String m : new String[] {"h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "l d", "Ġwor ld"}) {
            merges.add(m);
            vocab.put(m.replace(" ", ""), (long) vocab.size());
        }
        vocab.put("Ġhello", (long) vocab.size());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("byte_fallback", false);
        model.put("ignore_merges", ignoreMerges);
        model.put("vocab", vocab);
        model.put("merges", merges);
        int next = FIRST_ADDED_ID;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", "1.0");
        doc.put(
                "added_tokens",
                List.of(
                        added(next, "<|begin_of_text|>", true),
                        added(next + 1, "<|eot_id|>", true),
                        added(next + 2, "<extra>", false)));
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
                                        Map.of("Regex", LLAMA3_PATTERN),
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
        doc.put("post_processor", template("<|begin_of_text|>", next));
        doc.put(
                "decoder",
                Map.of("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", true, "use_regex", true));
        doc.put("model", model);
        return doc;
    }

    /**
     * A Mistral-style SentencePiece BPE in the older layout (normalizer Prepend("▁") + Replace(" " → "▁")):
     * {@code <unk> <s> </s>}, the 256 {@code <0xNN>} byte tokens, a few letters and merges spelling "▁hello" and
     * "▁world". With byte fallback every other character becomes its UTF-8 byte tokens.
     */
    public static Map<String, Object> sentencePiece(boolean byteFallback) {
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (String t : new String[] {"<unk>", "<s>", "</s>"}) vocab.put(t, (long) vocab.size());
        for (int b = 0; b < 256; b++) vocab.put(String.format("<0x%02X>", b), (long) vocab.size());
        for (String c : new String[] {"▁", "d", "e", "h", "l", "o", "r", "w"}) vocab.put(c, (long) vocab.size());
        List<Object> merges = new ArrayList<>();
        for (String m :
                new String[] {"h e", "l l", "he ll", "hell o", "▁ hello", "▁ w", "o r", "▁w or", "l d", "▁wor ld"}) {
            // The newer file format writes merges as pairs; both must load the same.
            String[] ab = m.split(" ");
            merges.add(List.of(ab[0], ab[1]));
            vocab.put(ab[0] + ab[1], (long) vocab.size());
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", "<unk>");
        model.put("fuse_unk", true);
        model.put("byte_fallback", byteFallback);
        model.put("vocab", vocab);
        model.put("merges", merges);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", "1.0");
        doc.put("added_tokens", List.of(added(0, "<unk>", true), added(1, "<s>", true), added(2, "</s>", true)));
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
        doc.put("post_processor", template("<s>", 1));
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
        doc.put("model", model);
        return doc;
    }

    /** Turns a {@link #sentencePiece} document into the newer layout: no normalizer, a Metaspace pre-tokenizer and decoder. */
    static Map<String, Object> toMetaspaceLayout(Map<String, Object> doc, String prependScheme) {
        Map<String, Object> metaspace =
                Map.of("type", "Metaspace", "replacement", "▁", "prepend_scheme", prependScheme, "split", false);
        doc.put("normalizer", null);
        doc.put("pre_tokenizer", metaspace);
        doc.put("decoder", Map.of("type", "Sequence", "decoders", List.of(Map.of("type", "ByteFallback"), metaspace)));
        return doc;
    }

    static Map<String, Object> added(long id, String content, boolean special) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("id", id);
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", special);
        return t;
    }

    private static Map<String, Object> template(String token, long id) {
        return Map.of(
                "type",
                "TemplateProcessing",
                "single",
                List.of(
                        Map.of("SpecialToken", Map.of("id", token, "type_id", 0)),
                        Map.of("Sequence", Map.of("id", "A", "type_id", 0))),
                "pair",
                List.of(),
                "special_tokens",
                Map.of(token, Map.of("id", token, "ids", List.of(id), "tokens", List.of(token))));
    }

    /** Writes {@code doc} as dir/tokenizer.json (and {@code config}, when not null, as tokenizer_config.json). */
    public static Path write(Path dir, Map<String, Object> doc, Map<String, Object> config) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), Json.write(doc));
            if (config != null) Files.writeString(dir.resolve("tokenizer_config.json"), Json.write(config));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Tokenizer load(Path dir, Map<String, Object> doc) {
        return Tokenizer.load(write(dir, doc, null));
    }
}
