package t2j.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import t2j.model.KVCache;
import t2j.model.Transformer;

/**
 * Batched autoregressive generation on a {@link Transformer}: one prefill of all prompts, then one decode step per
 * new token for all rows that are still running.
 *
 * <pre>{@code
 * List<Generation> out = new Generator(model).generate(List.of(promptIds), GenerationConfig.greedy(64, eosId), null);
 * }</pre>
 */
public final class Generator {
    private final Transformer model;

    public Generator(Transformer model) {
        this.model = model;
    }

    /** What one row produced, and why it stopped. */
    public record Generation(int[] tokens, String stopReason) {
        @Override
        public String toString() {
            return "Generation" + Arrays.toString(tokens) + " (" + stopReason + ")";
        }
    }

    /**
     * Generates for every prompt. {@code decode}, when given, turns a row's new tokens into text so stop strings can be
     * checked; without it stop strings are ignored. A row stops at EOS (not included), a stop string (the tokens up to
     * and including the one that completed it are kept; cut the text with {@link #cutAtStop}), or the token limit.
     */
    public List<Generation> generate(List<int[]> prompts, GenerationConfig cfg, Function<int[], String> decode) {
        int batch = prompts.size();
        if (batch == 0) return List.of();
        int longest = 0;
        for (int[] p : prompts) longest = Math.max(longest, p.length);
        List<List<Integer>> out = new ArrayList<>();
        String[] reason = new String[batch];
        for (int b = 0; b < batch; b++) out.add(new ArrayList<>());
        if (cfg.maxNewTokens() == 0) return finish(out, reasonsOf(reason, "length"));

        Sampler sampler = new Sampler(cfg.temperature(), cfg.topP(), cfg.seed());
        KVCache cache = model.newCache(batch, longest + cfg.maxNewTokens());
        float[][] logits = model.prefill(cache, prompts.toArray(new int[0][]));
        int running = batch;
        int[] next = new int[batch];
        for (int step = 0; step < cfg.maxNewTokens() && running > 0; step++) {
            for (int b = 0; b < batch; b++) {
                if (reason[b] != null) continue; // finished rows keep feeding their last token; their output is ignored
                int tok = sampler.sample(logits[b]);
                next[b] = tok;
                if (cfg.isEos(tok)) {
                    reason[b] = "eos";
                    running--;
                    continue;
                }
                out.get(b).add(tok);
                if (decode != null
                        && !cfg.stopStrings().isEmpty()
                        && cutAtStop(decode.apply(toArray(out.get(b))), cfg.stopStrings()) != null) {
                    reason[b] = "stop";
                    running--;
                }
            }
            if (running > 0 && step + 1 < cfg.maxNewTokens()) logits = model.step(cache, next);
        }
        return finish(out, reasonsOf(reason, "length"));
    }

    /** The text before the first stop string in it, or null when it holds none. */
    public static String cutAtStop(String text, List<String> stops) {
        int cut = -1;
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && (cut < 0 || i < cut)) cut = i;
        }
        return cut < 0 ? null : text.substring(0, cut);
    }

    private static String[] reasonsOf(String[] r, String dflt) {
        for (int i = 0; i < r.length; i++) if (r[i] == null) r[i] = dflt;
        return r;
    }

    private static List<Generation> finish(List<List<Integer>> out, String[] reason) {
        List<Generation> r = new ArrayList<>();
        for (int b = 0; b < out.size(); b++) r.add(new Generation(toArray(out.get(b)), reason[b]));
        return r;
    }

    private static int[] toArray(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }
}
