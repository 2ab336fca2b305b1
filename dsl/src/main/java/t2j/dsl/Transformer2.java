package t2j.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.adapt.AdaptContext;
import t2j.adapt.AdaptationStudy;
import t2j.adapt.ClassifierDispatcher;
import t2j.adapt.Controls;
import t2j.adapt.Dispatcher;
import t2j.adapt.ExpertPool;
import t2j.adapt.FewShotCem;
import t2j.adapt.PromptDispatcher;
import t2j.adapt.Replay;
import t2j.adapt.Scope;
import t2j.adapt.TwoPass;
import t2j.adapt.log.AdaptationLog;
import t2j.adapt.log.LogEntry;
import t2j.expert.feedback.FeedbackLearner;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.train.Evaluator;

/**
 * Transformer²: a model, its experts and a dispatcher. Pass 1 decides which expert (or mixture) fits a request, the
 * z-vectors are composed into the weights, pass 2 answers. Immutable: {@code byPrompt()}, {@code byClassifier()} and
 * {@code by(dispatcher)} return systems that share the model and experts but dispatch differently.
 *
 * <pre>{@code
 * Transformer2 t2 = Transformer2.of(llama, llama.experts()).byPrompt();
 * t2.answer("Sam has 3 apples and buys 4 more. How many apples does Sam have?")   // pass 1 label, answer, timing
 * Transformer2 mine = t2.by("keywords", (req, ctx) -> req.prompt().contains("def ")
 *         ? Decision.expert("code", "mentions def") : Decision.other("no keyword"));
 * t2.compare(List.of("math-hard", "code-hard"), 30, Strategies.of(Strategy.PROMPT, Strategy.ORACLE)
 *         .plus("keywords", keywords).plus("always code", Dispatchers.always("code")))   // several custom columns, one study
 * }</pre>
 */
public final class Transformer2 {
    /** The classification expert's name in the shipped sets. */
    public static final String CLASSIFIER = "classification";

    private final Model model;
    private final Experts experts;
    private final AdaptContext ctx;
    private final Dispatcher dispatcher;
    private final Controls controls;

    private Transformer2(Model model, Experts experts, AdaptContext ctx, Dispatcher dispatcher, Controls controls) {
        this.model = model;
        this.experts = experts;
        this.ctx = ctx;
        this.dispatcher = dispatcher;
        this.controls = controls;
    }

    /** The model with these experts, dispatching by the classification prompt (the paper's first strategy). */
    public static Transformer2 of(Model model, Experts experts) {
        if (experts.model() != model)
            throw new IllegalArgumentException(
                    "these experts belong to " + experts.model().name() + ", not " + model.name()
                            + "; move them with experts.transferTo(model, policy) first");
        ExpertPool pool = new ExpertPool(
                model.transformer(), model.decompose(experts.targets()).decomposition(), experts.asMap());
        pool.logTo(AdaptationLog.inMemory(model.name()));
        AdaptContext ctx = new AdaptContext(model.transformer(), model.prompter(), pool, Model.MAX_NEW_TOKENS);
        return new Transformer2(model, experts, ctx, null, Controls.NONE).byPrompt();
    }

    /** The expert categories pass 1 chooses among: every expert but the classifier, in the built-in order (math, code, reasoning). */
    public List<String> categories() {
        List<String> c = new ArrayList<>(experts.names());
        c.remove(CLASSIFIER);
        return t2j.task.Tasks.inBuiltinOrder(c);
    }

    /** Pass 1 asks the base model which category the request belongs to (answer in {@code \boxed{}}). */
    public Transformer2 byPrompt() {
        return by(new PromptDispatcher(categories()));
    }

    /** Pass 1 asks the same question with the classification expert composed into the weights. */
    public Transformer2 byClassifier() {
        if (!experts.names().contains(CLASSIFIER))
            throw new IllegalArgumentException("no expert named '" + CLASSIFIER + "' to classify with; have "
                    + String.join(", ", experts.names()));
        return by(new ClassifierDispatcher(CLASSIFIER, new PromptDispatcher(categories())));
    }

