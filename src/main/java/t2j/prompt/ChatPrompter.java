package t2j.prompt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import t2j.model.ModelConfig;
import t2j.task.Example;
import t2j.tokenizer.ChatFormat;
import t2j.tokenizer.ChatMessage;
import t2j.tokenizer.Tokenizer;

/**
 * A {@link Prompter} for instruct models: the example's system and user messages rendered with the model's chat
 * format, the reference as the assistant's turn (so it ends with the format's end-of-turn token), and generation
 * stopping at any end-of-turn or end-of-sequence id.
 */
public final class ChatPrompter implements Prompter {
    private final Tokenizer tokenizer;
    private final ChatFormat format;
    private final int[] stops;

    public ChatPrompter(Tokenizer tokenizer, ChatFormat format, ModelConfig config) {
        this.tokenizer = tokenizer;
        this.format = format;
        stops = stopIds(config, tokenizer);
        if (stops.length == 0)
            throw new IllegalArgumentException(
                    tokenizer.source() + ": no end-of-sequence token known; generation would never stop");
    }

    /** Every id that ends a turn: the config's EOS ids, the tokenizer's EOS, and Llama-3's end-of-turn. */
    public static int[] stopIds(ModelConfig config, Tokenizer tokenizer) {
        Set<Integer> s = new LinkedHashSet<>();
        for (int id : config.eosTokenIds()) s.add(id);
        tokenizer.eosId().ifPresent(s::add);
        tokenizer.id("<|eot_id|>").ifPresent(s::add);
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The model folder's tokenizer with its own chat format. */
    public static ChatPrompter forModel(Tokenizer tokenizer, ModelConfig config) {
        return new ChatPrompter(tokenizer, ChatFormat.forTokenizer(tokenizer), config);
    }

    private List<ChatMessage> messages(Example e) {
        List<ChatMessage> m = new ArrayList<>();
        if (e.system() != null) m.add(ChatMessage.system(e.system()));
        m.add(ChatMessage.user(e.prompt()));
        return m;
    }

    @Override
    public int[] promptIds(Example e) {
        return tokenizer.encode(format.render(messages(e), true));
    }

    @Override
    public int[] referenceIds(Example e) {
        if (e.reference() == null)
            throw new IllegalArgumentException("example " + e.id() + " has no reference completion to train on");
        int[] prompt = promptIds(e);
        List<ChatMessage> m = messages(e);
        m.add(ChatMessage.assistant(e.reference()));
        int[] full = tokenizer.encode(format.render(m, false));
        // The reference is what the full conversation adds after the prompt, end-of-turn token included.
        if (full.length > prompt.length && Arrays.equals(Arrays.copyOf(full, prompt.length), prompt))
            return Arrays.copyOfRange(full, prompt.length, full.length);
        int[] ref = tokenizer.encode(e.reference()), r = Arrays.copyOf(ref, ref.length + 1);
        r[ref.length] = stops[0];
        return r;
    }

    @Override
    public String decode(int[] completion) {
        return tokenizer.decode(completion, true);
    }

    @Override
    public int[] stopIds() {
        return stops.clone();
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ChatFormat format() {
        return format;
    }
}
