package t2j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte-level BPE as in Llama-3, on small tokenizer files the tests write themselves. */
class ByteLevelBpeTest {
    @TempDir
    Path dir;

    private static final PreTokenizer LLAMA3_SPLIT = new PreTokenizer.SplitPre(
            Pattern.compile(HfRegex.translate(SmallTokenizers.LLAMA3_PATTERN), Pattern.UNICODE_CHARACTER_CLASS),
            PreTokenizer.Behavior.ISOLATED,
            false);

    private static List<String> split(String s) {
        return LLAMA3_SPLIT.split(List.of(s), true);
    }

    @Test
    void llama3PatternSplitsWordsWithTheirLeadingSpace() {
        assertEquals(List.of("Hello", ",", " world", "!"), split("Hello, world!"));
        assertEquals(List.of("The", " quick", " brown"), split("The quick brown"));
    }

    @Test
    void llama3PatternKeepsContractionsSeparateInAnyCase() {
        assertEquals(
                List.of("I", "'m", " fine", ",", " you", "'RE", " not", ",", " it", "'S"),
                split("I'm fine, you'RE not, it'S"));
        assertEquals(List.of("they", "'ve", " we", "'ll", " I", "'d", " don", "'t"), split("they've we'll I'd don't"));
    }

    @Test
    void llama3PatternGroupsDigitsInThrees() {
        assertEquals(List.of("123", "456", "789", "0"), split("1234567890"));
        assertEquals(List.of("3", ".", "141", "59"), split("3.14159"));
        assertEquals(List.of(" ", "42"), split(" 42"));
    }

    @Test
    void llama3PatternLeavesTheLastSpaceOfARunToTheNextWord() {
        assertEquals(List.of("a", "  ", " b"), split("a   b"));
        assertEquals(List.of("end", "   "), split("end   "));
        assertEquals(List.of("x", "\n\n", "y"), split("x\n\ny"));
        assertEquals(List.of("x", "  \n", "\t", " y"), split("x  \n\t y"));
        assertEquals(List.of("code", ":\n", "   ", " return"), split("code:\n    return"));
    }

    @Test
    void llama3PatternUsesUnicodeLettersAndSpaces() {
        assertEquals(List.of("café", " naïve", " 你好", "，世界"), split("café naïve 你好，世界"));
        assertEquals(List.of("a", "\u3000b"), split("a\u3000b"));
        assertEquals(List.of("a", "\u3000", " b"), split("a\u3000 b"));
        assertEquals(List.of("a", "\u00a0b"), split("a\u00a0b"));
        assertEquals(List.of(" 👋🏽!?\n", "ok"), split(" 👋🏽!?\nok"));
    }

    @Test
    void regexTranslationNeutralisesJavaOnlySyntaxInClasses() {
        assertEquals("[\\[a-z]", HfRegex.translate("[[a-z]"));
        assertEquals("[a&\\&b]", HfRegex.translate("[a&&b]"));
        assertEquals("[^\\]x]", HfRegex.translate("[^]x]"));
        assertEquals("[0-9a-fA-F]+", HfRegex.translate("\\h+"));
        assertEquals(SmallTokenizers.LLAMA3_PATTERN, HfRegex.translate(SmallTokenizers.LLAMA3_PATTERN));
    }

    @Test
    void mergesApplyByRank() {
        Tokenizer tok = SmallTokenizers.load(dir, SmallTokenizers.byteLevel(false));
        assertEquals(List.of("hello", "Ġworld"), tokens(tok, "hello world"));
        assertEquals(List.of("hell"), tokens(tok, "hell"));
        assertEquals(List.of("he", "l"), tokens(tok, "hel"));
        assertEquals(List.of("Ġ", "hello"), tokens(tok, " hello"));
    }

    @Test
    void lowerRankedMergeWinsAndTiesGoLeftmost() {
        Map<String, Object> doc = SmallTokenizers.byteLevel(false);
        addMerges(doc, "b c", "a b");
        assertEquals(List.of("a", "bc"), tokens(SmallTokenizers.load(dir.resolve("1"), doc), "abc"));
        doc = SmallTokenizers.byteLevel(false);
        addMerges(doc, "a b", "b c");
        assertEquals(List.of("ab", "c"), tokens(SmallTokenizers.load(dir.resolve("2"), doc), "abc"));
        doc = SmallTokenizers.byteLevel(false);
        addMerges(doc, "a a");
        assertEquals(List.of("aa", "aa", "a"), tokens(SmallTokenizers.load(dir.resolve("3"), doc), "aaaaa"));
    }

