package t2j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import t2j.tokenizer.jinja.TemplateException;

/** What {@link ChatTemplate} adds to the interpreter: messages as variables, bos/eos, and this package's errors. */
class ChatTemplateTest {
    private static final String TEMPLATE = "{{ bos_token }}{% for m in messages %}[{{ m.role }}:{{ m.content }}]"
            + "{% endfor %}{% if add_generation_prompt %}[assistant:{% endif %}";

    @Test
    void messagesAndSpecialTokensBecomeTemplateVariables() {
        ChatTemplate t = new ChatTemplate(TEMPLATE, "<s>", "</s>");
        List<ChatMessage> chat = List.of(ChatMessage.system("be brief"), ChatMessage.user("Hi"));
        assertEquals("<s>[system:be brief][user:Hi][assistant:", t.render(chat, true));
        assertEquals("<s>[system:be brief][user:Hi]", t.render(chat, false));
    }

    @Test
    void interpreterErrorsArriveAsChatTemplateExceptionsWithKindAndMessageKept() {
        ChatTemplateException parse = assertThrows(
                ChatTemplateException.class,
                () -> new ChatTemplate("ok\n{% macro f() %}x{% endmacro %}", "<s>", "</s>"));
        assertEquals(TemplateException.Kind.UNSUPPORTED, parse.kind());
        assertTrue(parse.getMessage().contains("line 2") && parse.getMessage().contains("macro"), parse.getMessage());
        assertInstanceOf(TemplateException.class, parse.getCause());

        ChatTemplate raising = new ChatTemplate("{{ raise_exception('roles must alternate') }}", "<s>", "</s>");
        ChatTemplateException raised =
                assertThrows(ChatTemplateException.class, () -> raising.render(List.of(ChatMessage.user("Hi")), true));
        assertEquals(TemplateException.Kind.RAISED, raised.kind());
        assertTrue(raised.getMessage().contains("roles must alternate"), raised.getMessage());
        assertInstanceOf(TokenizerException.class, raised, "callers catch a tokenizer's errors in one place");
    }
}
