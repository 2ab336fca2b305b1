package t2j.tokenizer;

import java.util.List;
import java.util.Map;

/**
 * The parts of {@code tokenizer_config.json} (transformers' tokenizer settings) that matter here: the names of the
 * BOS/EOS tokens, the chat template, and the Llama tokenizer's add_bos/add_eos switches.
 */
final class TokenizerConfig {
    static final TokenizerConfig EMPTY = new TokenizerConfig();

    final String bosToken;
    final String eosToken;
    final String chatTemplate;
    final String tokenizerClass;
    final Boolean addBosToken;
    final Boolean addEosToken;

    private TokenizerConfig() {
        bosToken = eosToken = chatTemplate = tokenizerClass = null;
        addBosToken = addEosToken = null;
    }

    TokenizerConfig(Spec s) {
        bosToken = tokenText(s, "bos_token");
        eosToken = tokenText(s, "eos_token");
        chatTemplate = chatTemplate(s);
        tokenizerClass = s.string("tokenizer_class", null);
        addBosToken = s.has("add_bos_token") ? s.bool("add_bos_token", true) : null;
        addEosToken = s.has("add_eos_token") ? s.bool("add_eos_token", false) : null;
    }

    /** A token given as a string, or (older files) as a serialized AddedToken object with a "content" field. */
    private static String tokenText(Spec s, String key) {
        Object v = s.raw(key);
        if (v == null || v instanceof String) return (String) v;
        if (v instanceof Map) return s.object(key).string("content");
        throw s.error(key, "expected a string or an object with \"content\", found " + Spec.describe(v));
    }

    /** The template string; files with several named templates carry a list, of which "default" is the chat one. */
    private static String chatTemplate(Spec s) {
        Object v = s.raw("chat_template");
        if (v == null || v instanceof String) return (String) v;
        if (!(v instanceof List))
            throw s.error(
                    "chat_template", "expected a string or a list of {name, template}, found " + Spec.describe(v));
        for (int i = 0; i < s.list("chat_template").size(); i++) {
            Spec named = s.element("chat_template", i);
            if (named.string("name").equals("default")) return named.string("template");
        }
        throw s.error("chat_template", "a list of named templates without one named \"default\"");
    }

    boolean isLlamaClass() {
        return tokenizerClass != null && tokenizerClass.matches("(Code)?LlamaTokenizer(Fast)?");
    }
}
