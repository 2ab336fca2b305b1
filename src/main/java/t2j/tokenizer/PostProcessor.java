package t2j.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code post_processor} of tokenizer.json: the special tokens wrapped around an encoded single sequence
 * (Llama and Mistral: BOS in front). Implemented: {@code TemplateProcessing} (its {@code single} template),
 * {@code ByteLevel} (no ids added), {@code BertProcessing}/{@code RobertaProcessing}, and {@code Sequence}.
 */
final class PostProcessor {
    private final int[] before;
    private final int[] after;

    private PostProcessor(int[] before, int[] after) {
        this.before = before;
        this.after = after;
    }

    static final PostProcessor NONE = new PostProcessor(new int[0], new int[0]);

    /** A template of {@code before} + text + {@code after}. */
    static PostProcessor of(int[] before, int[] after) {
        return new PostProcessor(before, after);
    }

    /** The post-processor under field {@code key} of {@code parent}, NONE when there is none. */
    static PostProcessor parse(Spec parent, String key) {
        Spec s = parent.optObject(key);
        return s == null ? NONE : of(s);
    }

    private static PostProcessor of(Spec s) {
        String type = s.string("type");
        switch (type) {
            case "ByteLevel":
                return NONE;
            case "Sequence": {
                PostProcessor acc = NONE;
                for (int i = 0; i < s.list("processors").size(); i++) {
                    PostProcessor p = of(s.element("processors", i));
                    acc = new PostProcessor(concat(p.before, acc.before), concat(acc.after, p.after));
                }
                return acc;
            }
            case "BertProcessing":
            case "RobertaProcessing":
                return new PostProcessor(new int[] {pairId(s, "cls")}, new int[] {pairId(s, "sep")});
            case "TemplateProcessing":
                return template(s);
            default:
                throw s.error(
                        "type",
                        "unsupported post-processor type \"" + type
                                + "\" (supported: TemplateProcessing, ByteLevel, BertProcessing, RobertaProcessing, Sequence)");
        }
    }

    private static PostProcessor template(Spec s) {
        List<Integer> before = new ArrayList<>(), after = new ArrayList<>();
        boolean seenSequence = false;
        Spec specials = s.optObject("special_tokens");
        for (int i = 0; i < s.list("single").size(); i++) {
            Spec item = s.element("single", i);
            if (item.has("Sequence")) {
                if (seenSequence) throw item.error("Sequence", "the single-sequence template names the sequence twice");
                seenSequence = true;
            } else if (item.has("SpecialToken")) {
                String name = item.object("SpecialToken").string("id");
                if (specials == null || !specials.has(name))
                    throw item.error(
                            "SpecialToken",
                            "special token " + Spec.describe(name) + " is not listed in " + s.field("special_tokens"));
                for (Object id : specials.object(name).list("ids")) {
                    if (!(id instanceof Long))
                        throw specials.error(name + ".ids", "expected integer ids, found " + Spec.describe(id));
                    (seenSequence ? after : before).add((int) (long) (Long) id);
                }
            } else {
                throw item.error(
                        "", "expected {\"Sequence\": ...} or {\"SpecialToken\": ...}, found keys " + item.map.keySet());
            }
        }
        return new PostProcessor(
                before.stream().mapToInt(Integer::intValue).toArray(),
                after.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int pairId(Spec s, String key) {
        List<Object> pair = s.list(key);
        if (pair.size() != 2 || !(pair.get(1) instanceof Long)) throw s.error(key, "expected [token, id]");
        return (int) (long) (Long) pair.get(1);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    int[] apply(int[] ids) {
        if (before.length == 0 && after.length == 0) return ids;
        return concat(concat(before, ids), after);
    }
}
