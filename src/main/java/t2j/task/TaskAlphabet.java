package t2j.task;

/**
 * Every character the built-in generators can emit in a system message, prompt, answer or reference, in one
 * place so that a character-level tokenizer built over it covers all synthetic data (a test checks this).
 * Chat-template markers are the tokenizer's business and are not included.
 *
 * <pre>{@code
 * for (char c : TaskAlphabet.CHARS.toCharArray()) vocab.add(String.valueOf(c));
 * }</pre>
 */
public final class TaskAlphabet {
    private TaskAlphabet() {}

    /** Sorted by code point: space, printable punctuation, digits and both letter cases (no newline is used). */
    public static final String CHARS =
            " !#%()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]abcdefghijklmnopqrstuvwxyz{|}";

    /** Whether {@code text} uses only {@link #CHARS}. */
    public static boolean covers(String text) {
        for (int i = 0; i < text.length(); i++) if (CHARS.indexOf(text.charAt(i)) < 0) return false;
        return true;
    }
}
