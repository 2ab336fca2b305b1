package t2j.adapt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import t2j.stats.PairedDifference;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.util.Progress;

/**
 * The paper's self-adaptation comparison on a set of tasks: base model, each single expert, prompt-based dispatch,
 * the classification expert, a deliberately wrong router (each request to the expert of the next category, a fixed
 * permutation: the control that shows routing matters in both directions), few-shot CEM and the oracle (each
 * request's true category's expert), all through {@link TwoPass}. Every cell keeps its per-request outcomes, so the
 * report gives each column's paired difference from the base model with an interval and McNemar's test.
 * Greedy decoding and seeded CEM make the numbers reproducible: the same seeds give the same report.
 *
 * <pre>{@code
 * AdaptationStudy.Report r = new AdaptationStudy(ctx, AdaptationStudy.Config.defaults(List.of("math", "code", "reasoning")))
 *         .run(List.of(Tasks.builtin("math-hard", 42)), Progress.NONE);
 * System.out.print(r.toMarkdown());
 * }</pre>
 */
public final class AdaptationStudy {
    public static final String BASE = "base",
            EXPERTS = "experts",
            PROMPT = "prompt",
            CLASSIFIER = "classifier",
            WRONG_ROUTER = "wrong-router",
            FEW_SHOT = "few-shot",
            ORACLE = "oracle";
    /** Every strategy, in table order. */
    public static final List<String> ALL = List.of(BASE, EXPERTS, PROMPT, CLASSIFIER, WRONG_ROUTER, FEW_SHOT, ORACLE);

    /**
     * @param strategies which of {@link #ALL} to run ({@code experts} means one column per category expert)
     * @param categories the expert categories dispatch chooses among (pool names)
     * @param classifier the pool name of the classification expert
     * @param split      where requests are drawn from (TEST); few-shot shots come from TRANSFER
     * @param limit      at most this many requests per task
     * @param shots      few-shot examples per task
     */
    public record Config(
            List<String> strategies,
            List<String> categories,
            String classifier,
            Split split,
            int limit,
            int shots,
            FewShotCem.Config cem) {
        public Config {
            for (String s : strategies)
                if (!ALL.contains(s))
                    throw new IllegalArgumentException(
                            "unknown strategy '" + s + "' (known: " + String.join(", ", ALL) + ")");
            strategies = List.copyOf(strategies);
            categories = List.copyOf(categories);
            if (limit <= 0 || shots <= 0) throw new IllegalArgumentException("limit and shots must be > 0");
        }

        /** All strategies on the test split, 10 shots, the released code's CEM settings. */
        public static Config defaults(List<String> categories) {
            return new Config(
                    ALL, categories, "classification", Split.TEST, Integer.MAX_VALUE, 10, FewShotCem.Config.defaults());
        }

        public Config withStrategies(List<String> v) {
            return new Config(v, categories, classifier, split, limit, shots, cem);
        }

        public Config withLimit(int v) {
            return new Config(strategies, categories, classifier, split, v, shots, cem);
        }

        public Config withShots(int v) {
            return new Config(strategies, categories, classifier, split, limit, v, cem);
        }

        public Config withCem(FewShotCem.Config v) {
            return new Config(strategies, categories, classifier, split, limit, shots, v);
        }

        public Config withSplit(Split v) {
            return new Config(strategies, categories, classifier, v, limit, shots, cem);
        }
    }