    /** Pass 1 is {@code d}: any {@link Dispatcher}, e.g. a lambda written in a cell, or {@code fewShot(...).dispatcher()}. */
    public Transformer2 by(Dispatcher d) {
        return new Transformer2(model, experts, ctx, d, controls).withConfidenceIfNeeded();
    }

    /**
     * This system with the user's controls on every answer: pinned or forbidden experts, a strength cap, a
     * restricted scope, a fallback when pass 1 is unsure (the built-in dispatchers then report their confidence).
     */
    public Transformer2 controlled(Controls c) {
        c.checkAgainst(ctx.pool());
        return new Transformer2(model, experts, ctx, dispatcher, c).withConfidenceIfNeeded();
    }

    private Transformer2 withConfidenceIfNeeded() {
        if (controls.minConfidence() <= 0 || dispatcher == null) return this;
        Dispatcher d = dispatcher instanceof PromptDispatcher p
                ? p.withConfidence()
                : dispatcher instanceof ClassifierDispatcher c ? c.withConfidence() : dispatcher;
        return d == dispatcher ? this : new Transformer2(model, experts, ctx, d, controls);
    }

    public Controls controls() {
        return controls;
    }

    /** Every composition this system's experts went through so far (shared by the systems derived from it). */
    public Log log() {
        AdaptationLog log = ctx.pool().log();
        return new Log(
                log == null ? "no log" : "adaptation log of " + log.session(), log == null ? List.of() : log.entries());
    }

