package t2j.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code decoder} stage of tokenizer.json: turns token strings back into text. Like Hugging Face tokenizers,
 * each decoder maps a list of token strings to a list of strings, so a {@code Sequence} can chain them.
 * Implemented: {@code Sequence}, {@code ByteLevel}, {@code Replace}, {@code ByteFallback}, {@code Fuse},
 * {@code Strip}, {@code Metaspace}.
 */
interface Decoder {
    List<String> decodeChain(List<String> tokens);

    /** The decoder under field {@code key} of {@code parent}, or null when there is none. */
    static Decoder parse(Spec parent, String key) {
        Spec s = parent.optObject(key);
        return s == null ? null : of(s);
    }

    private static Decoder of(Spec s) {
        String type = s.string("type");
        switch (type) {
            case "Sequence": {
                List<Decoder> parts = new ArrayList<>();
                for (int i = 0; i < s.list("decoders").size(); i++) parts.add(of(s.element("decoders", i)));
                return tokens -> {
                    for (Decoder d : parts) tokens = d.decodeChain(tokens);
                    return tokens;
                };
            }
            case "ByteLevel":
                return tokens -> {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    for (String t : tokens) ByteLevel.appendBytes(t, bytes);
                    return List.of(bytes.toString(StandardCharsets.UTF_8));
                };
            case "Replace": {
                java.util.regex.Pattern pattern = HfRegex.compile(s, "pattern");
                String content = java.util.regex.Matcher.quoteReplacement(s.string("content"));
                return tokens -> map(tokens, t -> pattern.matcher(t).replaceAll(content));
            }
            case "ByteFallback":
                return Decoder::fuseByteTokens;
            case "Fuse":
                return tokens -> List.of(String.join("", tokens));
            case "Strip": {
                String content = s.string("content");
                if (content.length() != 1)
                    throw s.error("content", "expected a single character, found " + Spec.describe(content));
                char c = content.charAt(0);
                int start = s.integer("start"), stop = s.integer("stop");
                return tokens -> map(tokens, t -> {
                    int a = 0, b = t.length();
                    while (a < start && a < b && t.charAt(a) == c) a++;
                    while (t.length() - b < stop && b > a && t.charAt(b - 1) == c) b--;
                    return t.substring(a, b);
                });
            }
            case "Metaspace": {
                String replacement = s.string("replacement", "\u2581");
                boolean stripFirst = !PreTokenizer.Metaspace.prependScheme(s).equals("never");
                return tokens -> {
                    List<String> out = new ArrayList<>(tokens.size());
                    for (int i = 0; i < tokens.size(); i++) {
                        String t = tokens.get(i).replace(replacement, " ");
                        out.add(i == 0 && stripFirst && t.startsWith(" ") ? t.substring(1) : t);
                    }
                    return out;
                };
            }
            default:
                throw s.error(
                        "type",
                        "unsupported decoder type \"" + type
                                + "\" (supported: Sequence, ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace)");
        }
    }

    private static List<String> map(List<String> tokens, java.util.function.UnaryOperator<String> f) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String t : tokens) out.add(f.apply(t));
        return out;
    }

    /**
     * Replaces runs of {@code <0xNN>} byte tokens by the text they spell. A run that is not valid UTF-8 becomes one
     * U+FFFD per byte, as Hugging Face tokenizers does.
     */
    static List<String> fuseByteTokens(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        for (String t : tokens) {
            int b = byteToken(t);
            if (b >= 0) {
                run.write(b);
                continue;
            }
            flush(run, out);
            out.add(t);
        }
        flush(run, out);
        return out;
    }

    private static void flush(ByteArrayOutputStream run, List<String> out) {
        if (run.size() == 0) return;
        byte[] bytes = run.toByteArray();
        run.reset();
        try {
            out.add(StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException e) {
            for (int i = 0; i < bytes.length; i++) out.add("\uFFFD");
        }
    }

    /** The byte a {@code <0xNN>} token stands for, or -1 for any other token. */
    static int byteToken(String t) {
        if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') return -1;
        int hi = Character.digit(t.charAt(3), 16), lo = Character.digit(t.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }
}
