package t2j.adapt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import t2j.adapt.log.AdaptationLog;
import t2j.adapt.log.LogEntry;
import t2j.task.Example;
import t2j.util.Progress;

/** The user's controls act on decisions and compositions, and each shows in the log. */
class ControlsTest {
    private final WorldFixture f = new WorldFixture();
    private final List<String> labels = new ArrayList<>();
    private final List<Example> requests = f.requests(4, labels);

    @Test
    void noControlsChangeNothingBitForBit() {
        TwoPass.Run plain = new TwoPass(f.ctx, f.promptDispatcher()).answerAll(requests, Progress.NONE);
        TwoPass.Run none = new TwoPass(f.ctx, f.promptDispatcher())
                .withControls(Controls.NONE)
                .answerAll(requests, Progress.NONE);
        for (int i = 0; i < requests.size(); i++) {
            assertEquals(
                    plain.answers().get(i).completion(), none.answers().get(i).completion());
            assertEquals(
                    plain.answers().get(i).decision(), none.answers().get(i).decision());
        }
        Map<String, float[]> masks = f.pool.masks(Mixture.of("hi"));
        assertTrue(masks == Controls.NONE.shape(masks));
    }

    @Test
    void aForbiddenExpertIsNeverComposedAndTheLogSaysSo() {
        AdaptationLog log = AdaptationLog.inMemory("test");
        f.pool.logTo(log);
        Dispatcher mixing = (req, ctx) -> Decision.mixture(Mixture.perExpert(Map.of("hi", 0.5, "lo", 0.5)), "both");
        Controls c = Controls.NONE.forbid("hi");
        TwoPass.Run run =
                new TwoPass(f.ctx, f.promptDispatcher()).withControls(c).answerAll(requests, Progress.NONE);
        TwoPass.Run mixed = new TwoPass(f.ctx, mixing).withControls(c).answerAll(requests, Progress.NONE);
        // Even a scope asked directly for the forbidden expert under these controls leaves it out.
        String base = f.model.weights().fingerprint();
        try (Scope s = f.pool.use()) {
            s.compose(Mixture.of("hi"), c, "direct");
            assertEquals(base, f.model.weights().fingerprint());
        }
        for (TwoPass.Answer a : run.answers())
            assertFalse(
                    a.decision().mixture().alpha().containsKey("hi"),
                    a.decision().toString());
        assertTrue(labels.contains("hi"));
        assertTrue(run.answers().stream().anyMatch(a -> a.decision().reason().contains("forbidden by the user: hi")));
        for (TwoPass.Answer a : mixed.answers())
            assertEquals(Mixture.perExpert(Map.of("lo", 0.5)), a.decision().mixture());
        assertFalse(log.entries().isEmpty());
        for (LogEntry e : log.entries()) {
            assertFalse(e.alpha().containsKey("hi"), e.toString());
            assertFalse(e.experts().containsKey("hi"), e.toString());
            assertEquals(List.of("hi"), e.controls().get("forbid"));
        }
    }

    @Test
    void aCappedStrengthKeepsEveryMaskWithinTheCapAndShowsInTheLog() {
        Controls c = Controls.NONE.strength(0.25);
        Map<String, float[]> full = f.pool.masks(Mixture.perExpert(Map.of("hi", 1.0, "mid", 0.7)));
        Map<String, float[]> capped = c.shape(full);
        assertEquals(full.keySet(), capped.keySet());
        boolean moved = false;
        for (String n : full.keySet())
            for (int i = 0; i < full.get(n).length; i++) {
                float m = full.get(n)[i], k = capped.get(n)[i];
                assertTrue(Math.abs(k - 1f) <= 0.25f * Math.abs(m - 1f) + 1e-6f, n + "[" + i + "]: " + m + " → " + k);
                assertTrue((k - 1f) * (m - 1f) >= 0, "same side of 1");
                moved |= m != 1f;
            }
        assertTrue(moved);
        // Strength 0 is the base weights exactly.
        String base = f.model.weights().fingerprint();
        AdaptationLog log = AdaptationLog.inMemory("test");
        f.pool.logTo(log);
        try (Scope s = f.pool.use()) {
            s.compose(Mixture.of("hi"), Controls.NONE.strength(0), "test");
            float[][] zero = f.model.logits(new int[] {1, 2, 3});
            s.compose(Mixture.BASE);
            assertArrayEquals(f.model.logits(new int[] {1, 2, 3})[2], zero[2], 1e-5f);
            s.compose(Mixture.of("hi"), c, "test");
            assertNotEquals(base, f.model.weights().fingerprint());
        }
        assertEquals(0.25, ((Number) log.entries().get(2).controls().get("strength")).doubleValue());
    }

