package t2j.task.real;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import t2j.task.Answers;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Verdict;

/**
 * AI2 ARC (Easy or Challenge) in its jsonl release format: {@code id}, {@code question} with {@code stem} and
 * {@code choices} [{@code label}, {@code text}], and {@code answerKey}.
 *
 * <p>Some ARC questions label their choices {@code 1}–{@code 5}; those are shown and scored as {@code A}–{@code E}
 * so one letter extractor serves all. The reference is just {@code Answer: X} (ARC has no worked reasons). The
 * verifier extracts the letter like the synthetic reasoning task; a completion with no letter is wrong (the
 * original code scores a random guess instead).
 *
 * <pre>{@code
 * ArcTask t = ArcTask.load("arc-challenge", Map.of(Split.TEST, Path.of("ARC-Challenge-Test.jsonl")), LoadOptions.DEFAULT.withTransfer(10, 38));
 * }</pre>
 */
public final class ArcTask extends DatasetTask {
    /** Asks for the answer format the verifier reads first. */
    public static final String SYSTEM = "Think step by step, then end with: Answer: <letter>";

    private static final String LETTERS = "ABCDE";

    private ArcTask(String name, Map<Split, Path> files, LoadOptions options) {
        super(name, "reasoning", files, options, ArcTask::parse);
    }

    /** Loads the given split files under the task name {@code name} (e.g. "arc-easy"). */
    public static ArcTask load(String name, Map<Split, Path> files, LoadOptions options) {
        return new ArcTask(name, files, options);
    }

    static Example parse(Row row, String id) {
        Row question = new Row(row.object("question"), row.where(), row.index());
        List<?> choices = question.list("choices");
        if (choices.size() < 2 || choices.size() > LETTERS.length())
            throw new IllegalArgumentException("expected 2-" + LETTERS.length() + " choices, got " + choices.size());
        String key = letter(row.text("answerKey"));
        StringBuilder prompt = new StringBuilder(question.string("stem"));
        boolean keyFound = false;
        for (Object c : choices) {
            if (!(c instanceof Map<?, ?>)) throw new IllegalArgumentException("a choice is not an object");
            @SuppressWarnings("unchecked")
            Row choice = new Row((Map<String, Object>) c, row.where(), row.index());
            String label = letter(choice.text("label"));
            keyFound |= label.equals(key);
            prompt.append('\n').append(label).append(") ").append(choice.string("text"));
        }
        if (!keyFound) throw new IllegalArgumentException("answerKey " + key + " is not among the choice labels");
        String rowId = row.optionalString("id");
        return new Example(rowId != null ? rowId : id, SYSTEM, prompt.toString(), key, "Answer: " + key);
    }

    private static String letter(String label) {
        String l = label.trim();
        if (l.length() == 1 && l.charAt(0) >= '1' && l.charAt(0) <= '5')
            return String.valueOf((char) ('A' + l.charAt(0) - '1'));
        if (l.length() == 1 && LETTERS.indexOf(l.charAt(0)) >= 0) return l;
        throw new IllegalArgumentException("unexpected choice label '" + label + "'");
    }

    @Override
    public Verdict verify(Example example, String completion) {
        String got = Answers.choiceLetter(completion, LETTERS);
        if (got == null) return Verdict.wrong(null, "no answer letter found");
        return got.equals(example.answer())
                ? Verdict.right(got, "chose " + got)
                : Verdict.wrong(got, "chose " + got + ", expected " + example.answer());
    }
}
