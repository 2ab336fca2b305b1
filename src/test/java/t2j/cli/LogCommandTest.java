package t2j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.adapt.log.AdaptationLog;
import t2j.adapt.log.LogEntry;

/** {@code t2j log} shows and filters a log file, torn last line and all; {@code t2j feedback} explains bad input. */
class LogCommandTest {
    @TempDir
    Path tmp;

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {
            Integer.toString(rc), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)
        };
    }

    private static LogEntry entry(String expert, String purpose, String note) {
        return new LogEntry(
                0,
                "2026-12-06T06:00:00Z",
                "s",
                purpose,
                Map.of(expert, List.of(1.0)),
                Map.of(expert, "ab"),
                List.of("m"),
                "fp",
                null,
                0.001,
                0,
                0.002,
                8,
                List.of(),
                note);
    }

    @Test
    void showsAndFiltersALogFileSkippingATornLastLine() throws Exception {
        Path f = tmp.resolve("s.jsonl");
        AdaptationLog log = AdaptationLog.appendingTo(f, "s");
        log.append(entry("math", "answer", null));
        log.append(entry("code", "answer", null));
        log.append(entry("math", "rollback", "rolled back: v3 falls below v2"));
        Files.writeString(f, "{\"seq\":4,\"ti", StandardOpenOption.APPEND);
        String[] all = run("log", f.toString());
        assertEquals("0", all[0], all[2]);
        assertTrue(all[1].contains("3 of 3 entries") && all[1].contains("code=1.00"), all[1]);
        assertTrue(all[1].contains("#3 rollback: rolled back: v3 falls below v2"), all[1]);
        String[] math = run("log", f.toString(), "--expert", "math", "--purpose", "answer");
        assertTrue(math[1].contains("1 of 3 entries") && !math[1].contains("code=1.00"), math[1]);
        String[] help = run("log", "--help");
        assertTrue(help[1].contains("usage: t2j log FILE"), help[1]);
        String[] missing = run("log", tmp.resolve("nope.jsonl").toString());
        assertTrue(!missing[0].equals("0") && (missing[1] + missing[2]).contains("nope.jsonl"), missing[2]);
    }

    @Test
    void feedbackNamesAMissingFeedbackFile() {
        String[] r = run(
                "feedback",
                "--model",
                "x",
                "--expert",
                "math",
                "--feedback",
                tmp.resolve("none.jsonl").toString(),
                "--versions",
                tmp.toString(),
                "--task",
                "math");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("file not found") && r[2].contains("none.jsonl"), r[2]);
    }
}
