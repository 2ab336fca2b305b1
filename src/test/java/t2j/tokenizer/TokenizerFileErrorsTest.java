package t2j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files this tokenizer cannot use fail with a message naming the file, the field and what was found. */
class TokenizerFileErrorsTest {
    @TempDir
    Path dir;

    private String failure(Consumer<Map<String, Object>> edit) {
        Map<String, Object> doc = SmallTokenizers.sentencePiece(true);
        edit.accept(doc);
        Path d = SmallTokenizers.write(dir, doc, null);
        return assertThrows(TokenizerException.class, () -> Tokenizer.load(d)).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), () -> "'" + p + "' missing from: " + message);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> model(Map<String, Object> doc) {
        return (Map<String, Object>) doc.get("model");
    }

    @Test
    void otherModelTypes() {
        String m = failure(d -> model(d).put("type", "Unigram"));
        assertMentions(m, "tokenizer.json", "'model.type'", "\"Unigram\"", "only BPE");
    }

    @Test
    void unknownNormalizerInsideASequence() {
        String m = failure(d -> d.put(
                "normalizer",
                Map.of(
                        "type",
                        "Sequence",
                        "normalizers",
                        List.of(Map.of("type", "Prepend", "prepend", "▁"), Map.of("type", "BertNormalizer")))));
        assertMentions(m, "tokenizer.json", "'normalizer.normalizers[1].type'", "\"BertNormalizer\"");
    }

    @Test
    void unknownPreTokenizerDecoderAndPostProcessor() {
        assertMentions(
                failure(d -> d.put("pre_tokenizer", Map.of("type", "Whitespace"))),
                "'pre_tokenizer.type'",
                "\"Whitespace\"");
        assertMentions(failure(d -> d.put("decoder", Map.of("type", "CTC"))), "'decoder.type'", "\"CTC\"");
        assertMentions(
                failure(d -> d.put("post_processor", Map.of("type", "Magic"))), "'post_processor.type'", "\"Magic\"");
    }

    @Test
    void wrongTypesAndMissingFields() {
        assertMentions(
                failure(d -> model(d).put("byte_fallback", "yes")),
                "'model.byte_fallback'",
                "expected true or false",
                "\"yes\"");
        assertMentions(failure(d -> model(d).remove("vocab")), "'model.vocab'", "missing");
        assertMentions(
                failure(d -> d.put(
                        "pre_tokenizer",
                        Map.of("type", "Split", "pattern", Map.of("Regex", "(unclosed"), "behavior", "Isolated"))),
                "'pre_tokenizer.pattern.Regex'",
                "(unclosed");
        assertMentions(
                failure(d -> d.put(
                        "pre_tokenizer",
                        Map.of("type", "Split", "pattern", Map.of("Regex", "a"), "behavior", "Sideways"))),
                "'pre_tokenizer.behavior'",
                "\"Sideways\"");
        assertMentions(failure(d -> model(d).put("dropout", 0.1)), "'model.dropout'", "0.1");
        assertMentions(failure(d -> model(d).put("unk_token", "<nope>")), "'model.unk_token'", "<nope>");
    }

    @Test
    void malformedJsonNamesTheFileAndPosition() throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\",\n  \"vocab\": {\"a\": 0,}}}");
        String m = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir))
                .getMessage();
        assertMentions(m, dir.resolve("tokenizer.json").toString(), "line 2");
    }

    @Test
    void malformedConfigNamesTheConfigFile() throws IOException {
        SmallTokenizers.write(dir, SmallTokenizers.sentencePiece(true), null);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": 5}");
        assertMentions(
                assertThrows(TokenizerException.class, () -> Tokenizer.load(dir))
                        .getMessage(),
                "tokenizer_config.json",
                "'bos_token'",
                "5");
        Files.writeString(dir.resolve("tokenizer_config.json"), "[1, 2");
        assertMentions(
                assertThrows(TokenizerException.class, () -> Tokenizer.load(dir))
                        .getMessage(),
                "tokenizer_config.json");
    }

    @Test
    void missingFolderOrFile() {
        assertMentions(
                assertThrows(TokenizerException.class, () -> Tokenizer.load(dir.resolve("absent")))
                        .getMessage(),
                "absent",
                "tokenizer.json",
                "no such file");
    }

    @Test
    void configSuppliesTokensAndTemplate() {
        SmallTokenizers.write(
                dir,
                SmallTokenizers.sentencePiece(true),
                Map.of(
                        "bos_token",
                        Map.of("__type", "AddedToken", "content", "<s>"),
                        "eos_token",
                        "</s>",
                        "chat_template",
                        List.of(
                                Map.of("name", "tool_use", "template", "x"),
                                Map.of("name", "default", "template", "{{ bos_token }}"))));
        Tokenizer tok = Tokenizer.load(dir.resolve("tokenizer.json"));
        assertTrue(tok.bosId().getAsInt() == 1 && tok.eosId().getAsInt() == 2);
        assertTrue(tok.chatTemplate().orElseThrow().equals("{{ bos_token }}"));
    }
}
