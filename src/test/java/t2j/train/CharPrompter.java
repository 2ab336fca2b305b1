package t2j.train;

import java.util.Arrays;
import t2j.prompt.Prompter;
import t2j.task.Example;

/**
 * A {@link Prompter} for the test worlds: one token per character of a fixed alphabet, then BOS and EOS. A system
 * message, when present, is written before the prompt and separated by {@code '|'}.
 */
public class CharPrompter implements Prompter {
    protected final String chars;
    public final int bos, eos;

    public CharPrompter(String chars) {
        this.chars = chars;
        this.bos = chars.length();
        this.eos = chars.length() + 1;
    }

    /** Vocabulary size: the alphabet plus BOS and EOS. */
    public int vocabSize() {
        return chars.length() + 2;
    }

    protected int[] ids(String s) {
        int[] r = new int[s.length()];
        for (int i = 0; i < r.length; i++) {
            r[i] = chars.indexOf(s.charAt(i));
            if (r[i] < 0) throw new IllegalArgumentException("'" + s.charAt(i) + "' is not in this world's alphabet");
        }
        return r;
    }

    @Override
    public int[] promptIds(Example e) {
        int[] p = ids((e.system() != null ? e.system() + "|" : "") + e.prompt()), r = new int[p.length + 1];
        r[0] = bos;
        System.arraycopy(p, 0, r, 1, p.length);
        return r;
    }

    @Override
    public int[] referenceIds(Example e) {
        int[] a = ids(e.reference()), r = Arrays.copyOf(a, a.length + 1);
        r[a.length] = eos;
        return r;
    }

    @Override
    public String decode(int[] completion) {
        StringBuilder b = new StringBuilder();
        for (int id : completion) if (id < chars.length()) b.append(chars.charAt(id));
        return b.toString();
    }

    @Override
    public int[] stopIds() {
        return new int[] {eos};
    }
}
