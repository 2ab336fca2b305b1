package t2j.task.real;

import java.nio.file.Path;
import java.util.Map;
import t2j.task.Answers;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Verdict;

/**
 * The MATH competition dataset (Hendrycks et al.): records with {@code problem}, {@code solution} (containing
 * {@code \boxed{answer}}), {@code level} and {@code type}; read from the release's directory of per-problem
 * {@code .json} files, a {@code .json} array, or jsonl.
 *
 * <p>The gold answer is the last balanced {@code \boxed{}} of the solution; the verifier takes the last
 * {@code \boxed{}} of the completion and compares after light LaTeX normalisation ({@link Answers#sameLatex}).
 * Level and type are kept in the example id ({@code "<id>|Level 5|Algebra"}) for per-level breakdowns.
 *
 * <pre>{@code
 * CompetitionMathTask t = CompetitionMathTask.load(Map.of(Split.TEST, Path.of("MATH/test")), LoadOptions.DEFAULT);
 * }</pre>
 */
public final class CompetitionMathTask extends DatasetTask {
    /** Asks for the answer format the verifier reads. */
    public static final String SYSTEM = "Solve the problem. Put the final answer in \\boxed{}.";

    private CompetitionMathTask(Map<Split, Path> files, LoadOptions options) {
        super("competition-math", "math", files, options, CompetitionMathTask::parse);
    }

    /** Loads the given split files or directories. */
    public static CompetitionMathTask load(Map<Split, Path> files, LoadOptions options) {
        return new CompetitionMathTask(files, options);
    }

    static Example parse(Row row, String id) {
        String solution = row.string("solution");
        String gold = Answers.lastBoxed(solution);
        if (gold == null) throw new IllegalArgumentException("solution has no \\boxed{} answer");
        String level = row.optionalString("level"), type = row.optionalString("type");
        String uid = row.optionalString("unique_id");
        String fullId =
                (uid != null ? uid : id) + "|" + (level == null ? "" : level) + "|" + (type == null ? "" : type);
        return new Example(fullId, SYSTEM, row.string("problem"), gold, solution);
    }

    @Override
    public Verdict verify(Example example, String completion) {
        String got = Answers.lastBoxed(completion);
        if (got == null) return Verdict.wrong(null, "no \\boxed{} answer");
        return Answers.sameLatex(got, example.answer())
                ? Verdict.right(got, "matches " + example.answer())
                : Verdict.wrong(got, "expected " + example.answer());
    }
}
