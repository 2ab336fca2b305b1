package t2j.tiny;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import t2j.adapt.ExpertPool;
import t2j.adapt.Mixture;
import t2j.adapt.Scope;
import t2j.model.Transformer;
import t2j.prompt.ChatPrompter;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.Targets;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Tasks;
import t2j.train.Evaluator;
import t2j.util.Progress;

/**
 * Accuracy of the base model and of each expert on each task: the table a model card reports (the diagonal should
 * improve; the rest shows what an expert does off its task).
 */
public final class ExpertMatrix {
    private ExpertMatrix() {}

    /** Rows: "base" then each expert by file name; columns: tasks; values: accuracy on {@code split}. */
    public record Table(List<String> rows, List<String> tasks, double[][] accuracy, Split split) {
        public String markdown() {
            StringBuilder b = new StringBuilder("| " + split.name().toLowerCase() + " accuracy |");
            for (String t : tasks) b.append(' ').append(t).append(" |");
            b.append("\n|---|").append("---|".repeat(tasks.size())).append('\n');
            for (int r = 0; r < rows.size(); r++) {
                b.append("| ").append(rows.get(r)).append(" |");
                for (int c = 0; c < tasks.size(); c++) b.append(String.format(" %.1f %% |", 100 * accuracy[r][c]));
                b.append('\n');
            }
            return b.toString();
        }
    }

    public static Table measure(
            Transformer model,
            ChatPrompter prompter,
            Map<String, Expert> experts,
            List<String> tasks,
            Split split,
            int maxNewTokens,
            Progress progress) {
        List<String> rows = new ArrayList<>();
        rows.add("base");
        rows.addAll(experts.keySet());
        double[][] acc = new double[rows.size()][tasks.size()];
        Evaluator ev = new Evaluator(model, prompter, maxNewTokens);
        Decomposition dec = experts.isEmpty() ? null : Decomposition.compute(model.weights(), Targets.MLP, progress);
        // The experts join a pool as every other user of them does (a one-hot mixture is each expert bit for bit).
        ExpertPool pool = dec == null ? null : new ExpertPool(model, dec, experts);
        try (Scope scope = pool == null ? null : pool.use()) {
            for (int r = 0; r < rows.size(); r++) {
                if (r > 0) scope.compose(Mixture.of(rows.get(r)));
                for (int c = 0; c < tasks.size(); c++) {
                    Task t = Tasks.builtin(tasks.get(c), TinyRecipe.TASK_SEED);
                    acc[r][c] = ev.evaluate(t, t.examples(split), progress).accuracy();
                }
            }
        }
        return new Table(rows, tasks, acc, split);
    }
}
