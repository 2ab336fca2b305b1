package t2j.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import t2j.adapt.Decision;
import t2j.adapt.Dispatcher;
import t2j.stats.PairedDifference;
import t2j.task.Example;
import t2j.task.Split;
import tech.tablesaw.api.Table;

/** Statistics carried by Study and Comparison, several custom dispatchers in one study, and the early check of a dispatcher. */
class StudyEvidenceTest {
    static Model llama;
    static Transformer2 t2;

    @BeforeAll
    static void load() {
        llama = Model.bundled("tiny-llama");
        t2 = Transformer2.of(llama, llama.experts());
    }

    /** Routes by the task family the request's id names: a perfect router for math-hard and code-hard. */
    static Dispatcher byId() {
        return (req, ctx) -> req.id().contains("code")
                ? Decision.expert("code", "id says code")
                : Decision.expert("math", "id says math");
    }

    @Test
    void severalCustomDispatchersRunInOneStudyEachTestedAgainstBase() {
        Study s = t2.compare(
                List.of("math-hard", "code-hard"),
                12,
                Strategies.of(Strategy.ORACLE).plus("by-id", byId()).plus("always-code", Dispatchers.always("code")));
        assertEquals(List.of("math-hard", "code-hard"), s.tasks());
        assertTrue(
                s.columns().containsAll(List.of("base", "oracle", "by-id", "always-code")),
                s.columns().toString());
        assertEquals(12, s.routing("by-id").total() / 2, "routing recorded for each custom column");
        assertEquals(12, s.routing("always-code").count("math", "code"));
        // every column but base carries a paired test against base, per task and pooled
        List<Effect> effects = s.effects();
        assertEquals((s.columns().size() - 1) * 3, effects.size());
        for (Effect e : effects) {
            PairedDifference direct =
                    PairedDifference.of(outcomes(s, e.task(), e.column()), outcomes(s, e.task(), "base"));
            assertEquals(direct.delta(), e.delta(), 1e-12);
            assertEquals(direct.p(), e.p(), 1e-12);
            assertEquals(
                    direct.significant()
                            ? (direct.delta() > 0 ? Effect.Verdict.BETTER : Effect.Verdict.WORSE)
                            : Effect.Verdict.WITHIN_NOISE,
                    e.verdict());
            assertTrue(e.sentence().contains(e.verdict().verb()), e.sentence());
        }
        // a perfect router answers exactly like the oracle
        Effect same = s.effect(Study.ALL, "by-id", "oracle");
        assertEquals(0, same.delta(), 1e-12);
        assertEquals(Effect.Verdict.WITHIN_NOISE, same.verdict());
        assertTrue(same.sentence().contains("is within noise of oracle"), same.sentence());
        // the rendering shows intervals and the noise marks
        String html = (String) s.mimeBundle().get("text/html");
        assertTrue(
                html.contains("95 % interval") && html.contains("McNemar") && html.contains("≈"),
                "intervals and marks are rendered");
        Table ranked = s.rank(Study.ALL);
        assertEquals(s.columns().size() - 1, ranked.rowCount());
        double first = Double.parseDouble(
                ranked.stringColumn("accuracy % [95 %]").get(0).split(" ")[0]);
        double last = Double.parseDouble(ranked.stringColumn("accuracy % [95 %]")
                .get(ranked.rowCount() - 1)
                .split(" ")[0]);
        assertTrue(first >= last, "ranked from most to least accurate");
    }