    /**
     * Everything measured.
     *
     * @param confusion one matrix per dispatching strategy, over all tasks
     * @param cem       the few-shot search per task
     * @param notes     strategies skipped and why
     */
    public record Report(
            AccuracyTable accuracy,
            List<ConfusionMatrix> confusion,
            Map<String, FewShotCem.Result> cem,
            List<TimingSummary> timing,
            List<String> notes) {
        public String toMarkdown() {
            StringBuilder b = new StringBuilder(accuracy.toMarkdown(BASE));
            for (ConfusionMatrix c : confusion) b.append('\n').append(c.toMarkdown());
            for (FewShotCem.Result r : cem.values()) {
                b.append(String.format(
                        Locale.ROOT,
                        "%nCEM %s: best α %s, shot accuracy %.2f (log-lik %.3f), %d evaluations in %.1f s%n",
                        r.task(),
                        r.best(),
                        r.bestFitness().accuracy(),
                        r.bestFitness().logLikelihood(),
                        r.evaluations(),
                        r.seconds()));
                mixtureVersusExperts(r.task())
                        .forEach((e, d) -> b.append("  few-shot vs ")
                                .append(e)
                                .append(": ")
                                .append(d)
                                .append('\n'));
            }
            if (!timing.isEmpty()) b.append('\n').append(TimingSummary.toMarkdown(timing));
            for (String n : notes) b.append("note: ").append(n).append('\n');
            return b.toString();
        }

        /**
         * The few-shot mixture on {@code task} against each single expert column on the same requests: whether mixing
         * beat every expert alone (the claim a mixture has to earn), empty when either was not run.
         */
        public Map<String, PairedDifference> mixtureVersusExperts(String task) {
            Map<String, PairedDifference> out = new LinkedHashMap<>();
            FewShotCem.Result r = cem.get(task);
            if (r == null) return out;
            for (String e : r.experts()) accuracy.versus(task, FEW_SHOT, e).ifPresent(d -> out.put(e, d));
            return out;
        }
    }

    private final AdaptContext ctx;
    private final Config cfg;
    private final PromptDispatcher prompt;
    private final Map<String, Dispatcher> custom;

    /** With the built-in classification prompt over the config's categories. */
    public AdaptationStudy(AdaptContext ctx, Config cfg) {
        this(ctx, cfg, new PromptDispatcher(cfg.categories()));
    }

    /** With a custom first-pass prompt (used by both the prompt and the classifier strategies). */
    public AdaptationStudy(AdaptContext ctx, Config cfg, PromptDispatcher prompt) {
        this(ctx, cfg, prompt, Map.of());
    }

    private AdaptationStudy(AdaptContext ctx, Config cfg, PromptDispatcher prompt, Map<String, Dispatcher> custom) {
        this.ctx = ctx;
        this.cfg = cfg;
        this.prompt = prompt;
        this.custom = custom;
    }

    /**
     * This study with one more column: {@code dispatcher} (a strategy written by the user) evaluated like the built-in
     * ones, its routing counted in a confusion matrix of its own.
     */
    public AdaptationStudy with(String column, Dispatcher dispatcher) {
        if (ALL.contains(column))
            throw new IllegalArgumentException(
                    "'" + column + "' names a built-in strategy; give the custom one another name");
        Map<String, Dispatcher> m = new LinkedHashMap<>(custom);
        m.put(column, dispatcher);
        return new AdaptationStudy(ctx, cfg, prompt, Collections.unmodifiableMap(m));
    }

    /** Each request to its own category's expert (the base model where there is none). */
    private Dispatcher oracle(Task task) {
        return new Dispatcher() {
            @Override
            public Decision decide(Example request, AdaptContext c) {
                String cat = task.category(request);
                return c.pool().has(cat)
                        ? Decision.expert(cat, "true category")
                        : Decision.other("no expert for the true category " + cat);
            }

            @Override
            public String name() {
                return ORACLE;
            }
        };
    }

    /**
     * Each request to the expert of the category after its own in the dispatch order (math → code → reasoning → math):
     * a router that is always wrong, never random. Requests of a category without an expert get the base model.
     */
    private Dispatcher wrongRouter(Task task, List<String> experts) {
        return new Dispatcher() {
            @Override
            public Decision decide(Example request, AdaptContext c) {
                String cat = task.category(request);
                int i = experts.indexOf(cat);
                if (i < 0) return Decision.other("no expert for the true category " + cat);
                String wrong = experts.get((i + 1) % experts.size());
                return Decision.expert(wrong, "fixed permutation: " + cat + " -> " + wrong);
            }

            @Override
            public String name() {
                return WRONG_ROUTER;
            }
        };
    }

