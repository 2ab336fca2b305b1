package t2j.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import t2j.task.Answers;
import t2j.task.Example;

class DispatchTest {
    private final WorldFixture f = new WorldFixture();

    private ConfusionMatrix route(Dispatcher d, List<Example> requests, List<String> labels, List<Decision> decisions) {
        String fp = f.model.weights().fingerprint();
        TwoPass.Run run = new TwoPass(f.ctx, d).answerAll(requests, t2j.util.Progress.NONE);
        assertEquals(fp, f.model.weights().fingerprint(), "base weights after dispatching");
        List<ConfusionMatrix.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            decisions.add(run.answers().get(i).decision());
            pairs.add(new ConfusionMatrix.Pair(
                    labels.get(i), run.answers().get(i).decision().label()));
        }
        return ConfusionMatrix.of(d.name(), RoutingWorld.CATEGORIES, pairs);
    }

    /** Independently measured: how often the model, with {@code expert} applied, answers a request's classification prompt right. */
    private int measuredCorrect(String expert, List<Example> requests, List<String> labels) {
        List<String> outs = f.completeWith(expert, RoutingWorld.classification(requests, labels), 12);
        int ok = 0;
        for (int i = 0; i < outs.size(); i++) if (labels.get(i).equals(Answers.firstBoxed(outs.get(i)))) ok++;
        return ok;
    }

    private void check(Dispatcher d, String expert) {
        List<String> labels = new ArrayList<>();
        List<Example> requests = f.requests(15, labels);
        List<Decision> decisions = new ArrayList<>();
        ConfusionMatrix cm = route(d, requests, labels, decisions);
        // The matrix sums right.
        assertEquals(requests.size(), cm.total());
        for (String c : RoutingWorld.CATEGORIES) assertEquals(15, cm.rowTotal(c));
        // It routes correctly as often as it reports, and exactly as often as an independent measurement.
        int routedRight = 0;
        for (int i = 0; i < requests.size(); i++) if (decisions.get(i).label().equals(labels.get(i))) routedRight++;
        assertTrue(routedRight >= cm.correct(), routedRight + " vs reported " + cm.correct());
        assertEquals(measuredCorrect(expert, requests, labels), cm.correct(), cm.toMarkdown());
        // Routed requests use their expert exactly; everything else uses the base weights.
        for (Decision dec : decisions) {
            if (RoutingWorld.CATEGORIES.contains(dec.label())) assertEquals(Mixture.of(dec.label()), dec.mixture());
            else assertTrue(dec.usesBase(), dec.toString());
        }
        System.out.println(cm.toMarkdown());
    }

    @Test
    void promptDispatchRoutesAsOftenAsItReports() {
        check(f.promptDispatcher(), null);
    }

    @Test
    void classifierDispatchRoutesAsOftenAsItReportsWithTheClassificationExpertInPassOne() {
        check(new ClassifierDispatcher("classification", f.promptDispatcher()), "classification");
    }

    @Test
    void labelsOutsideTheCategoriesOrUnparsableAnswersMeanOtherAndBaseWeights() {
        PromptDispatcher d = new PromptDispatcher(List.of("hi", "lo", "nope"));
        ExpertPool pool = f.pool;
        assertEquals(Decision.expert("hi", "classified as hi"), d.parse("\\boxed{ hi } \\boxed{lo}", pool));
        for (String s : new String[] {"\\boxed{zz}", "hi", "", "\\boxed{nope}"}) {
            Decision dec = d.parse(s, pool);
            assertEquals(Decision.OTHER, dec.label(), s);
            assertTrue(dec.usesBase());
        }
        assertTrue(d.parse("\\boxed{nope}", pool).reason().contains("no nope expert"));
        assertEquals(
                "Classify the request as math, code or reasoning. Reply \\boxed{label}.",
                PromptDispatcher.systemPrompt(List.of("math", "code", "reasoning")));
        assertEquals(
                t2j.task.ClassificationTask.SYSTEM,
                PromptDispatcher.systemPrompt(List.of("math", "code", "reasoning")));
    }

    @Test
    void aLambdaIsADispatcher() {
        Dispatcher byOperator =
                (req, ctx) -> req.prompt().contains("*") ? Decision.expert("lo", "has *") : Decision.other("no *");
        List<String> labels = new ArrayList<>();
        List<Decision> decisions = new ArrayList<>();
        ConfusionMatrix cm = route(byOperator, f.requests(5, labels), labels, decisions);
        assertEquals(5, cm.count("lo", "lo"));
        assertEquals(10, cm.count("hi", Decision.OTHER) + cm.count("mid", Decision.OTHER));
        assertEquals(Map.of("lo", List.of(1.0)), decisions.get(5).mixture().alpha());
    }
}
