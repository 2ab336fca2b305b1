package t2j.adapt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.adapt.log.LogEntry;
import t2j.task.Example;
import t2j.util.Progress;

/**
 * Transformer²'s two-pass inference: pass 1 decides how to adapt (a {@link Dispatcher}), the decided mixture is
 * composed into the weights (in one {@link Scope}), pass 2 generates the answer greedily.
 *
 * <p>A batch is dispatched in one go, then grouped by decision so each distinct mixture is composed once. Pass 1,
 * composition and pass 2 are timed separately. The model holds its base weights again when a call returns, also
 * when it fails or is interrupted.
 *
 * <pre>{@code
 * TwoPass tp = new TwoPass(ctx, new PromptDispatcher(List.of("math", "code", "reasoning")));
 * TwoPass.Answer a = tp.answer(example);
 * System.out.println(a.decision().label() + ": " + a.completion() + "  " + a.timing());
 * }</pre>
 */
public final class TwoPass {
    private final AdaptContext ctx;
    private final Dispatcher dispatcher;
    private final Controls controls;

    public TwoPass(AdaptContext ctx, Dispatcher dispatcher) {
        this(ctx, dispatcher, Controls.NONE);
    }

    private TwoPass(AdaptContext ctx, Dispatcher dispatcher, Controls controls) {
        this.ctx = ctx;
        this.dispatcher = dispatcher;
        this.controls = controls;
    }

    /** The same runner with the user's controls applied to every decision and composition. */
    public TwoPass withControls(Controls c) {
        c.checkAgainst(ctx.pool());
        return new TwoPass(ctx, dispatcher, c);
    }

    public Controls controls() {
        return controls;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /** Seconds spent in each stage. */
    public record Timing(double pass1Seconds, double composeSeconds, double pass2Seconds) {
        public double totalSeconds() {
            return pass1Seconds + composeSeconds + pass2Seconds;
        }

        /** The share of time not spent generating the answer (pass 1 and composition). */
        public double overhead() {
            double t = totalSeconds();
            return t == 0 ? 0 : (pass1Seconds + composeSeconds) / t;
        }
    }

    /**
     * One answered request. In a batch, {@code timing} is this request's share: pass 1 divided evenly over the batch,
     * composition and pass 2 over its group.
     */
    public record Answer(Example example, Decision decision, String completion, Timing timing) {}

    /** A batch's answers (in request order), the stage totals and how many compositions were made. */
    public record Run(List<Answer> answers, Timing timing, int compositions) {}

    /** Answers one request. */
    public Answer answer(Example request) {
        return answerAll(List.of(request), Progress.NONE).answers().get(0);
    }

    /** Answers a batch: one dispatch, then per distinct decision one composition and batched generation. */
    public Run answerAll(List<Example> requests, Progress progress) {
        if (requests.isEmpty()) return new Run(List.of(), new Timing(0, 0, 0), 0);
        int n = requests.size();
        // A dispatcher that changes the weights (the classifier) holds its own scope while it decides.
        long t0 = System.nanoTime();
        List<Decision> decisions = new ArrayList<>(dispatcher.decideAll(requests, ctx));
        double pass1 = (System.nanoTime() - t0) / 1e9;
        if (decisions.size() != n)
            throw new IllegalStateException("dispatcher '" + dispatcher.name() + "' returned " + decisions.size()
                    + " decisions for " + n + " requests");
        Map<Mixture, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Decision d = decisions.get(i);
            if (d == null)
                throw new IllegalStateException("dispatcher '" + dispatcher.name() + "' returned no decision for "
                        + requests.get(i).id());
            if (!controls.isNone()) {
                d = controls.decide(d);
                decisions.set(i, d);
            }
            groups.computeIfAbsent(d.usesBase() ? Mixture.BASE : d.mixture(), m -> new ArrayList<>())
                    .add(i);
        }
        Answer[] answers = new Answer[n];
        double compose = 0, pass2 = 0;
        int done = 0;
        try (Scope scope = ctx.pool().use()) {
            for (Map.Entry<Mixture, List<Integer>> g : groups.entrySet()) {
                Progress.checkInterrupted("two-pass answering");
                long c0 = System.nanoTime();
                scope.compose(g.getKey(), controls, "answer");
                double c = (System.nanoTime() - c0) / 1e9;
                List<Example> members = new ArrayList<>();
                for (int i : g.getValue()) members.add(requests.get(i));
                long g0 = System.nanoTime();
                List<Completions.Row> rows = Completions.greedy(
                        ctx.model(),
                        ctx.prompter(),
                        members,
                        ctx.maxNewTokens(),
                        ctx.batchSize(),
                        "two-pass answering");
                double p2 = (System.nanoTime() - g0) / 1e9;
                compose += c;
                pass2 += p2;
                int size = members.size();
                List<LogEntry.Answer> logged = new ArrayList<>(size);
                for (int j = 0; j < size; j++) {
                    int i = g.getValue().get(j);
                    Decision d = decisions.get(i);
                    Example r = requests.get(i);
                    answers[i] = new Answer(r, d, rows.get(j).text(), new Timing(pass1 / n, c / size, p2 / size));
                    logged.add(new LogEntry.Answer(
                            r.id(), r.system(), r.prompt(), rows.get(j).text(), d.label(), d.reason(), d.confidence()));
                }
                scope.answered(logged, pass1 * size / n, p2, ctx.maxNewTokens());
                done += size;
                progress.update("answer (" + dispatcher.name() + ")", done, n);
            }
        }
        List<Answer> list = new ArrayList<>(n);
        Collections.addAll(list, answers);
        return new Run(Collections.unmodifiableList(list), new Timing(pass1, compose, pass2), groups.size());
    }
}
