package t2j.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import t2j.task.Example;
import t2j.util.Progress;

class TwoPassTest {
    private final WorldFixture f = new WorldFixture();
    private final String baseFingerprint = f.model.weights().fingerprint();

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    /** Routes by position: hi, lo, other, hi, lo, other, ... */
    private final Dispatcher rotating = (req, ctx) -> {
        int i = Integer.parseInt(req.id().replaceAll("\\D", "")) % 3;
        return i == 0 ? Decision.expert("hi", "rule") : i == 1 ? Decision.expert("lo", "rule") : Decision.other("rule");
    };

    private List<Example> requests() {
        List<Example> out = new ArrayList<>();
        List<Example> src = f.world.task("mid").examples(t2j.task.Split.TEST);
        for (int i = 0; i < 12; i++)
            out.add(new Example(
                    "r" + i,
                    null,
                    src.get(i).prompt(),
                    src.get(i).answer(),
                    src.get(i).reference()));
        return out;
    }

    @Test
    void groupsByDecisionComposesOncePerGroupAndMatchesEachExpertAppliedDirectly() {
        List<Example> reqs = requests();
        TwoPass.Run run = new TwoPass(f.ctx, rotating).answerAll(reqs, Progress.NONE);
        assertEquals(baseFingerprint, f.model.weights().fingerprint(), "base weights after answering");
        assertEquals(3, run.compositions());
        assertEquals(reqs.size(), run.answers().size());
        for (String label : new String[] {"hi", "lo", Decision.OTHER}) {
            List<Example> group = new ArrayList<>();
            List<String> got = new ArrayList<>();
            for (TwoPass.Answer a : run.answers())
                if (a.decision().label().equals(label)) {
                    group.add(a.example());
                    got.add(a.completion());
                }
            assertEquals(4, group.size());
            assertEquals(f.completeWith(label.equals(Decision.OTHER) ? null : label, group, 2), got, label);
        }
        for (int i = 0; i < reqs.size(); i++)
            assertEquals(reqs.get(i), run.answers().get(i).example(), "answers keep request order");
        TwoPass.Timing t = run.timing();
        assertTrue(t.pass1Seconds() >= 0 && t.composeSeconds() > 0 && t.pass2Seconds() > 0, t.toString());
    }

    @Test
    void aSingleAnswerCarriesItsDecisionAndTimingAndRestoresTheBase() {
        TwoPass.Answer a = new TwoPass(f.ctx, f.promptDispatcher())
                .answer(f.world.task("lo").examples(t2j.task.Split.TEST).get(0));
        assertEquals("lo", a.decision().label());
        assertEquals(f.completeWith("lo", List.of(a.example()), 2).get(0), a.completion());
        assertTrue(a.timing().pass1Seconds() > 0 && a.timing().pass2Seconds() > 0);
        assertTrue(a.timing().overhead() > 0 && a.timing().overhead() < 1);
        assertEquals(baseFingerprint, f.model.weights().fingerprint());
    }

    @Test
    void anInterruptDuringThePassesLeavesTheBaseWeights() {
        // Interrupted after the first group's weights were composed and used.
        Progress interrupting = (what, done, total) -> Thread.currentThread().interrupt();
        assertThrows(
                CancellationException.class, () -> new TwoPass(f.ctx, rotating).answerAll(requests(), interrupting));
        Thread.interrupted();
        assertEquals(baseFingerprint, f.model.weights().fingerprint());
        // Interrupted inside a dispatcher that changes the weights in a scope of its own.
        Dispatcher scoped = new Dispatcher() {
            @Override
            public Decision decide(Example request, AdaptContext ctx) {
                try (Scope s = ctx.pool().use(Mixture.of("mid"))) {
                    Thread.currentThread().interrupt();
                    Progress.checkInterrupted("test dispatcher");
                    return Decision.expert("hi", "scoped");
                }
            }
        };
        assertThrows(
                CancellationException.class, () -> new TwoPass(f.ctx, scoped).answerAll(requests(), Progress.NONE));
        Thread.interrupted();
        assertEquals(baseFingerprint, f.model.weights().fingerprint());
        // A dispatcher that forgets to close its scope: the second pass refuses to run on its weights, naming where
        // the open scope came from, instead of answering with the leaked expert.
        Scope[] leaked = new Scope[1];
        Dispatcher leaking = (request, ctx) -> {
            if (leaked[0] == null) leaked[0] = ctx.pool().use(Mixture.of("mid"));
            return Decision.expert("hi", "leaks");
        };
        String m = assertThrows(
                        IllegalStateException.class,
                        () -> new TwoPass(f.ctx, leaking).answerAll(requests(), Progress.NONE))
                .getMessage();
        assertTrue(m.contains("already open") && m.contains("TwoPassTest"), m);
        leaked[0].close();
        assertEquals(baseFingerprint, f.model.weights().fingerprint());
        // And a classifier dispatcher interrupted while its expert is applied.
        Thread.currentThread().interrupt();
        assertThrows(
                CancellationException.class,
                () -> new ClassifierDispatcher("classification", f.promptDispatcher()).decideAll(requests(), f.ctx));
        Thread.interrupted();
        assertEquals(baseFingerprint, f.model.weights().fingerprint());
    }

    @Test
    void aDispatcherThatReturnsTheWrongCountIsReported() {
        Dispatcher broken = new Dispatcher() {
            @Override
            public Decision decide(Example request, AdaptContext ctx) {
                return Decision.base("x");
            }

            @Override
            public List<Decision> decideAll(List<Example> requests, AdaptContext ctx) {
                return List.of();
            }
        };
        String m = assertThrows(
                        IllegalStateException.class,
                        () -> new TwoPass(f.ctx, broken).answerAll(requests(), Progress.NONE))
                .getMessage();
        assertTrue(m.contains("0 decisions for 12 requests"), m);
    }
}
