package t2j.tokenizer.jinja;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Jinja subset chat templates use, construct by construct, with Jinja's own results as expectations. */
class TemplateTest {
    private static String render(String template, Object... kv) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("bos_token", "<s>");
        vars.put("eos_token", "</s>");
        for (int i = 0; i < kv.length; i += 2) vars.put((String) kv[i], kv[i + 1]);
        return Template.parse(template).render(vars);
    }

    private static TemplateException failure(String template, Object... kv) {
        return assertThrows(TemplateException.class, () -> render(template, kv));
    }

    @Test
    void outputAndPythonStringConversion() {
        assertEquals(
                "<s>|</s>|None|True|3|2.5|['a', 1]|{'k': 'v'}|",
                render(
                        "{{ bos_token }}|{{ eos_token }}|{{ none }}|{{ true }}|{{ 1 + 2 }}|{{ 5 / 2 }}|{{ ['a', 1] }}|{{ {'k': 'v'} }}|{{ missing }}"));
    }

    @Test
    void operatorPrecedenceFollowsJinja() {
        assertEquals("<x>y", render("{{ '<' + s | trim + '>' + 'y' }}", "s", " x "), "filters bind tighter than +");
        assertEquals(
                "7|1|ab3|True|False",
                render("{{ 1 + 2 * 3 }}|{{ 7 // 2 % 2 }}|{{ 'a' ~ 'b' ~ 3 }}|{{ not 1 == 2 }}|{{ 1 < 2 < 1 }}"));
        assertEquals(
                "yes|no|",
                render("{{ 'yes' if x else 'no' }}|{{ 'yes' if not x else 'no' }}|{{ 'z' if not x }}", "x", true));
        assertEquals(
                "True|True|False",
                render("{{ 'a' in 'cat' }}|{{ 2 not in [1, 3] }}|{{ x is defined and x is not none }}", "x", null));
    }

    @Test
    void whitespaceControlAndTrimBlocks() {
        assertEquals("a\nb", render("a\n{% if true %}\nb{% endif %}"), "trim_blocks drops the newline after a tag");
        assertEquals(
                "x\ny\n",
                render("x\n    {% if true %}\ny\n    {% endif %}\n"),
                "lstrip_blocks drops a block tag's indentation");
        assertEquals("ab", render("a   {%- if true -%}   \n\n b{%- endif %}"));
        assertEquals("1\n2\n", render("{% for i in [1, 2] %}\n{{ i }}\n{% endfor %}"));
        assertEquals("ab", render("a{# a comment #}b"));
        assertEquals("  a", render("  {{ 'a' }}"), "output tags keep their indentation");
    }

    @Test
    void forLoopVariables() {
        assertEquals(
                "[0 1 T F 3 2] [1 2 F F 3 1] [2 3 F T 3 0] ",
                render(
                        "{% for x in xs %}[{{ loop.index0 }} {{ loop.index }} {{ 'T' if loop.first else 'F' }} {{ 'T' if loop.last else 'F' }} {{ loop.length }} {{ loop.revindex0 }}] {% endfor %}",
                        "xs", List.of("a", "b", "c")));
        assertEquals("empty", render("{% for x in [] %}{{ x }}{% else %}empty{% endfor %}"));
        assertEquals("b", render("{% for x in ['a', 'b'] if x != 'a' %}{{ x }}{% endfor %}"));
        assertEquals(
                "k=1;j=2;",
                render(
                        "{% for key, val in d.items() %}{{ key }}={{ val }};{% endfor %}",
                        "d", linked("k", 1L, "j", 2L)));
        assertEquals(
                "13",
                render(
                        "{% for i in range(5) %}{% if i == 0 or i == 2 %}{% continue %}{% endif %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}"));
    }

    @Test
    void setInsideALoopStaysThereButNamespacesCarryOut() {
        assertEquals(
                "0|3",
                render(
                        "{% set n = 0 %}{% set ns = namespace(n=0) %}{% for i in [1, 2] %}{% set n = n + i %}{% set ns.n = ns.n + i %}{% endfor %}{{ n }}|{{ ns.n }}"));
        assertEquals("[hi]", render("{% set x %}hi{% endset %}[{{ x }}]"));
        assertEquals("b", render("{% if true %}{% set x = 'b' %}{% endif %}{{ x }}"), "if blocks share the scope");
    }

    @Test
    void subscriptsSlicesAndAttributes() {
        Map<String, Object> m = linked("role", "user", "content", "hi");
        List<Object> msgs =
                List.of(linked("role", "system", "content", "S"), m, linked("role", "assistant", "content", "A"));
        assertEquals(
                "user|A|system|2|S",
                render(
                        "{{ messages[1]['role'] }}|{{ messages[-1].content }}|{{ messages[0].role }}|{{ messages[1:] | length }}|{{ messages[:1][0]['content'] }}",
                        "messages",
                        msgs));
        assertEquals(
                "cba|bc|True", render("{{ s[::-1] }}|{{ s[1:] }}|{{ m.tool_calls is undefined }}", "s", "abc", "m", m));
    }

    @Test
    void filters() {
        assertEquals(
                "x|3|A-B|[\"a\", {\"k\": [1, 2.5, null, true]}]|é",
                render(
                        "{{ ' x\\n' | trim }}|{{ 'abc' | length }}|{{ ['a', 'b'] | join('-') | upper }}|{{ ['a', {'k': [1, 2.5, none, true]}] | tojson }}|{{ 'é' | tojson | replace('\"', '') }}"));
        List<Object> msgs = List.of(
                linked("role", "user", "content", "a"),
                linked("role", "tool", "content", "b"),
                linked("role", "user", "content", "c"));
        assertEquals(
                "a,c|b|2|a;b;c",
                render(
                        "{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | join(',') }}|{{ (messages | rejectattr('role', 'eq', 'user') | first).content }}|{{ messages | selectattr('role', 'equalto', 'user') | list | length }}|{{ messages | map(attribute='content') | join(';') }}",
                        "messages",
                        msgs));
        assertEquals(
                "dflt|{\n  \"a\": 1\n}", render("{{ missing | default('dflt') }}|{{ {'a': 1} | tojson(indent=2) }}"));
    }

    @Test
    void stringAndDictMethods() {
        assertEquals(
                "x|a,b|True|Ab|v|none",
                render(
                        "{{ '  x '.strip() }}|{{ 'a b'.split() | join(',') }}|{{ 'abc'.startswith('ab') }}|{{ 'ab'.capitalize() }}|{{ d.get('k') }}|{{ d.get('z', 'none') }}",
                        "d",
                        linked("k", "v")));
    }

    @Test
    void raiseExceptionStopsRenderingWithTheTemplatesMessage() {
        TemplateException e = failure(
                "{% if messages | length == 0 %}{{ raise_exception('need a message!') }}{% endif %}",
                "messages", List.of());
        assertEquals(TemplateException.Kind.RAISED, e.kind());
        assertTrue(e.getMessage().contains("need a message!"), e.getMessage());
    }

    @Test
    void unsupportedConstructsAreNamedWithTheirLine() {
        TemplateException macro = failure("ok\n{% macro f() %}x{% endmacro %}");
        assertEquals(TemplateException.Kind.UNSUPPORTED, macro.kind());
        assertTrue(macro.getMessage().contains("line 2") && macro.getMessage().contains("macro"), macro.getMessage());
        TemplateException filter = failure("{{ x | xmlattr }}");
        assertEquals(TemplateException.Kind.UNSUPPORTED, filter.kind());
        assertTrue(filter.getMessage().contains("filter 'xmlattr'"), filter.getMessage());
        assertEquals(
                TemplateException.Kind.UNSUPPORTED,
                failure("{{ x is sameas y }}").kind());
    }

    @Test
    void syntaxAndRuntimeErrors() {
        assertEquals(
                TemplateException.Kind.SYNTAX, failure("{% if x %}never closed").kind());
        assertEquals(TemplateException.Kind.SYNTAX, failure("{{ 1 + }}").kind());
        assertEquals(TemplateException.Kind.SYNTAX, failure("{% endfor %}").kind());
        TemplateException e = failure("\n{{ 'a' + 1 }}");
        assertEquals(TemplateException.Kind.RUNTIME, e.kind());
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("'str' and 'int'"), e.getMessage());
        assertTrue(failure("{{ nothing.attr }}").getMessage().contains("'nothing' is undefined"));
    }

    @Test
    void strftimeDirectives() {
        assertEquals(
                "05 Mar 2024 / 5 March 24",
                TemplateInterpreter.strftime("%d %b %Y / %-d %B %y", java.time.LocalDateTime.of(2024, 3, 5, 10, 0)));
    }

    private static Map<String, Object> linked(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
