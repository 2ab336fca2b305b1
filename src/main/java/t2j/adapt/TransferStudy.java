package t2j.adapt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.model.Transformer;
import t2j.prompt.Prompter;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Tasks;
import t2j.util.Progress;

/**
 * The paper's cross-model experiment: experts of one model applied to another under one or more {@link Transfer.Policy
 * policies}, scored against the target's base weights and the target's own expert of the same name.
 *
 * <pre>{@code
 * TransferStudy.Result r = TransferStudy.run(llamaExperts, mistral, prompter, mistralDec, mistralExperts,
 *         List.of(Transfer.Policy.AS_IS, Transfer.Policy.SHUFFLED), null, Split.TEST, 100, 64, 42, Progress.NONE);
 * System.out.print(r.accuracy().toMarkdown());
 * }</pre>
 */
public final class TransferStudy {
    private TransferStudy() {}

    /** Column names of the accuracy table. */
    public static final String TARGET_BASE = "target base", OWN = "target's own";

    /** Column name of a transferred version. */
    public static String transferred(Transfer.Policy p) {
        return "transferred " + p.id();
    }

    /**
     * @param accuracy    rows = tasks (or "EXPERT on TASK" when tasks are named), columns = target base, each policy, target's own
     * @param transferred the transferred experts, named {@code NAME/POLICY}
     */
    public record Result(AccuracyTable accuracy, Map<String, Expert> transferred) {}

    /**
     * Where an expert of {@code trainingTask} is scored by default: the unseen task of its category, as in the paper's
     * transfer table (GSM8K's expert on MATH), else its own training task.
     */
    public static String defaultTask(String trainingTask) {
        for (String u : Tasks.UNSEEN) if (Tasks.builtin(u, 0).category().equals(trainingTask)) return u;
        return trainingTask;
    }

    /**
     * @param own       the target's own experts by name (may be empty: no "own" column then)
     * @param taskNames tasks to score every expert on, or null for each expert's {@link #defaultTask}
     * @param seed      task seed, and the shuffle seed of {@link Transfer.Policy#SHUFFLED}
     */
    public static Result run(
            Map<String, Expert> source,
            Transformer target,
            Prompter prompter,
            Decomposition dec,
            Map<String, Expert> own,
            List<Transfer.Policy> policies,
            List<String> taskNames,
            Split split,
            int limit,
            int maxNewTokens,
            long seed,
            Progress progress) {
        if (source.isEmpty()) throw new IllegalArgumentException("no experts to transfer");
        String modelType = target.config().modelType();
        Map<String, Expert> moved = new LinkedHashMap<>(), pool = new LinkedHashMap<>();
        for (Map.Entry<String, Expert> e : source.entrySet())
            for (Transfer.Policy p : policies) {
                Expert m = Transfer.apply(e.getValue(), dec, modelType, p, seed);
                moved.put(e.getKey() + "/" + p.id(), m);
                pool.put(e.getKey() + "/" + p.id(), m);
            }
        for (String name : source.keySet()) if (own.containsKey(name)) pool.put(name + "/own", own.get(name));
        AdaptContext ctx = new AdaptContext(target, prompter, new ExpertPool(target, dec, pool), maxNewTokens);

        List<AccuracyTable.Cell> cells = new ArrayList<>();
        for (Map.Entry<String, Expert> e : source.entrySet()) {
            List<String> names = taskNames != null
                    ? taskNames
                    : List.of(defaultTask(e.getValue().task()));
            for (String tn : names) {
                Task task = Tasks.builtin(tn.strip(), seed);
                String row = taskNames == null ? task.name() : e.getKey() + " on " + task.name();
                List<Example> all = task.examples(split), req = all.subList(0, Math.min(limit, all.size()));
                Map<String, Decision> columns = new LinkedHashMap<>();
                columns.put(TARGET_BASE, Decision.base("baseline"));
                for (Transfer.Policy p : policies)
                    columns.put(transferred(p), Decision.expert(e.getKey() + "/" + p.id(), p.id()));
                if (own.containsKey(e.getKey())) columns.put(OWN, Decision.expert(e.getKey() + "/own", "own"));
                for (Map.Entry<String, Decision> c : columns.entrySet()) {
                    TwoPass.Run run =
                            new TwoPass(ctx, Dispatcher.fixed(c.getKey(), c.getValue())).answerAll(req, progress);
                    boolean[] ok = new boolean[req.size()];
                    for (int i = 0; i < ok.length; i++) {
                        TwoPass.Answer ans = run.answers().get(i);
                        ok[i] = task.verify(ans.example(), ans.completion()).correct();
                    }
                    cells.add(AccuracyTable.Cell.of(row, c.getKey(), ok));
                }
            }
        }
        return new Result(AccuracyTable.of("task", cells), moved);
    }
}