    public Report run(List<Task> tasks, Progress progress) {
        List<AccuracyTable.Cell> cells = new ArrayList<>();
        List<TimingSummary> timing = new ArrayList<>();
        Map<String, FewShotCem.Result> cem = new LinkedHashMap<>();
        Map<String, List<ConfusionMatrix.Pair>> routed = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        List<String> experts = new ArrayList<>();
        for (String c : cfg.categories()) {
            if (ctx.pool().has(c)) experts.add(c);
            else notes.add("no expert for category '" + c + "'");
        }
        boolean classifier = ctx.pool().has(cfg.classifier());
        if (cfg.strategies().contains(CLASSIFIER) && !classifier)
            notes.add("classifier skipped: no expert named '" + cfg.classifier() + "'");
        if (cfg.strategies().contains(FEW_SHOT) && experts.isEmpty())
            notes.add("few-shot skipped: no category experts");
        for (Task task : tasks) {
            List<Example> all = task.examples(cfg.split());
            List<Example> requests = all.subList(0, Math.min(cfg.limit(), all.size()));
            Map<String, Dispatcher> columns = new LinkedHashMap<>();
            for (String s : cfg.strategies()) {
                switch (s) {
                    case BASE -> columns.put(BASE, Dispatcher.fixed(BASE, Decision.base("baseline")));
                    case EXPERTS -> {
                        for (String e : experts) columns.put(e, Dispatcher.fixed(e, Decision.expert(e, "baseline")));
                    }
                    case PROMPT -> columns.put(PROMPT, prompt);
                    case CLASSIFIER -> {
                        if (classifier) columns.put(CLASSIFIER, new ClassifierDispatcher(cfg.classifier(), prompt));
                    }
                    case FEW_SHOT -> {
                        if (experts.isEmpty()) break;
                        List<Example> pool = task.examples(Split.TRANSFER);
                        if (pool.isEmpty()) {
                            notes.add("few-shot skipped on " + task.name() + ": it has no transfer examples");
                            break;
                        }
                        List<Example> shots = pool.subList(0, Math.min(cfg.shots(), pool.size()));
                        FewShotCem.Result r = new FewShotCem(cfg.cem()).search(task, shots, ctx, experts, progress);
                        cem.put(task.name(), r);
                        columns.put(FEW_SHOT, r.dispatcher());
                    }
                    case ORACLE -> columns.put(ORACLE, oracle(task));
                    case WRONG_ROUTER -> {
                        if (experts.size() >= 2) columns.put(WRONG_ROUTER, wrongRouter(task, experts));
                        else notes.add("wrong-router skipped: it needs two category experts");
                    }
                    default -> throw new IllegalStateException(s);
                }
            }
            columns.putAll(custom);
            for (Map.Entry<String, Dispatcher> col : columns.entrySet()) {
                TwoPass.Run run = new TwoPass(ctx, col.getValue()).answerAll(requests, progress);
                boolean[] ok = new boolean[requests.size()];
                for (int i = 0; i < ok.length; i++) {
                    TwoPass.Answer a = run.answers().get(i);
                    ok[i] = task.verify(a.example(), a.completion()).correct();
                    if (col.getKey().equals(PROMPT)
                            || col.getKey().equals(CLASSIFIER)
                            || col.getKey().equals(WRONG_ROUTER)
                            || custom.containsKey(col.getKey()))
                        routed.computeIfAbsent(col.getKey(), k -> new ArrayList<>())
                                .add(new ConfusionMatrix.Pair(
                                        task.category(a.example()), a.decision().label()));
                }
                cells.add(AccuracyTable.Cell.of(task.name(), col.getKey(), ok));
                timing.add(TimingSummary.of(task.name(), col.getKey(), run));
            }
        }
        List<ConfusionMatrix> confusion = new ArrayList<>();
        routed.forEach((k, v) -> confusion.add(ConfusionMatrix.of(k, cfg.categories(), v)));
        return new Report(
                AccuracyTable.of(cfg.split().name().toLowerCase() + " accuracy", cells),
                Collections.unmodifiableList(confusion),
                Collections.unmodifiableMap(cem),
                Collections.unmodifiableList(timing),
                Collections.unmodifiableList(notes));
    }
}
