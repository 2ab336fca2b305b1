package t2j.tokenizer;

import java.util.List;
import t2j.tokenizer.jinja.PyValues;

/**
 * Renders a conversation into the prompt text an instruct model was trained on. The result contains the special
 * tokens as text (e.g. {@code <|eot_id|>}); {@link Tokenizer#encode} turns them into their single ids, so the
 * prompt is encoded without adding BOS again.
 *
 * <p>{@link #forTokenizer} uses the model's own {@code chat_template} when tokenizer_config.json has one and a
 * built-in format otherwise. The built-ins reproduce the official templates character for character:
 * <ul>
 *   <li>{@link #LLAMA3}: {@code <|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>}...,
 *       contents trimmed, and {@code <|start_header_id|>assistant<|end_header_id|>\n\n} as the generation prompt;
 *   <li>{@link #MISTRAL} (v0.3 Instruct): {@code <s>[INST] Hi[/INST] Hello</s>[INST] ...[/INST]}; a leading system
 *       message is prepended to the last user message, as Mistral's template does; roles must alternate.
 * </ul>
 */
public interface ChatFormat {
    /**
     * @param addGenerationPrompt end with the header that makes the model answer as the assistant (formats
     *     without one, such as Mistral's, ignore it)
     * @throws IllegalArgumentException or {@link ChatTemplateException} for a conversation the format rejects
     */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);

    /** Llama-3-Instruct's format. */
    ChatFormat LLAMA3 = (messages, addGenerationPrompt) -> {
        StringBuilder b = new StringBuilder("<|begin_of_text|>");
        for (ChatMessage m : messages) {
            b.append("<|start_header_id|>")
                    .append(m.role())
                    .append("<|end_header_id|>\n\n")
                    .append(PyValues.strip(m.content(), null, true, true))
                    .append("<|eot_id|>");
        }
        if (addGenerationPrompt) b.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        return b.toString();
    };

    /** Mistral-Instruct v0.3's format. */
    ChatFormat MISTRAL = (messages, addGenerationPrompt) -> {
        String system = null;
        List<ChatMessage> turns = messages;
        if (!messages.isEmpty() && messages.get(0).role().equals("system")) {
            system = messages.get(0).content();
            turns = messages.subList(1, messages.size());
        }
        StringBuilder b = new StringBuilder("<s>");
        for (int i = 0; i < turns.size(); i++) {
            ChatMessage m = turns.get(i);
            if (m.role().equals("user") != (i % 2 == 0))
                throw new IllegalArgumentException(
                        "After the optional system message, conversation roles must alternate user/assistant/user/assistant/...");
            if (m.role().equals("user")) {
                boolean last = i == turns.size() - 1;
                b.append("[INST] ")
                        .append(last && system != null ? system + "\n\n" : "")
                        .append(m.content())
                        .append("[/INST]");
            } else if (m.role().equals("assistant")) {
                b.append(' ')
                        .append(PyValues.strip(m.content(), null, true, true))
                        .append("</s>");
            } else {
                throw new IllegalArgumentException(
                        "Only user and assistant roles are supported, with the exception of an initial optional system message! (got role '"
                                + m.role() + "')");
            }
        }
        return b.toString();
    };

    /**
     * The built-in format by name: "llama3" or "mistral".
     *
     * @throws IllegalArgumentException for any other name
     */
    static ChatFormat builtIn(String name) {
        switch (name) {
            case "llama3":
                return LLAMA3;
            case "mistral":
                return MISTRAL;
            default:
                throw new IllegalArgumentException("unknown chat format '" + name + "' (built in: llama3, mistral)");
        }
    }

    /**
     * The built-in format that fits a tokenizer's vocabulary: LLAMA3 when it has {@code <|start_header_id|>}, MISTRAL
     * when it has {@code [INST]} or a {@code <s>} BOS.
     *
     * @throws TokenizerException when neither fits
     */
    static ChatFormat builtInFor(Tokenizer tokenizer) {
        if (tokenizer.id("<|start_header_id|>").isPresent()) return LLAMA3;
        if (tokenizer.id("[INST]").isPresent()
                || tokenizer.bosToken().filter("<s>"::equals).isPresent()) return MISTRAL;
        throw new TokenizerException(
                tokenizer.source() + ": no chat_template in tokenizer_config.json and the vocabulary "
                        + "matches neither built-in chat format (llama3, mistral)");
    }

    /**
     * The tokenizer's own chat_template when it has one (compiled now, so an unsupported template fails here, not
     * mid-conversation), else {@link #builtInFor}.
     *
     * @throws ChatTemplateException when the template uses Jinja this interpreter lacks; catch it and use
     *     {@link #builtInFor} to fall back deliberately
     */
    static ChatFormat forTokenizer(Tokenizer tokenizer) {
        return tokenizer
                .chatTemplate()
                .<ChatFormat>map(t -> new ChatTemplate(
                        t, tokenizer.bosToken().orElse(""), tokenizer.eosToken().orElse("")))
                .orElseGet(() -> builtInFor(tokenizer));
    }
}
