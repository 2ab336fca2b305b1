package t2j.adapt.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One composition of weights, as the adaptation log records it: why (purpose, and per answered request the pass-1
 * label, reason and confidence), what (experts with their α and file fingerprints, the matrices touched, the
 * controls in force, the base weights' fingerprint), how long, and the answers given with it. Enough to compose the
 * same weights again and reproduce each answer ({@code t2j.adapt.Replay}).
 *
 * @param seq             position in its log, from 1
 * @param time            ISO-8601 instant the composition was made
 * @param session         the session that made it
 * @param purpose         {@code answer}, {@code dispatch}, {@code search}, {@code score}, {@code masks}, {@code z}, ...
 * @param alpha           the composed mixture's weights by expert (empty: base weights)
 * @param experts         SHA-256 fingerprint of each composed expert's file (or of its z-vectors when it has none)
 * @param matrices        the adapted matrices whose weights changed
 * @param baseFingerprint the model's base weights
 * @param controls        the controls in force (their JSON form)
 * @param maxNewTokens    the second pass's answer limit (0 when nothing was answered)
 * @param answers         the requests answered with these weights
 * @param note            what happened besides composing (an expert update kept or rolled back and why), or null
 */
public record LogEntry(
        long seq,
        String time,
        String session,
        String purpose,
        Map<String, List<Double>> alpha,
        Map<String, String> experts,
        List<String> matrices,
        String baseFingerprint,
        Map<String, Object> controls,
        double composeSeconds,
        double pass1Seconds,
        double pass2Seconds,
        int maxNewTokens,
        List<Answer> answers,
        String note) {

    /** One request answered with the entry's weights, and what pass 1 had decided for it. */
    public record Answer(
            String id,
            String system,
            String prompt,
            String completion,
            String label,
            String reason,
            double confidence) {}

    public LogEntry {
        alpha = Collections.unmodifiableMap(new LinkedHashMap<>(alpha));
        experts = Collections.unmodifiableMap(new LinkedHashMap<>(experts));
        matrices = List.copyOf(matrices);
        controls = controls == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(controls));
        answers = List.copyOf(answers);
    }

    /** This entry numbered {@code n} in its log. */
    public LogEntry withSeq(long n) {
        return new LogEntry(
                n,
                time,
                session,
                purpose,
                alpha,
                experts,
                matrices,
                baseFingerprint,
                controls,
                composeSeconds,
                pass1Seconds,
                pass2Seconds,
                maxNewTokens,
                answers,
                note);
    }

    /** This entry with answers and pass timings attached (the two-pass runner adds them after generating). */
    public LogEntry withAnswers(List<Answer> more, double pass1, double pass2, int maxNew) {
        List<Answer> all = new ArrayList<>(answers);
        all.addAll(more);
        return new LogEntry(
                seq,
                time,
                session,
                purpose,
                alpha,
                experts,
                matrices,
                baseFingerprint,
                controls,
                composeSeconds,
                pass1Seconds + pass1,
                pass2Seconds + pass2,
                maxNew,
                all,
                note);
    }

    /** Whether the entry composed the base weights (no expert, no hand-made masks or z-vectors). */
    public boolean isBase() {
        return alpha.isEmpty() && matrices.isEmpty();
    }

    /**
     * Experts with their mean α, e.g. {@code math=1.00 code=0.30}; {@code base}; or, for weights written from
     * z-vectors or masks rather than a mixture (training's view of an expert, a truncation), {@code z-vectors} or
     * {@code masks}.
     */
    public String mixture() {
        if (alpha.isEmpty()) return matrices.isEmpty() ? "base" : purpose.equals("z") ? "z-vectors" : "masks";
        StringBuilder b = new StringBuilder();
        alpha.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ")
                .append(k)
                .append('=')
                .append(String.format(
                        java.util.Locale.ROOT,
                        "%.2f",
                        v.stream().mapToDouble(Double::doubleValue).average().orElse(0))));
        return b.toString();
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("time", time);
        m.put("session", session);
        m.put("purpose", purpose);
        Map<String, Object> a = new LinkedHashMap<>(alpha);
        m.put("alpha", a);
        m.put("experts", new LinkedHashMap<>(experts));
        m.put("matrices", matrices);
        m.put("base_fingerprint", baseFingerprint);
        m.put("controls", controls);
        m.put("compose_s", composeSeconds);
        m.put("pass1_s", pass1Seconds);
        m.put("pass2_s", pass2Seconds);
        m.put("max_new_tokens", maxNewTokens);
        List<Object> as = new ArrayList<>();
        for (Answer x : answers) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", x.id());
            o.put("system", x.system());
            o.put("prompt", x.prompt());
            o.put("completion", x.completion());
            o.put("label", x.label());
            o.put("reason", x.reason());
            o.put("confidence", Double.isNaN(x.confidence()) ? null : x.confidence());
            as.add(o);
        }
        m.put("answers", as);
        m.put("note", note);
        return m;
    }

    @SuppressWarnings("unchecked")
    static LogEntry fromJson(Map<String, Object> m) {
        Map<String, List<Double>> alpha = new LinkedHashMap<>();
        ((Map<String, Object>) m.get("alpha")).forEach((k, v) -> {
            List<Double> l = new ArrayList<>();
            for (Object o : (List<?>) v) l.add(((Number) o).doubleValue());
            alpha.put(k, l);
        });
        Map<String, String> experts = new LinkedHashMap<>();
        ((Map<String, Object>) m.get("experts")).forEach((k, v) -> experts.put(k, (String) v));
        List<String> matrices = new ArrayList<>();
        for (Object o : (List<?>) m.get("matrices")) matrices.add((String) o);
        List<Answer> answers = new ArrayList<>();
        for (Object o : (List<?>) m.get("answers")) {
            Map<String, Object> x = (Map<String, Object>) o;
            Object c = x.get("confidence");
            answers.add(new Answer(
                    (String) x.get("id"),
                    (String) x.get("system"),
                    (String) x.get("prompt"),
                    (String) x.get("completion"),
                    (String) x.get("label"),
                    (String) x.get("reason"),
                    c == null ? Double.NaN : ((Number) c).doubleValue()));
        }
        return new LogEntry(
                ((Number) m.get("seq")).longValue(),
                (String) m.get("time"),
                (String) m.get("session"),
                (String) m.get("purpose"),
                alpha,
                experts,
                matrices,
                (String) m.get("base_fingerprint"),
                (Map<String, Object>) m.get("controls"),
                num(m, "compose_s"),
                num(m, "pass1_s"),
                num(m, "pass2_s"),
                ((Number) m.get("max_new_tokens")).intValue(),
                answers,
                (String) m.get("note"));
    }

    private static double num(Map<String, Object> m, String k) {
        return ((Number) m.get(k)).doubleValue();
    }
}
