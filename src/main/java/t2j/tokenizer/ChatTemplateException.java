package t2j.tokenizer;

import t2j.tokenizer.jinja.TemplateException;

/**
 * A chat template that cannot be rendered, as a tokenizer error. {@link #kind()} tells a template using a Jinja
 * feature this interpreter lacks ({@code UNSUPPORTED}: fall back to a built-in {@link ChatFormat}) from a broken
 * template ({@code SYNTAX}), an error while rendering ({@code RUNTIME}) and the template's own
 * {@code raise_exception} ({@code RAISED}, e.g. "conversation roles must alternate").
 */
public class ChatTemplateException extends TokenizerException {
    private final TemplateException.Kind kind;

    /** The interpreter's error, message and kind kept. */
    public ChatTemplateException(TemplateException cause) {
        super(cause.getMessage(), cause);
        this.kind = cause.kind();
    }

    public TemplateException.Kind kind() {
        return kind;
    }
}
