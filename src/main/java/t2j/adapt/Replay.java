package t2j.adapt;

import java.util.List;
import java.util.Map;
import t2j.adapt.log.LogEntry;
import t2j.task.Example;

/**
 * Reproduces an answer from its adaptation-log entry: checks that the base weights and every composed expert are the
 * ones the entry names (by fingerprint), composes the entry's mixture under its controls in a scope of its own, and
 * answers the request again greedily with the entry's token limit.
 *
 * <pre>{@code
 * LogEntry e = log.entries().get(3);
 * String again = Replay.answer(e, 0, ctx);    // == e.answers().get(0).completion()
 * }</pre>
 */
public final class Replay {
    private Replay() {}

    /** The completion of answer {@code index} of {@code entry}, generated again. */
    public static String answer(LogEntry entry, int index, AdaptContext ctx) {
        if (index < 0 || index >= entry.answers().size())
            throw new IllegalArgumentException("log entry " + entry.seq() + " has "
                    + entry.answers().size() + " answers; asked for number " + index);
        ExpertPool pool = ctx.pool();
        if (!pool.decomposition().fingerprint().equals(entry.baseFingerprint()))
            throw new IllegalStateException("log entry " + entry.seq() + " was made on base weights "
                    + entry.baseFingerprint()
                    + ", this model's are " + pool.decomposition().fingerprint());
        for (Map.Entry<String, String> e : entry.experts().entrySet()) {
            String now = pool.fingerprint(e.getKey());
            if (!now.equals(e.getValue()))
                throw new IllegalStateException("log entry " + entry.seq() + " composed expert '" + e.getKey()
                        + "' with fingerprint " + e.getValue()
                        + "; the pool's is " + now + " (another version of the expert?)");
        }
        Controls controls = Controls.fromJson(entry.controls(), "log entry " + entry.seq());
        LogEntry.Answer a = entry.answers().get(index);
        try (Scope scope = pool.use()) {
            scope.compose(new Mixture(entry.alpha()), controls, "replay");
            Example request = new Example(a.id(), a.system(), a.prompt(), null, null);
            return Completions.greedy(ctx.model(), ctx.prompter(), List.of(request), entry.maxNewTokens(), 1, "replay")
                    .get(0)
                    .text();
        }
    }
}
