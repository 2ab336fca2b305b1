package t2j.tokenizer;

/**
 * A chat template that cannot be rendered. {@link #kind()} tells a template using a Jinja feature this
 * interpreter lacks ({@code UNSUPPORTED}: fall back to a built-in {@link ChatFormat}) from a broken template
 * ({@code SYNTAX}), an error while rendering ({@code RUNTIME}) and the template's own {@code raise_exception}
 * ({@code RAISED}, e.g. "conversation roles must alternate").
 */
public class ChatTemplateException extends TokenizerException {
    /** What went wrong. */
    public enum Kind { SYNTAX, UNSUPPORTED, RUNTIME, RAISED }

    private final Kind kind;

    public ChatTemplateException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ChatTemplateException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
