package t2j.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import t2j.task.Task;
import t2j.util.Progress;

class AdaptationStudyTest {
    private final WorldFixture f = new WorldFixture();

    private AdaptationStudy.Report run() {
        List<Task> tasks = new ArrayList<>();
        for (String c : RoutingWorld.CATEGORIES) tasks.add(f.world.task(c));
        AdaptationStudy.Config cfg = AdaptationStudy.Config.defaults(RoutingWorld.CATEGORIES)
                .withLimit(10)
                .withShots(5)
                .withCem(FewShotCem.Config.defaults()
                        .withPopulation(4)
                        .withIterations(2)
                        .withSeed(1));
        // The routing world's classification prompt is "?" rather than the built-in wording.
        return new AdaptationStudy(f.ctx, cfg, new PromptDispatcher(RoutingWorld.CATEGORIES, RoutingWorld.SYSTEM, 12))
                .run(tasks, Progress.NONE);
    }

    @Test
    void theReportIsConsistentAndReproducible() {
        String fp = f.model.weights().fingerprint();
        AdaptationStudy.Report r = run();
        assertEquals(fp, f.model.weights().fingerprint());
        AccuracyTable t = r.accuracy();
        assertEquals(List.of("max", "min", "median"), t.rows());
        assertEquals(
                List.of("base", "hi", "lo", "mid", "prompt", "classifier", "wrong-router", "few-shot", "oracle"),
                t.columns());
        for (String c : RoutingWorld.CATEGORIES) {
            String task = f.world.task(c).name();
            // The oracle is the true category's expert.
            assertEquals(
                    t.cell(task, c).orElseThrow().correct(),
                    t.cell(task, "oracle").orElseThrow().correct());
            for (String col : t.columns())
                assertEquals(10, t.cell(task, col).orElseThrow().total());
        }
        assertEquals(3, r.confusion().size());
        for (ConfusionMatrix cm : r.confusion()) assertEquals(30, cm.total());
        // The wrong router sends each request to the next category's expert: never right, and it scores exactly as that
        // expert.
        ConfusionMatrix wrong = r.confusion().get(2);
        assertEquals("wrong-router", wrong.strategy());
        assertEquals(0, wrong.correct());
        List<String> cats = RoutingWorld.CATEGORIES;
        for (int i = 0; i < cats.size(); i++) {
            String task = f.world.task(cats.get(i)).name(), next = cats.get((i + 1) % cats.size());
            assertEquals(
                    t.cell(task, next).orElseThrow().correct(),
                    t.cell(task, "wrong-router").orElseThrow().correct(),
                    task);
            // Every column carries per-request outcomes, so each has a paired comparison with the base model.
            for (String col : t.columns())
                if (!col.equals("base")) assertTrue(t.versus(task, col, "base").isPresent(), task + " " + col);
        }
        // Where prompt dispatch routed every request of a task right, it scores exactly as the oracle.
        ConfusionMatrix prompt = r.confusion().get(0);
        for (String c : RoutingWorld.CATEGORIES)
            if (prompt.count(c, c) == prompt.rowTotal(c)) {
                String task = f.world.task(c).name();
                assertEquals(t.accuracy(task, "oracle"), t.accuracy(task, "prompt"), task);
            }
        assertEquals(3, r.cem().size());
        assertEquals(3 * 9, r.timing().size());
        String md = r.toMarkdown();
        assertTrue(md.contains("| median (n=10) |") && md.contains("routing accuracy") && md.contains("CEM max"), md);
        assertTrue(
                md.contains("points vs base (paired 95 % interval, McNemar p") && md.contains("| all requests |"), md);
        assertTrue(md.contains("few-shot vs hi: "), md);
        System.out.println(md);

        AdaptationStudy.Report again = run();
        assertEquals(r.accuracy(), again.accuracy());
        assertEquals(r.confusion(), again.confusion());
        for (String k : r.cem().keySet())
            assertEquals(r.cem().get(k).best(), again.cem().get(k).best());
    }
}