    @Test
    void aRestrictedScopeTouchesOnlyTheChosenLayersAndKinds() {
        Controls c = Controls.NONE.layers(0).kinds("up_proj");
        List<String> inScope = f.dec.names().stream().filter(c::inScope).toList();
        assertEquals(1, inScope.size(), f.dec.names().toString());
        assertTrue(inScope.get(0).contains("layers.0.") && inScope.get(0).contains("up_proj"));
        Map<String, float[]> before = new java.util.LinkedHashMap<>();
        for (String n : f.dec.names()) before.put(n, f.model.weights().matrix(n).toArray());
        AdaptationLog log = AdaptationLog.inMemory("test");
        f.pool.logTo(log);
        try (Scope s = f.pool.use()) {
            s.compose(Mixture.of("hi"), c, "test");
            for (String n : f.dec.names()) {
                boolean same = java.util.Arrays.equals(
                        before.get(n), f.model.weights().matrix(n).toArray());
                assertEquals(!inScope.contains(n), same, n);
            }
        }
        assertEquals(inScope, log.entries().get(0).matrices());
    }

    @Test
    void pinAndConfidenceFallbackOverrideAndExplainPassOne() {
        TwoPass.Run pinned = new TwoPass(f.ctx, f.promptDispatcher())
                .withControls(Controls.NONE.pin("lo"))
                .answerAll(requests, Progress.NONE);
        for (TwoPass.Answer a : pinned.answers()) {
            assertEquals(Mixture.of("lo"), a.decision().mixture());
            assertTrue(
                    a.decision().reason().startsWith("pinned by the user (pass 1: "),
                    a.decision().reason());
        }
        String m = assertThrows(
                        IllegalStateException.class,
                        () -> new TwoPass(f.ctx, f.promptDispatcher())
                                .withControls(Controls.NONE.fallback(0.5, "base"))
                                .answerAll(requests, Progress.NONE))
                .getMessage();
        assertTrue(m.contains("withConfidence"), m);
        PromptDispatcher sure = f.promptDispatcher().withConfidence();
        TwoPass.Run scored = new TwoPass(f.ctx, sure).answerAll(requests, Progress.NONE);
        double[] conf = scored.answers().stream()
                .mapToDouble(a -> a.decision().confidence())
                .toArray();
        for (double p : conf) assertTrue(p >= 0 && p <= 1, "confidence " + p);
        double cut = java.util.Arrays.stream(conf).sorted().toArray()[conf.length / 2];
        TwoPass.Run fallback = new TwoPass(f.ctx, sure)
                .withControls(Controls.NONE.fallback(cut, "mid"))
                .answerAll(requests, Progress.NONE);
        int fell = 0;
        for (int i = 0; i < conf.length; i++) {
            Decision d = fallback.answers().get(i).decision();
            if (conf[i] < cut) {
                fell++;
                assertEquals(Mixture.of("mid"), d.mixture());
                assertTrue(d.reason().contains("unsure"), d.reason());
            } else assertEquals(scored.answers().get(i).decision(), d);
        }
        assertTrue(fell > 0);
        assertThrows(
                IllegalArgumentException.class, () -> Controls.NONE.forbid("hi").pin("hi"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new TwoPass(f.ctx, sure).withControls(Controls.NONE.forbid("nope")));
        assertThrows(IllegalArgumentException.class, () -> Controls.NONE.strength(1.5));
    }
}
