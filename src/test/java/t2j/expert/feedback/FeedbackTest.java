package t2j.expert.feedback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.adapt.*;
import t2j.adapt.log.AdaptationLog;
import t2j.adapt.log.LogEntry;
import t2j.svf.Expert;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.train.TrainingConfig;
import t2j.util.Progress;

/** Feedback makes new expert versions, never overwrites one, rolls back a harmful update, and reverts exactly. */
class FeedbackTest {
    @TempDir
    Path tmp;

    private final WorldFixture f = new WorldFixture();
    private final Task hi = f.world.task("hi");
    private final List<Example> heldOut = hi.examples(Split.TEST).subList(0, 60);
    private final TrainingConfig cfg = TrainingConfig.reinforce().toBuilder()
            .iterations(12)
            .batchSize(16)
            .learningRate(5e-2)
            .maxNewTokens(2)
            .evalEvery(4, 100)
            .seed(3)
            .build();
    /** Strong enough to fit the feedback it is given, harmful or not. */
    private final TrainingConfig strong =
            cfg.toBuilder().iterations(30).learningRate(0.2).build();

    /**
     * Answers the hi requests with the hi expert. An honest user gives each answer the verifier's verdict; a harmful
     * one rejects every right answer and says nothing of the rest. (Inverting every verdict is not reliably harmful:
     * where the expert gives one answer to every request, as the world's micro model can, liked and rejected copies
     * of the same answer cancel, and the update changes nothing.)
     */
    private List<TwoPass.Answer> answerAndJudge(FeedbackLearner fl, boolean harmful) {
        List<Example> asked = hi.examples(Split.TRAIN).subList(0, 48);
        TwoPass.Run run = new TwoPass(f.ctx, Dispatcher.fixed("hi", Decision.expert("hi", "test")))
                .answerAll(asked, Progress.NONE);
        int rejected = 0;
        for (TwoPass.Answer a : run.answers()) {
            boolean ok = hi.verify(a.example(), a.completion()).correct();
            if (!harmful) fl.feedback(a, ok ? 1 : -1);
            else if (ok) {
                fl.feedback(a, -1);
                rejected++;
            }
        }
        if (harmful) assertTrue(rejected >= 8, "the fixture needs right answers to reject, got " + rejected);
        return run.answers();
    }

    private List<String> answers(List<Example> requests) {
        TwoPass.Run run = new TwoPass(f.ctx, Dispatcher.fixed("hi", Decision.expert("hi", "test")))
                .answerAll(requests, Progress.NONE);
        return run.answers().stream().map(TwoPass.Answer::completion).toList();
    }

    @Test
    void anUpdateWritesANewVersionAndLeavesTheOldFileByteIdentical() throws Exception {
        AdaptationLog log = AdaptationLog.inMemory("feedback");
        f.pool.logTo(log);
        FeedbackLearner fl = new FeedbackLearner(f.ctx, tmp, cfg);
        assertEquals(1, fl.current("hi"));
        byte[] v1 = Files.readAllBytes(fl.file("hi", 1));
        String fp1 = f.pool.fingerprint("hi");
        fl.updateEvery(48, "hi", hi, heldOut);
        answerAndJudge(fl, false); // the 48th verdict starts the update
        assertEquals(1, fl.updates().size());
        FeedbackLearner.Update u = fl.updates().get(0);
        assertEquals(48, u.feedbacks());
        assertEquals(u.after().accuracy() >= u.before().accuracy(), u.kept(), u.reason());
        assertEquals(2, u.to());
        assertArrayEquals(v1, Files.readAllBytes(fl.file("hi", 1)), "version 1 is never rewritten");
        Expert v2 = Expert.load(fl.file("hi", 2));
        assertEquals("1", v2.info().get("parent_version"));
        assertEquals("48", v2.info().get("feedback_count"));
        assertEquals(u.kept() ? "kept" : "rejected", v2.info().get("status"));
        assertEquals(
                List.of(1, 2),
                fl.versions("hi").stream().map(FeedbackLearner.Version::version).toList());
        assertEquals(u.kept() ? 2 : 1, fl.current("hi"));
        assertEquals(u.kept(), !fp1.equals(f.pool.fingerprint("hi")));
        assertTrue(fl.pending("hi").isEmpty());
        LogEntry last = log.entries().get(log.entries().size() - 1);
        assertEquals(u.kept() ? "update" : "rollback", last.purpose());
        assertTrue(last.note().contains("held-out v2 ") && last.note().contains("n=60"), last.note());
        assertEquals(f.dec.names().size(), fl.diff("hi", 1, 2).perMatrix().size());
    }

    @Test
    void aHarmfulUpdateRejectingTheRightAnswersIsRolledBackAndLogged() {
        AdaptationLog log = AdaptationLog.inMemory("feedback");
        f.pool.logTo(log);
        FeedbackLearner fl = new FeedbackLearner(f.ctx, tmp, strong);
        String before = f.pool.fingerprint("hi");
        List<String> answersBefore = answers(heldOut);
        answerAndJudge(fl, true);
        FeedbackLearner.Update u = fl.update("hi", hi, heldOut);
        assertFalse(u.kept(), u.reason());
        assertTrue(u.after().accuracy() < u.before().accuracy(), u.reason());
        assertEquals("rejected", fl.versions("hi").get(1).status());
        assertEquals(1, fl.current("hi"));
        LogEntry last = log.entries().get(log.entries().size() - 1);
        assertEquals("rollback", last.purpose());
        assertTrue(
                last.note().startsWith("rolled back: v2 falls below v1")
                        && last.note().contains("held-out"),
                last.note());
        assertEquals(before, f.pool.fingerprint("hi"));
        assertEquals(answersBefore, answers(heldOut));
    }

    @Test
    void revertRestoresAVersionsAnswersExactly() {
        FeedbackLearner fl = new FeedbackLearner(f.ctx, tmp, strong);
        List<String> v1 = answers(heldOut);
        answerAndJudge(fl, true);
        fl.update("hi", hi, heldOut);
        assertTrue(
                fl.diff("hi", 1, 2).perMatrix().values().stream().anyMatch(d -> d[1] > 0),
                "the update changed the expert");
        fl.revert("hi", 2);
        assertEquals(2, fl.current("hi"));
        List<String> v2 = answers(heldOut);
        assertFalse(v1.equals(v2));
        fl.revert("hi", 1);
        assertEquals(v1, answers(heldOut));
        fl.revert("hi", 2);
        assertEquals(v2, answers(heldOut));
        String m = assertThrows(IllegalArgumentException.class, () -> fl.revert("hi", 9))
                .getMessage();
        assertTrue(m.contains("no version 9"), m);
    }
}
