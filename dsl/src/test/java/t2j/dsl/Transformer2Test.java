package t2j.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.adapt.AdaptationStudy;
import t2j.adapt.ConfusionMatrix;
import t2j.adapt.Decision;
import t2j.adapt.Dispatcher;
import t2j.adapt.FewShotCem;
import t2j.adapt.Transfer;
import t2j.expert.feedback.Feedback;
import t2j.expert.feedback.FeedbackLearner;
import t2j.task.Example;
import t2j.train.TrainingConfig;

class Transformer2Test {
    static Model llama, mistral;
    static Experts experts;

    @BeforeAll
    static void load() {
        llama = Model.bundled("tiny-llama");
        mistral = Model.bundled("tiny-mistral");
        experts = llama.experts();
    }

    @Test
    void aVerdictOnAReplyIsCreditedToTheExpertThatAnsweredIt(@TempDir Path dir) {
        Transformer2 t2 =
                Transformer2.of(llama, experts).by("always math", (req, ctx) -> Decision.expert("math", "fixed"));
        FeedbackLearner fl = new FeedbackLearner(t2.context(), dir, TrainingConfig.reinforce());
        Example request = Model.request("math-hard", 0);
        Reply r = t2.answer(request);
        t2.feedback(r, -1, fl);
        List<Feedback> pending = fl.pending("math");
        assertEquals(1, pending.size());
        Feedback f = pending.get(0);
        assertEquals(request.id(), f.id());
        assertEquals(request.system(), f.system());
        assertEquals(request.prompt(), f.prompt());
        assertEquals(r.text(), f.completion());
        assertEquals(-1, f.reward());
        assertThrows(IllegalArgumentException.class, () -> t2.feedback(llama.ask("2+2?", 4), 1, fl));
    }

    @Test
    void aDispatcherWrittenAsALambdaDecidesPassOne() {
        Dispatcher byWord = (req, ctx) -> req.prompt().toLowerCase().contains("how many")
                ? Decision.expert("math", "asks how many")
                : Decision.other("no cue");
        Transformer2 t2 = Transformer2.of(llama, experts).by("keywords", byWord);
        String before = llama.transformer().weights().fingerprint();
        Reply r = t2.answer("Sam has 3 apples and buys 4 more. How many apples does Sam have?");
        assertEquals("math", r.decision().label());
        assertEquals("asks how many", r.decision().reason());
        assertEquals("other", t2.answer("Which is larger, 3 or 4?").decision().label());
        assertEquals(before, llama.transformer().weights().fingerprint());
        assertTrue(((String) r.mimeBundle().get("text/html")).contains("pass 1"));
    }

    @Test
    void aCustomDispatcherIsComparedBesideTheBuiltIns() {
        // Routes by the true category the task puts in the example id: an oracle written by hand.
        Dispatcher perfect = (req, ctx) -> Decision.expert(
                Model.task("math").examples(t2j.task.Split.TEST).stream().anyMatch(e -> e.id().equals(req.id()))
                        ? "math"
                        : "code",
                "lookup");
        Transformer2 t2 = Transformer2.of(llama, experts).by("lookup", perfect);
        AdaptationStudy.Config cfg = AdaptationStudy.Config.defaults(t2.categories())
                .withStrategies(List.of(AdaptationStudy.BASE, AdaptationStudy.PROMPT, AdaptationStudy.ORACLE));
        Study s = t2.compare(List.of("math", "code"), 4, cfg);
        ConfusionMatrix routing = s.routing("lookup");
        assertEquals(4, routing.count("math", "math"));
        assertEquals(4, routing.count("code", "code"));
        assertEquals(
                s.accuracy("math", "oracle"),
                s.accuracy("math", "lookup"),
                1e-9,
                "same expert as the oracle, same answers");
        assertTrue(s.mimeBundle().containsKey("text/html"));
        assertThrows(IllegalArgumentException.class, () -> s.routing("nobody"));
    }