    static boolean[] outcomes(Study s, String task, String column) {
        if (!task.equals(Study.ALL))
            return s.report().accuracy().cell(task, column).orElseThrow().outcomes();
        boolean[] a = s.report()
                .accuracy()
                .cell(s.tasks().get(0), column)
                .orElseThrow()
                .outcomes();
        boolean[] b = s.report()
                .accuracy()
                .cell(s.tasks().get(1), column)
                .orElseThrow()
                .outcomes();
        boolean[] out = new boolean[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aTypoInAnExpertNameFailsOnTheFirstRequestBeforeAnyBuiltInColumnRuns() {
        AtomicInteger calls = new AtomicInteger();
        Dispatcher typo = (req, ctx) -> {
            calls.incrementAndGet();
            return Decision.expert("cod", "typo");
        };
        long t0 = System.nanoTime();
        Dispatchers.DispatcherException e = assertThrows(
                Dispatchers.DispatcherException.class,
                () -> t2.compare(
                        List.of("math-hard", "code-hard", "mixed-hard"),
                        300,
                        Strategies.all().plus("typo", typo)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(1, calls.get(), "one decision, on the first request, then the failure");
        Example first = Model.request("math-hard", 0);
        assertTrue(
                e.getMessage().contains("'typo'")
                        && e.getMessage().contains("'cod'")
                        && e.getMessage().contains(first.id())
                        && e.getMessage().contains("the experts are"),
                e.getMessage());
        assertTrue(seconds < 5, "failed before the built-in columns (300 requests × 3 tasks) ran: " + seconds + " s");
    }

    @Test
    void anExceptionInADispatcherNamesTheColumnAndTheRequest() {
        Example third = Model.request("code-hard", 2);
        Dispatcher picky = (req, ctx) -> {
            if (req.id().equals(third.id())) throw new IllegalStateException("cannot parse this one");
            return Decision.expert("code", "fine");
        };
        Dispatchers.DispatcherException e = assertThrows(
                Dispatchers.DispatcherException.class,
                () -> t2.compare(List.of("code-hard"), 4, Strategies.of().plus("picky", picky)));
        assertTrue(
                e.getMessage().contains("'picky'")
                        && e.getMessage().contains(third.id())
                        && e.getMessage().contains("cannot parse this one"),
                e.getMessage());
        // a batched dispatcher that returns too few decisions is named too
        Dispatcher short1 = Dispatchers.batch("short", reqs -> List.of(Decision.expert("code", "one")));
        Dispatchers.DispatcherException e2 = assertThrows(
                Dispatchers.DispatcherException.class,
                () -> t2.compare(List.of("code-hard"), 4, Strategies.of().plus(short1)));
        assertTrue(
                e2.getMessage().contains("'short'") && e2.getMessage().contains("1 decisions for 4 requests"),
                e2.getMessage());
    }

    @Test
    void lineupsRefuseClashingNamesAndAlwaysIncludeBase() {
        assertEquals(Strategy.BASE, Strategies.of(Strategy.ORACLE).builtIns().get(0));
        assertThrows(IllegalArgumentException.class, () -> Strategies.of().plus("oracle", byId()));
        assertThrows(
                IllegalArgumentException.class,
                () -> Strategies.of().plus("x", byId()).plus("x", byId()));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> t2.compare(List.of("math-hard"), 2, Strategies.of().plus("math", byId())));
        assertTrue(e.getMessage().contains("expert's name"), e.getMessage());
    }

    @Test
    void theIthRequestAndScoresUnderEachExpert() {
        assertEquals(Model.task("mixed-hard").examples(Split.TEST).get(5), Model.request("mixed-hard", 5));
        assertEquals(7, Model.requests("code-hard", 7).size());
        assertThrows(IllegalArgumentException.class, () -> Model.request("code-hard", 300));
        String before = llama.transformer().weights().fingerprint();
        List<Example> reqs = Model.requests("mixed-hard", 6);
        ExpertScores sc = t2.score(reqs);
        assertEquals(before, llama.transformer().weights().fingerprint(), "base weights again after scoring");
        assertEquals(t2.categories(), sc.experts());
        for (int i = 0; i < reqs.size(); i++) {
            assertTrue(sc.experts().contains(sc.best(i)));
            assertTrue(sc.margin(i) >= 0);
            double sum = sc.softmax(i, 0.1).values().stream()
                    .mapToDouble(Double::doubleValue)
                    .sum();
            assertEquals(1, sum, 1e-9);
            assertTrue(sc.base()[i] < 0 && Double.isFinite(sc.base()[i]));
        }
        // a likelihood dispatcher in one line, usable in a study
        Dispatcher likelihood = Dispatchers.batch("likelihood", r -> t2.score(r).bestDecisions());
        Study s = t2.compare(List.of("mixed-hard"), 6, Strategies.of().plus(likelihood));
        assertEquals(6, s.routing("likelihood").total());
    }

    @Test
    void comparisonsOfExpertsAndScoresCarryPairedTests() {
        Comparison c = llama.experts().only("math", "code").compare(List.of("code-hard"), 10);
        assertEquals("base", c.baseline());
        Effect code = c.effect("code-hard", "code");
        assertEquals(c.accuracy("code-hard", "code") - c.accuracy("code-hard", "base"), code.delta(), 1e-12);
        String html = (String) c.mimeBundle().get("text/html");
        assertTrue(html.contains("points vs base") && html.contains("95 %"), "differences table rendered");
        Score base = llama.evaluate("code-hard", 10);
        Score expert = Transformer2.of(llama, llama.experts())
                .by(Dispatchers.always("code"))
                .evaluate("code-hard", 10);
        Effect e = expert.versus(base);
        assertEquals(code.delta(), e.delta(), 1e-12, "the same requests, the same answers, the same test");
        assertEquals(Map.of().size(), 0);
    }
}
