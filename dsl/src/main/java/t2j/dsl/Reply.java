package t2j.dsl;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import t2j.adapt.Decision;
import t2j.adapt.TwoPass;
import t2j.task.Example;

/**
 * A model's answer to one prompt, with what the first pass decided when it came from a {@link Transformer2}.
 *
 * <pre>{@code
 * Reply r = t2.answer("Sam has 3 apples and buys 4 more. How many apples does Sam have?");
 * r.decision().label();   // "math"
 * r.text();
 * }</pre>
 *
 * @param decision null for a plain model's answer
 * @param timing   pass 1 / composition / pass 2 seconds, null for a plain model's answer
 * @param request  the request as the model saw it (system prompt included), so a verdict on the reply can be
 *                 credited to the expert that answered it ({@link Transformer2#feedback})
 */
public record Reply(
        String prompt, String text, Decision decision, TwoPass.Timing timing, double seconds, Example request)
        implements Renderable {
    Reply(Example request, String text, double seconds) {
        this(request.prompt(), text, null, null, seconds, request);
    }

    @Override
    public Map<String, Object> mimeBundle() {
        StringBuilder h = new StringBuilder("<div style=\"font-family:sans-serif;font-size:13px\">");
        h.append("<div><b>prompt</b>: <code>").append(Mime.escape(prompt)).append("</code></div>");
        if (decision != null)
            h.append("<div><b>pass 1</b>: <span style=\"background:#e8f0fe;padding:1px 6px;border-radius:4px\">")
                    .append(Mime.escape(decision.label()))
                    .append("</span> ")
                    .append(Mime.escape(decision.mixture().toString()))
                    .append(" &mdash; <i>")
                    .append(Mime.escape(decision.reason()))
                    .append("</i></div>");
        h.append("<div><b>answer</b>:</div><pre style=\"background:#f6f8fa;padding:6px\">")
                .append(Mime.escape(text))
                .append("</pre>");
        h.append("<div style=\"color:#666\">").append(Mime.escape(timingText())).append("</div></div>");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text/html", h.toString());
        m.put("text/plain", toString());
        return m;
    }

    private String timingText() {
        if (timing == null) return String.format(Locale.ROOT, "%.2f s", seconds);
        return String.format(
                Locale.ROOT,
                "pass 1 %.0f ms, composition %.0f ms, pass 2 %.0f ms",
                timing.pass1Seconds() * 1e3,
                timing.composeSeconds() * 1e3,
                timing.pass2Seconds() * 1e3);
    }

    @Override
    public String toString() {
        return (decision == null ? "" : "[" + decision.label() + "] ") + text + "  (" + timingText() + ")";
    }
}
