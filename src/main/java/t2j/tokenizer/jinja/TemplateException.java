package t2j.tokenizer.jinja;

/**
 * A template that cannot be rendered. {@link #kind()} tells a template using a Jinja feature this interpreter lacks
 * ({@code UNSUPPORTED}) from a broken template ({@code SYNTAX}), an error while rendering ({@code RUNTIME}) and the
 * template's own {@code raise_exception} ({@code RAISED}).
 */
public class TemplateException extends RuntimeException {
    /** What went wrong. */
    public enum Kind {
        SYNTAX,
        UNSUPPORTED,
        RUNTIME,
        RAISED
    }

    private final Kind kind;

    public TemplateException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
