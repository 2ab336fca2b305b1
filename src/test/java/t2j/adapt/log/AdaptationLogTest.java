package t2j.adapt.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdaptationLogTest {
    @TempDir
    Path tmp;

    private static LogEntry entry(String expert, double alpha, String completion) {
        Map<String, List<Double>> a = new LinkedHashMap<>();
        if (expert != null) a.put(expert, List.of(alpha));
        Map<String, Object> controls = new LinkedHashMap<>();
        controls.put("strength", 0.5);
        return new LogEntry(
                0,
                "2026-12-06T06:00:00Z",
                "s",
                "answer",
                a,
                expert == null ? Map.of() : Map.of(expert, "abc"),
                List.of("model.layers.0.mlp.up_proj.weight"),
                "fp",
                controls,
                0.01,
                0.02,
                0.03,
                16,
                List.of(new LogEntry.Answer(
                        "r1",
                        null,
                        "2+2 \"quoted\"\nline",
                        completion,
                        expert == null ? "base" : expert,
                        "why",
                        Double.NaN)),
                null);
    }

    @Test
    void entriesRoundTripThroughTheFileAndNumberingContinuesAcrossSessions() throws Exception {
        Path f = tmp.resolve("logs/a.jsonl");
        AdaptationLog log = AdaptationLog.appendingTo(f, "alice");
        log.append(entry("math", 0.1 + 0.2, "4"));
        log.append(entry(null, 0, "five"));
        List<LogEntry> back = AdaptationLog.read(f);
        assertEquals(log.entries(), back);
        assertEquals(0.1 + 0.2, back.get(0).alpha().get("math").get(0)); // doubles survive bit for bit
        assertEquals(2, Files.readAllLines(f).size());
        AdaptationLog again = AdaptationLog.appendingTo(f, "bob");
        assertEquals(3, again.append(entry("code", 1, "x")).seq());
        assertEquals(
                List.of(1L, 2L, 3L),
                AdaptationLog.read(f).stream().map(LogEntry::seq).toList());
        assertEquals(1, again.filter(AdaptationLog.composing("code")).size());
        assertEquals(3, again.filter(AdaptationLog.purpose("answer")).size());
        String table = AdaptationLog.table(again.entries());
        assertTrue(table.contains("| 3 |") && table.contains("code=1.00") && table.contains("strength 0.5"), table);
    }

    @Test
    void aLineTornByAKillIsSkippedOnReadAndCutBeforeTheNextAppend() throws Exception {
        Path f = tmp.resolve("torn.jsonl");
        AdaptationLog log = AdaptationLog.appendingTo(f, "s");
        log.append(entry("math", 1, "4"));
        log.append(entry("code", 1, "[1]"));
        String full = Files.readString(f);
        // A kill mid-write: half of a third line, no newline.
        String third = full.substring(full.indexOf('\n') + 1);
        Files.writeString(f, third.substring(0, third.length() / 2), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        List<LogEntry> back = AdaptationLog.read(f);
        assertEquals(log.entries(), back);
        AdaptationLog resumed = AdaptationLog.appendingTo(f, "s");
        resumed.append(entry("reasoning", 1, "yes"));
        List<LogEntry> all = AdaptationLog.read(f);
        assertEquals(3, all.size());
        assertEquals("reasoning", all.get(2).alpha().keySet().iterator().next());
        assertEquals(3, Files.readAllLines(f).size());
    }

    @Test
    void aDamagedCompleteLineIsAnErrorNamingFileAndLine() throws Exception {
        Path f = tmp.resolve("bad.jsonl");
        AdaptationLog.appendingTo(f, "s").append(entry("math", 1, "4"));
        Files.writeString(f, "{\"seq\": oops}\n", StandardOpenOption.APPEND);
        Files.writeString(f, Files.readAllLines(f).get(0) + "\n", StandardOpenOption.APPEND);
        String m = assertThrows(IllegalArgumentException.class, () -> AdaptationLog.read(f))
                .getMessage();
        assertTrue(m.contains("bad.jsonl") && m.contains("line 2"), m);
    }
}
