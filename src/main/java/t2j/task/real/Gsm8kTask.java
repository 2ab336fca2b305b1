package t2j.task.real;

import java.nio.file.Path;
import java.util.Map;
import t2j.task.Answers;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Verdict;

/**
 * GSM8K in its release format: jsonl lines with {@code question} and {@code answer} (worked solution ending in
 * {@code #### N}).
 *
 * <p>The reference completion is the solution with the {@code <<48/2=24>>} calculator annotations removed; the
 * gold answer is the number after {@code ####}. The verifier takes the number after the last {@code ####} in the
 * completion, else its last number (the original code uses the last number only), and compares values.
 *
 * <pre>{@code
 * Gsm8kTask t = Gsm8kTask.load(Map.of(Split.TRAIN, Path.of("train.jsonl"), Split.TEST, Path.of("test.jsonl")), LoadOptions.DEFAULT);
 * }</pre>
 */
public final class Gsm8kTask extends DatasetTask {
    /** Asks for the answer format the verifier reads first. */
    public static final String SYSTEM = "Solve the problem step by step. End with: #### <number>";

    private Gsm8kTask(Map<Split, Path> files, LoadOptions options) {
        super("gsm8k", "math", files, options, Gsm8kTask::parse);
    }

    /** Loads the given split files. */
    public static Gsm8kTask load(Map<Split, Path> files, LoadOptions options) {
        return new Gsm8kTask(files, options);
    }

    static Example parse(Row row, String id) {
        String solution = row.string("answer");
        int hashes = solution.lastIndexOf("####");
        if (hashes < 0) throw new IllegalArgumentException("answer has no '#### N' line");
        String gold = Answers.finalNumber(solution.substring(hashes));
        if (gold == null) throw new IllegalArgumentException("no number after '####'");
        String reference = solution.replaceAll("<<[^>]*>>", "");
        return new Example(id, SYSTEM, row.string("question"), gold, reference);
    }

    @Override
    public Verdict verify(Example example, String completion) {
        String got = Answers.finalNumber(completion);
        if (got == null) return Verdict.wrong(null, "no number in the completion");
        return Verdict.of(
                Answers.sameNumber(got, example.answer()),
                got,
                Answers.sameNumber(got, example.answer())
                        ? "matches " + example.answer()
                        : "expected " + example.answer());
    }
}