    /**
     * Sends the log to {@code file} from now on (JSON lines, appended, one forced line per composition; entries
     * already in the file are kept and numbering continues after them).
     */
    public Transformer2 logTo(java.nio.file.Path file) {
        try {
            ctx.pool().logTo(AdaptationLog.appendingTo(file, model.name()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot open adaptation log " + file, e);
        }
        return this;
    }

    /** Replays answer {@code index} of log entry {@code entry}: the same text, bit for bit, when nothing changed. */
    public String replay(LogEntry entry, int index) {
        return Replay.answer(entry, index, ctx);
    }

    /** {@link #by(Dispatcher)} with a name for tables. */
    public Transformer2 by(String name, Dispatcher d) {
        return by(Dispatchers.named(name, d));
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public Model model() {
        return model;
    }

    public Experts experts() {
        return experts;
    }

    /** What dispatchers receive: the model, prompter, expert pool and generation limit. */
    public AdaptContext context() {
        return ctx;
    }

    /** Answers one prompt with two-pass inference. */
    public Reply answer(String prompt) {
        return answer(new Example("ask", null, prompt, null, null));
    }

    /** Answers one request (e.g. {@code Model.request("code-hard", 0)}) with two-pass inference. */
    public Reply answer(Example request) {
        return answer(request, controls);
    }

    /** Answers one prompt under controls for this request only. */
    public Reply answer(String prompt, Controls c) {
        return answer(new Example("ask", null, prompt, null, null), c);
    }

    /** Answers one request under controls for this request only. */
    public Reply answer(Example request, Controls c) {
        TwoPass.Answer a = controlled(c).twoPass().answer(request);
        return new Reply(
                request.prompt(),
                a.completion(),
                a.decision(),
                a.timing(),
                a.timing().totalSeconds(),
                request);
    }

    /**
     * A user's verdict on one of this session's replies (reward +1 correct, −1 incorrect, or in between), credited to
     * the expert that answered it; {@code learner} trains a new version of that expert from its verdicts when asked
     * ({@link FeedbackLearner#update}) or every N verdicts ({@link FeedbackLearner#updateEvery}), and keeps it only
     * if it is not worse on held-out requests.
     *
     * <pre>{@code
     * FeedbackLearner fl = new FeedbackLearner(t2.context(), Path.of("versions"), TrainingConfig.reinforce());
     * Reply r = t2.answer("Tom has 3 apples ...");
     * t2.feedback(r, -1, fl);   // wrong
     * }</pre>
     */
    public void feedback(Reply reply, double reward, FeedbackLearner learner) {
        if (reply.decision() == null)
            throw new IllegalArgumentException(
                    "this reply came from the model alone, without pass 1: no expert answered it to learn from it");
        learner.feedback(new TwoPass.Answer(reply.request(), reply.decision(), reply.text(), reply.timing()), reward);
    }

    /** Two-pass accuracy on {@code limit} test requests of a built-in task. */
    public Score evaluate(String task, int limit) {
        return evaluate(Model.task(task), Split.TEST, limit);
    }

    /** Two-pass accuracy on {@code limit} requests of {@code split}. */
    public Score evaluate(Task task, Split split, int limit) {
        List<Example> all = task.examples(split), req = all.subList(0, Math.min(limit, all.size()));
        try (Live.Panel panel = Live.panel(dispatcher.name() + " on " + task.name())) {
            TwoPass.Run run = twoPass().answerAll(req, panel);
            List<Evaluator.Outcome> out = new ArrayList<>();
            for (TwoPass.Answer a : run.answers())
                out.add(new Evaluator.Outcome(a.example(), a.completion(), task.verify(a.example(), a.completion())));
            return new Score(model.name(), task.name(), dispatcher.name(), new Evaluator.Evaluation(out));
        }
    }

    /**
     * Every built-in strategy — base, each expert, prompt, classifier, wrong router, few-shot, oracle — and this
     * system's dispatcher when it is a custom one, on {@code limit} test requests of each built-in task.
     */
    public Study compare(List<String> tasks, int limit) {
        return compare(tasks, limit, Strategies.all());
    }

    /**
     * The CEM settings {@link #compare(List, int)} uses for its few-shot column: population 16 × 5 iterations, a quarter of
     * the released code's 32 × 10 budget per task, so a comparison fits in a notebook cell. Pass a config of your own
     * for the full search.
     */
    public static final FewShotCem.Config FEW_SHOT_IN_COMPARE =
            FewShotCem.Config.defaults().withPopulation(16).withIterations(5);

    /**
     * The strategies of {@code lineup} — built-in ones and any number of custom dispatchers — on the same {@code limit}
     * test requests of each task, plus this system's dispatcher when it is a custom one. Every custom dispatcher's first
     * decision is checked on the first request of each task before anything else runs (no exception, one decision,
     * only experts this system has), so a typo fails in milliseconds, naming the column and the request.
     */
    public Study compare(List<String> tasks, int limit, Strategies lineup) {
        Strategies s = lineup;
        if (!isBuiltIn(dispatcher)
                && !s.custom().containsKey(dispatcher.name())
                && !s.custom().containsValue(dispatcher)) s = s.plus(dispatcher);
        AdaptationStudy.Config cfg = AdaptationStudy.Config.defaults(categories())
                .withStrategies(s.engineNames())
                .withShots(s.shots())
                .withCem(s.cem());
        return run(tasks, limit, cfg, s.custom());
    }

    /** {@link #compare(List, int)} with a study configuration of the engine's (strategies by name, shots, CEM settings). */
    public Study compare(List<String> tasks, int limit, AdaptationStudy.Config cfg) {
        Map<String, Dispatcher> custom = new LinkedHashMap<>();
        if (!isBuiltIn(dispatcher)) custom.put(dispatcher.name(), dispatcher);
        return run(tasks, limit, cfg, custom);
    }

    private Study run(List<String> tasks, int limit, AdaptationStudy.Config cfg, Map<String, Dispatcher> custom) {
        if (tasks == null || tasks.isEmpty()) throw new IllegalArgumentException("compare needs at least one task");
        if (limit <= 0) throw new IllegalArgumentException("limit must be > 0, got " + limit);
        List<Task> ts = tasks.stream().map(Model::task).toList();
        for (String name : custom.keySet())
            if (experts.names().contains(name))
                throw new IllegalArgumentException("custom column '" + name
                        + "' has an expert's name, whose own column it would clash with; rename it");
        Map<String, Dispatcher> checked = new LinkedHashMap<>();
        custom.forEach((name, d) -> checked.put(name, Dispatchers.checked(name, d)));
        // Fail fast: one decision per custom column on the first request of each task, before the built-in columns
        // spend minutes.
        for (Map.Entry<String, Dispatcher> c : checked.entrySet())
            for (Task t : ts) {
                List<Example> req = t.examples(cfg.split());
                if (!req.isEmpty()) c.getValue().decideAll(List.of(req.get(0)), ctx);
            }
        AdaptationStudy study = new AdaptationStudy(ctx, cfg.withLimit(limit));
        for (Map.Entry<String, Dispatcher> c : checked.entrySet()) study = study.with(c.getKey(), c.getValue());
        try (Live.Panel panel = Live.panel("compare strategies on " + model.name())) {
            return new Study(model.name(), study.run(ts, panel));
        }
    }

    /**
     * How likely each request's prompt is under the base weights and under each category expert: the mean
     * log-probability per prompt token, each expert composed in turn (K compositions for the whole list). Leaves the
     * base weights in place.
     */
    public ExpertScores score(List<Example> requests) {
        if (requests == null || requests.isEmpty()) throw new IllegalArgumentException("no requests to score");
        List<String> cats = categories();
        int bos = model.config().bosTokenIds().length > 0 ? model.config().bosTokenIds()[0] : -1;
        int[][] prompts = new int[requests.size()][], texts = new int[requests.size()][];
        for (int i = 0; i < requests.size(); i++) {
            prompts[i] = bos >= 0 ? new int[] {bos} : new int[0];
            texts[i] = model.tokenizer().encode(requests.get(i).prompt());
            if (texts[i].length == 0)
                throw new IllegalArgumentException("request " + requests.get(i).id() + " has an empty prompt");
        }
        double[][] s = new double[cats.size()][];
        double[] base;
        try (Scope scope = ctx.pool().use()) {
            base = meanLogProb(prompts, texts);
            for (int k = 0; k < cats.size(); k++) {
                scope.compose(t2j.adapt.Mixture.of(cats.get(k)), t2j.adapt.Controls.NONE, "score");
                s[k] = meanLogProb(prompts, texts);
            }
        }
        return new ExpertScores(cats, List.copyOf(requests), s, base);
    }

    private double[] meanLogProb(int[][] prompts, int[][] texts) {
        float[][] lp = model.transformer().continuationLogProbs(prompts, texts);
        double[] out = new double[lp.length];
        for (int i = 0; i < lp.length; i++) {
            double sum = 0;
            for (float x : lp[i]) sum += x;
            out[i] = sum / lp[i].length;
        }
        return out;
    }

    private TwoPass twoPass() {
        return new TwoPass(ctx, dispatcher).withControls(controls);
    }

    private static boolean isBuiltIn(Dispatcher d) {
        return d instanceof PromptDispatcher || d instanceof ClassifierDispatcher;
    }

    /**
     * Few-shot adaptation: CEM searches interpolation weights α over the category experts, scored on {@code shots}
     * examples of the task's transfer split. Use {@code result.dispatcher()} to answer with the mixture found.
     */
    public FewShot fewShot(String task, int shots) {
        return fewShot(Model.task(task), shots, FewShotCem.Config.defaults().withIterations(10));
    }

    /** {@link #fewShot(String, int)} with CEM settings of your own (population, elites, iterations, α range, per matrix). */
    public FewShot fewShot(Task task, int shots, FewShotCem.Config cfg) {
        List<Example> pool = task.examples(Split.TRANSFER);
        if (pool.size() < shots)
            throw new IllegalArgumentException("task " + task.name() + " has " + pool.size()
                    + " transfer examples; asked for " + shots + " shots");
        try (Live.Panel panel = Live.panel("few-shot CEM on " + task.name())) {
            return new FewShot(new FewShotCem(cfg).search(task, pool.subList(0, shots), ctx, categories(), panel));
        }
    }

    @Override
    public String toString() {
        return "Transformer² on " + model.name() + " with experts " + String.join(", ", experts.names())
                + ", dispatching by " + dispatcher.name()
                + (controls.isNone() ? "" : ", controls: " + controls);
    }

    /** The pool the experts are composed from (for researchers going below the DSL). */
    public ExpertPool pool() {
        return ctx.pool();
    }
}
