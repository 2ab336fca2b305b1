package t2j.tokenizer.jinja;

import java.util.List;
import java.util.Map;

/**
 * A parsed Jinja template in the subset Hugging Face chat templates use: if/elif/else, for (with loop.*, else,
 * inline if, unpacking), set (and {@code namespace()} attributes), break/continue, whitespace control with
 * transformers' trim_blocks and lstrip_blocks, the usual operators, Python string and dict methods, and the filters
 * and tests real templates use (trim, length, tojson, selectattr ...). Values follow Python's semantics, since
 * templates are written against Jinja running on Python.
 *
 * <p>Parsing happens in {@link #parse}; anything outside the subset (macros, unknown filters ...) fails there with a
 * {@link TemplateException} of kind UNSUPPORTED naming the construct and line, so a caller can fall back before
 * rendering anything.
 */
public final class Template {
    private final List<TemplateAst.Node> nodes;

    private Template(List<TemplateAst.Node> nodes) {
        this.nodes = nodes;
    }

    /** @throws TemplateException when the source cannot be parsed or uses an unsupported construct */
    public static Template parse(String source) {
        return new Template(TemplateParser.parse(source));
    }

    /**
     * Renders with JSON-model values (String, Long, Double, Boolean, null, List, Map).
     *
     * @throws TemplateException for an error while rendering, or the template's own raise_exception
     */
    public String render(Map<String, Object> variables) {
        return TemplateInterpreter.render(nodes, variables);
    }
}