    @Test
    void ignoreMergesEmitsAVocabularyPieceWhole() {
        assertEquals(
                List.of("Ġhello"),
                tokens(SmallTokenizers.load(dir.resolve("on"), SmallTokenizers.byteLevel(true)), " hello"));
        assertEquals(
                List.of("Ġ", "hello"),
                tokens(SmallTokenizers.load(dir.resolve("off"), SmallTokenizers.byteLevel(false)), " hello"));
    }

    @Test
    void specialTokensInTheTextAreMatchedBeforeBpe() {
        Tokenizer tok = SmallTokenizers.load(dir, SmallTokenizers.byteLevel(true));
        int eot = tok.id("<|eot_id|>").getAsInt();
        int[] ids = tok.encode("hello<|eot_id|> world<extra>");
        assertEquals(List.of("hello", "<|eot_id|>", "Ġworld", "<extra>"), strings(tok, ids));
        assertEquals(eot, ids[1]);
        assertFalse(
                Arrays.stream(tok.encode("<|eot_id| <eot_id|>")).anyMatch(i -> i == eot), "partial markers stay text");
        assertEquals("hello<|eot_id|> world<extra>", tok.decode(ids));
        assertEquals("hello world<extra>", tok.decode(ids, true), "only special tokens are skipped");
        assertTrue(tok.isSpecial(eot));
        assertFalse(tok.isSpecial(tok.id("<extra>").getAsInt()));
    }

    @Test
    void encodeWithSpecialsAppliesThePostProcessorTemplate() {
        Tokenizer tok = SmallTokenizers.load(dir, SmallTokenizers.byteLevel(true));
        int bos = tok.id("<|begin_of_text|>").getAsInt();
        int[] plain = tok.encode("hello");
        int[] with = tok.encodeWithSpecials("hello");
        assertEquals(plain.length + 1, with.length);
        assertEquals(bos, with[0]);
        assertArrayEquals(plain, Arrays.copyOfRange(with, 1, with.length));
        assertEquals(bos, tok.bosId().getAsInt(), "the well-known BOS is found without tokenizer_config.json");
    }

    @Test
    void anyTextRoundTripsThroughBytes() {
        Tokenizer tok = SmallTokenizers.load(dir, SmallTokenizers.byteLevel(true));
        for (String s : new String[] {
            "",
            " ",
            "hello world",
            "  tabs\tand\r\nnewlines\n\n",
            "émoji 👨‍👩‍👧 ok",
            "中文，日本語",
            "\u0000\u0001 ctrl",
            "a".repeat(1000)
        }) {
            assertEquals(s, tok.decode(tok.encode(s)), () -> "round trip of " + t2j.json.Json.write(s));
        }
        // Every byte is a token, so unknown characters never appear: an emoji becomes its 4 UTF-8 bytes.
        assertEquals(4, tok.encode("👋").length);
    }

    @Test
    void vocabularyLookups() {
        Tokenizer tok = SmallTokenizers.load(dir, SmallTokenizers.byteLevel(true));
        assertEquals(SmallTokenizers.FIRST_ADDED_ID + 3, tok.vocabSize(), "added ids above the model's count");
        assertEquals("Ġworld", tok.token(tok.id("Ġworld").getAsInt()));
        assertEquals("Ġ", tok.token(tok.id("Ġ").getAsInt()));
        assertTrue(tok.id("not-a-token").isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.token(100_000));
        assertTrue(e.getMessage().contains("100000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {-1}));
    }

    @Test
    void anUnreachableMergeIsAnErrorNamingTheMerge() {
        Map<String, Object> doc = SmallTokenizers.byteLevel(false);
        @SuppressWarnings("unchecked")
        List<Object> merges = (List<Object>) ((Map<String, Object>) doc.get("model")).get("merges");
        merges.add("x yz");
        TokenizerException e = assertThrows(TokenizerException.class, () -> SmallTokenizers.load(dir, doc));
        assertTrue(e.getMessage().contains("model.merges[9]") && e.getMessage().contains("\"yz\""), e.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static void addMerges(Map<String, Object> doc, String... merges) {
        Map<String, Object> model = (Map<String, Object>) doc.get("model");
        Map<String, Object> vocab = (Map<String, Object>) model.get("vocab");
        List<Object> list = (List<Object>) model.get("merges");
        for (String m : merges) {
            list.add(m);
            vocab.putIfAbsent(m.replace(" ", ""), (long) vocab.size());
        }
    }

    static List<String> tokens(Tokenizer tok, String text) {
        return strings(tok, tok.encode(text));
    }

    static List<String> strings(Tokenizer tok, int[] ids) {
        return Arrays.stream(ids).mapToObj(tok::token).toList();
    }
}
