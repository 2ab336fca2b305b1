package t2j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static t2j.tokenizer.ByteLevelBpeTest.tokens;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SentencePiece-style BPE as in Mistral: '▁' for spaces, byte fallback, both file layouts. */
class SentencePieceBpeTest {
    @TempDir
    Path dir;

    private Tokenizer normalizerLayout() {
        return SmallTokenizers.load(dir.resolve("normalizer"), SmallTokenizers.sentencePiece(true));
    }

    private Tokenizer metaspaceLayout(String scheme) {
        return SmallTokenizers.load(
                dir.resolve("metaspace-" + scheme),
                SmallTokenizers.toMetaspaceLayout(SmallTokenizers.sentencePiece(true), scheme));
    }

    @Test
    void spacesBecomeMetaspaceAndAPrefixIsAdded() {
        Tokenizer tok = normalizerLayout();
        assertEquals(List.of("▁hello", "▁world"), tokens(tok, "hello world"));
        assertEquals(List.of("▁", "▁hello"), tokens(tok, " hello"), "Prepend adds a ▁ even before a space");
        assertEquals(List.of("▁hello", "▁", "▁", "▁world"), tokens(tok, "hello   world"));
    }

    @Test
    void unknownCharactersFallBackToTheirUtf8Bytes() {
        Tokenizer tok = normalizerLayout();
        assertEquals(List.of("▁", "h", "<0xC3>", "<0xA9>", "ll", "o"), tokens(tok, "héllo"));
        assertEquals(List.of("▁", "<0xF0>", "<0x9F>", "<0xA6>", "<0x99>"), tokens(tok, "🦙"));
        assertEquals("héllo 🦙 world", tok.decode(tok.encode("héllo 🦙 world")));
    }

    @Test
    void invalidUtf8ByteRunsDecodeToReplacementCharacters() {
        Tokenizer tok = normalizerLayout();
        int c3 = tok.id("<0xC3>").getAsInt(),
                h = tok.id("h").getAsInt(),
                ff = tok.id("<0xFF>").getAsInt();
        assertEquals("\uFFFDh\uFFFD\uFFFD", tok.decode(new int[] {c3, h, ff, c3}));
    }

    @Test
    void withoutByteFallbackUnknownsFuseIntoOneUnk() {
        Tokenizer tok = SmallTokenizers.load(dir, SmallTokenizers.sentencePiece(false));
        assertEquals(List.of("▁", "he", "<unk>", "o"), tokens(tok, "heé€o"));
    }

    @Test
    void encodeWithSpecialsPutsBosInFront() {
        Tokenizer tok = normalizerLayout();
        int[] ids = tok.encodeWithSpecials("hello");
        assertArrayEquals(new int[] {1, tok.id("▁hello").getAsInt()}, ids);
        assertEquals(1, tok.bosId().getAsInt());
        assertEquals(2, tok.eosId().getAsInt());
        assertEquals("<s> hello", tok.decode(ids));
        assertEquals("hello", tok.decode(ids, true));
    }

    @Test
    void specialTokensSplitTheTextAndEachPieceIsNormalized() {
        Tokenizer tok = normalizerLayout();
        assertEquals(List.of("▁hello", "</s>", "<s>", "▁world"), tokens(tok, "hello</s><s>world"));
    }

    @Test
    void metaspaceLayoutEncodesOrdinaryTextLikeTheNormalizerLayout() {
        Tokenizer older = normalizerLayout(), newer = metaspaceLayout("first");
        for (String s : new String[] {"hello world", "hello   world", "héllo 🦙 world\n", "w", "dd ee"}) {
            assertArrayEquals(older.encode(s), newer.encode(s), s);
            assertEquals(s, newer.decode(newer.encode(s)), s);
        }
    }

    @Test
    void metaspaceFirstPrependsOnlyAtTheStartOfTheText() {
        Tokenizer first = metaspaceLayout("first"),
                always = metaspaceLayout("always"),
                never = metaspaceLayout("never");
        assertEquals(List.of("▁hello"), tokens(first, " hello"), "a leading space is the ▁ itself, not an extra one");
        assertEquals(List.of("<s>", "hello"), tokens(first, "<s>hello"));
        assertEquals(List.of("<s>", "▁hello"), tokens(always, "<s>hello"));
        assertEquals(List.of("hello", "▁world"), tokens(never, "hello world"));
    }

    /** Encoding cuts long text before each word's ▁ for speed; a vocabulary with a token across that point must disable it. */
    @Test
    @SuppressWarnings("unchecked")
    void aTokenSpanningAWordBoundaryIsStillFound() {
        Map<String, Object> doc = SmallTokenizers.sentencePiece(true);
        Map<String, Object> model = (Map<String, Object>) doc.get("model");
        ((Map<String, Object>) model.get("vocab")).put("o▁w", 500L);
        ((List<Object>) model.get("merges")).add(0, List.of("o", "▁w"));
        assertEquals(List.of("▁", "o▁w", "or", "ld"), tokens(SmallTokenizers.load(dir, doc), "o world"));
    }

    @Test
    void legacyMetaspaceWithAddPrefixSpaceLoads() {
        Map<String, Object> doc = SmallTokenizers.sentencePiece(true);
        doc.put("normalizer", null);
        doc.put("pre_tokenizer", Map.of("type", "Metaspace", "replacement", "▁", "add_prefix_space", true));
        assertEquals(List.of("▁hello", "▁world"), tokens(SmallTokenizers.load(dir, doc), "hello world"));
    }
}