    @Test
    void promptRoutingMatchesTheEngineStudy() {
        Transformer2 t2 = Transformer2.of(llama, experts).byPrompt();
        Score viaDsl = t2.evaluate("math", 6);
        AdaptationStudy.Config cfg =
                AdaptationStudy.Config.defaults(t2.categories()).withStrategies(List.of(AdaptationStudy.PROMPT));
        Study s = t2.compare(List.of("math"), 6, cfg);
        assertEquals(s.accuracy("math", "prompt"), viaDsl.accuracy(), 1e-9);
    }

    @Test
    void fewShotFindsAMixtureAndItsDispatcherUsesIt() {
        Transformer2 t2 = Transformer2.of(llama, experts);
        FewShot fs = t2.fewShot(
                Model.task("code"),
                4,
                FewShotCem.Config.defaults().withPopulation(4).withIterations(2).withSeed(1));
        assertEquals(t2.categories().size(), fs.alpha().size());
        assertEquals(2, fs.result().history().size());
        // The dispatcher answers every request with the mixture the search found, and the two-pass answer uses it.
        Decision d = fs.dispatcher().decide(null, t2.context());
        assertEquals(fs.result().best(), d.mixture());
        assertEquals(Decision.MIXTURE, d.label());
        Decision used = t2.by(fs.dispatcher()).answer("1, 2, 3").decision();
        assertEquals(d.mixture(), used.mixture());
        assertEquals(d.label(), used.label());
        assertTrue(fs.mimeBundle().containsKey("text/html"));
    }

    @Test
    void expertsOfAnotherModelAreRefusedUnlessTransferred() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Transformer2.of(mistral, experts));
        assertTrue(e.getMessage().contains("transferTo"), e.getMessage());
        Experts moved = experts.only("math").transferTo(mistral, Transfer.Policy.AS_IS);
        assertEquals("mistral", moved.get("math").info().get("model_type"));
        Transformer2 t2 =
                Transformer2.of(mistral, moved).by(Dispatcher.fixed("math", Decision.expert("math", "always")));
        assertEquals("math", t2.answer("2 + 2").decision().label());
    }

    @Test
    void theSessionLogRecordsControlledAnswersAndReplaysThemExactly(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        Transformer2 t2 = Transformer2.of(llama, experts).logTo(tmp.resolve("session.jsonl"));
        String prompt = "Sam has 3 apples and buys 4 more. How many apples does Sam have?";
        Reply free = t2.answer(prompt);
        Reply forbidden =
                t2.answer(prompt, t2j.adapt.Controls.NONE.forbid(free.decision().label()));
        assertEquals("base", forbidden.decision().label(), forbidden.decision().reason());
        Reply capped = t2.controlled(
                        t2j.adapt.Controls.NONE.pin("math").strength(0.5).kinds("up_proj"))
                .answer(prompt);
        assertEquals("math", capped.decision().label());
        Log log = t2.log().purpose("answer");
        assertEquals(3, log.size());
        assertEquals(
                log.entries(),
                Log.read(tmp.resolve("session.jsonl")).purpose("answer").entries());
        assertTrue(log.entries()
                .get(1)
                .controls()
                .get("forbid")
                .toString()
                .contains(free.decision().label()));
        assertEquals(0.5, ((Number) log.entries().get(2).controls().get("strength")).doubleValue());
        assertTrue(log.entries().get(2).matrices().stream().allMatch(m -> m.contains("up_proj")));
        for (t2j.adapt.log.LogEntry e : log.entries())
            assertEquals(e.answers().get(0).completion(), t2.replay(e, 0));
        assertEquals(
                List.of(free.text(), forbidden.text(), capped.text()),
                log.entries().stream().map(e -> e.answers().get(0).completion()).toList());
        String html = (String) log.mimeBundle().get("text/html");
        assertTrue(
                html.contains("<img") && html.contains("strength 0.5"),
                html.substring(0, Math.min(400, html.length())));
        assertEquals(
                3,
                log.timeline().getSeriesCollection().stream()
                        .mapToInt(x -> x.getXData().length)
                        .sum());
    }
}
