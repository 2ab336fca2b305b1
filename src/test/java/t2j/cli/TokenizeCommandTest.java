package t2j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.json.Json;
import t2j.tokenizer.SmallTokenizers;
import t2j.tokenizer.Tokenizer;

/** {@code t2j tokenize}: ids as a JSON array, help, and clear failures. */
class TokenizeCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int run(String... args) {
        return TokenizeCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsTheIdsWithNothingAdded() {
        Path tokDir = SmallTokenizers.write(dir, SmallTokenizers.sentencePiece(true), null);
        Tokenizer tok = Tokenizer.load(tokDir);
        assertEquals(0, run("--tokenizer", tokDir.toString(), "--text", "hello world</s>"));
        assertEquals(Json.write(tok.encode("hello world</s>")) + "\n", out());
        assertTrue(out().startsWith("[" + tok.id("▁hello").getAsInt() + ","), out());
    }

    @Test
    void optionsForSpecialsTokensAndFiles() throws Exception {
        Path tokDir = SmallTokenizers.write(dir, SmallTokenizers.sentencePiece(true), null);
        Path text = Files.writeString(dir.resolve("in.txt"), "hello");
        assertEquals(
                0,
                run(
                        "--tokenizer",
                        tokDir.resolve("tokenizer.json").toString(),
                        "--file",
                        text.toString(),
                        "--with-specials",
                        "--tokens"));
        assertEquals("[\"<s>\",\"▁hello\"]\n", out());
    }

    @Test
    void helpAndUsageErrors() {
        assertEquals(0, run("--help"));
        assertTrue(out().contains("--tokenizer DIR") && out().contains("--text TEXT"), out());
        assertEquals(2, run("--text", "x"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing --tokenizer"));
        assertEquals(2, run("--tokenizer", "d", "--text", "x", "--bogus"));
        assertEquals(2, run("--tokenizer", "d"));
    }

    @Test
    void badTokenizerFolderIsReportedNotThrown() {
        assertEquals(1, run("--tokenizer", dir.resolve("none").toString(), "--text", "x"));
        assertTrue(
                err.toString(StandardCharsets.UTF_8).contains("tokenizer.json"), err.toString(StandardCharsets.UTF_8));
    }
}
