package t2j.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.adapt.log.AdaptationLog;
import t2j.adapt.log.LogEntry;
import t2j.task.Example;
import t2j.util.Progress;

/** Every answer of a logged session comes back bit for bit from its log entry read from the file. */
class ReplayTest {
    @TempDir
    Path tmp;

    @Test
    void everyLoggedAnswerIsReproducedFromItsEntry() throws Exception {
        WorldFixture f = new WorldFixture();
        Path file = tmp.resolve("session.jsonl");
        f.pool.logTo(AdaptationLog.appendingTo(file, "replay-test"));
        List<String> labels = new ArrayList<>();
        List<Example> requests = f.requests(5, labels);
        Dispatcher mixing = (req, ctx) -> Decision.mixture(Mixture.perExpert(Map.of("hi", 0.3, "mid", 0.9)), "mix");
        new TwoPass(f.ctx, f.promptDispatcher()).answerAll(requests, Progress.NONE);
        new TwoPass(f.ctx, new ClassifierDispatcher("classification", f.promptDispatcher()))
                .answerAll(requests, Progress.NONE);
        new TwoPass(f.ctx, mixing)
                .withControls(Controls.NONE.strength(0.6).layers(1))
                .answerAll(requests, Progress.NONE);
        f.pool.logTo(null);
        List<LogEntry> entries = AdaptationLog.read(file);
        int replayed = 0;
        for (LogEntry e : entries)
            for (int i = 0; i < e.answers().size(); i++) {
                assertEquals(
                        e.answers().get(i).completion(),
                        Replay.answer(e, i, f.ctx),
                        "entry " + e.seq() + " answer " + i);
                replayed++;
            }
        assertEquals(3 * requests.size(), replayed);
        assertTrue(
                entries.stream().anyMatch(e -> e.purpose().equals("dispatch")),
                "the classifier's composition is logged too");
        // An entry that names another version of an expert is refused rather than replayed with the wrong weights.
        LogEntry some = entries.stream()
                .filter(e -> !e.experts().isEmpty() && !e.answers().isEmpty())
                .findFirst()
                .orElseThrow();
        Map<String, String> other = new java.util.LinkedHashMap<>(some.experts());
        other.replaceAll((k, v) -> "0".repeat(64));
        LogEntry forged = new LogEntry(
                some.seq(),
                some.time(),
                some.session(),
                some.purpose(),
                some.alpha(),
                other,
                some.matrices(),
                some.baseFingerprint(),
                some.controls(),
                0,
                0,
                0,
                some.maxNewTokens(),
                some.answers(),
                null);
        String m = assertThrows(IllegalStateException.class, () -> Replay.answer(forged, 0, f.ctx))
                .getMessage();
        assertTrue(m.contains("fingerprint"), m);
    }
}
