package t2j.tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import t2j.tokenizer.jinja.Template;
import t2j.tokenizer.jinja.TemplateException;

/**
 * A Hugging Face chat template ({@code chat_template} in tokenizer_config.json) rendered by the Jinja interpreter
 * of {@link t2j.tokenizer.jinja} (the subset real templates use; enough for the Llama-3 and Mistral templates).
 *
 * <p>The template is parsed in the constructor; anything outside the subset (macros, unknown filters ...) fails
 * there with a {@link ChatTemplateException} of kind UNSUPPORTED naming the construct and line.
 *
 * <pre>{@code
 * ChatTemplate t = new ChatTemplate(tokenizer.chatTemplate().orElseThrow(), "<|begin_of_text|>", "<|eot_id|>");
 * String prompt = t.render(List.of(ChatMessage.user("Hi")), true);
 * }</pre>
 */
public final class ChatTemplate implements ChatFormat {
    private final Template template;
    private final String bosToken;
    private final String eosToken;

    /**
     * @param bosToken value of the template variable {@code bos_token}
     * @param eosToken value of the template variable {@code eos_token}
     * @throws ChatTemplateException when the template cannot be parsed or uses an unsupported construct
     */
    public ChatTemplate(String source, String bosToken, String eosToken) {
        this.template = translated(() -> Template.parse(source));
        this.bosToken = bosToken;
        this.eosToken = eosToken;
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Object> msgs = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("role", m.role());
            o.put("content", m.content());
            msgs.add(o);
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("messages", msgs);
        vars.put("add_generation_prompt", addGenerationPrompt);
        return render(vars);
    }

    /**
     * Renders with arbitrary variables (JSON-model values: String, Long, Double, Boolean, null, List, Map), e.g.
     * {@code messages} with tool calls or {@code tools}; {@code bos_token} and {@code eos_token} are added unless given.
     *
     * @throws ChatTemplateException for an error while rendering, or the template's own raise_exception
     */
    public String render(Map<String, Object> variables) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("bos_token", bosToken);
        vars.put("eos_token", eosToken);
        vars.putAll(variables);
        return translated(() -> template.render(vars));
    }

    /** The interpreter knows no tokenizers; its errors become this package's, kind and message kept. */
    private static <T> T translated(Supplier<T> step) {
        try {
            return step.get();
        } catch (TemplateException e) {
            throw new ChatTemplateException(e);
        }
    }
}
