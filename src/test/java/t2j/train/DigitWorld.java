package t2j.train;

import java.util.ArrayList;
import java.util.List;
import t2j.model.ModelConfig;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Verdict;

/**
 * A world small enough to train in a unit test: prompts {@code "a+b+c="} over digits, answer {@code max(a, b, c)},
 * a character-level vocabulary, and a micro Llama that learns it imperfectly in seconds.
 */
public final class DigitWorld extends CharPrompter implements Task {
    static final String CHARS = "0123456789+=";
    static final int BOS = CHARS.length(), EOS = CHARS.length() + 1;
    private final List<Example> train = new ArrayList<>(), valid = new ArrayList<>();

    public DigitWorld(long seed) {
        super(CHARS);
        List<Example> all = new ArrayList<>();
        for (int a = 0; a < 10; a++)
            for (int b = 0; b < 10; b++)
                for (int c = 0; c < 10; c++) {
                    String ans = Integer.toString(Math.max(a, Math.max(b, c)));
                    all.add(new Example(a + "" + b + c, null, a + "+" + b + "+" + c + "=", ans, ans));
                }
        java.util.Collections.shuffle(all, new java.util.Random(seed));
        valid.addAll(all.subList(0, 100));
        train.addAll(all.subList(100, all.size()));
    }

    public static ModelConfig config() {
        return new ModelConfig(
                "llama",
                48,
                96,
                4,
                2,
                12,
                2,
                CHARS.length() + 2,
                1e-5,
                10000.0,
                null,
                0,
                false,
                64,
                new int[] {BOS},
                new int[] {EOS});
    }

    @Override
    public String name() {
        return "digits";
    }

    @Override
    public String category() {
        return "math";
    }

    @Override
    public List<Example> examples(Split split) {
        return split == Split.TRAIN ? train : split == Split.VALIDATION ? valid : List.of();
    }

    @Override
    public Verdict verify(Example e, String completion) {
        String got = completion.strip();
        return Verdict.of(got.equals(e.answer()), got, got.equals(e.answer()) ? "right" : "expected " + e.answer());
    }

    /** Training sequences (prompt + reference) for pretraining. */
    public List<int[]> sequences() {
        List<int[]> out = new ArrayList<>();
        for (Example e : train) {
            int[] p = promptIds(e), r = referenceIds(e), s = java.util.Arrays.copyOf(p, p.length + r.length);
            System.arraycopy(r, 0, s, p.length, r.length);
            out.add(s);
        }
        return out;
    }
}
