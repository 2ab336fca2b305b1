package t2j.adapt;

import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.adapt.log.AdaptationLog;
import t2j.adapt.log.LogEntry;
import t2j.model.Transformer;

/**
 * The one way adaptation changes a model's weights: a scope opened on an {@link ExpertPool} may compose experts (or
 * raw masks or z-vectors) into the weights as often as it likes, and closing it writes the base weights back, once.
 * Outside every scope the model holds its base weights; a forgotten close is caught the next time a scope is opened
 * on the same model, with the place the open scope came from in the message.
 *
 * <p>At most one scope is open per model: a nested or overlapping {@code use} is refused rather than silently
 * undoing the outer scope's weights when it closes.
 *
 * <pre>{@code
 * try (Scope s = pool.use(Mixture.of("math"))) {
 *     answer(...);                       // with the math expert
 *     s.compose(Mixture.of("code"));     // switch without going through the base weights
 *     answer(...);
 * }                                      // base weights again, exactly
 * }</pre>
 */
public final class Scope implements AutoCloseable {
    private static final Map<Transformer, Scope> OPEN = Collections.synchronizedMap(new IdentityHashMap<>());

    private final ExpertPool pool;
    private final String openedAt;
    private Mixture mixture = Mixture.BASE;
    private boolean changed;
    private boolean closed;
    private LogEntry entry;
    private AdaptationLog entryLog;

    private Scope(ExpertPool pool, String openedAt) {
        this.pool = pool;
        this.openedAt = openedAt;
    }

    /** Opens the model's one scope, or explains which scope holds it. */
    static Scope open(ExpertPool pool) {
        Transformer model = pool.model();
        synchronized (OPEN) {
            Scope held = OPEN.get(model);
            if (held != null)
                throw new IllegalStateException("an adaptation scope is already open on this model (opened at "
                        + held.openedAt + "); nested or overlapping scopes are refused: close that one first "
                        + "(try-with-resources does it), or compose the new mixture through it");
            Scope s = new Scope(pool, caller());
            OPEN.put(model, s);
            return s;
        }
    }

    /** Whether a scope is open on this model now (its weights may not be the base ones). */
    public static boolean isOpen(Transformer model) {
        return OPEN.containsKey(model);
    }

    private static String caller() {
        for (StackTraceElement e : new Throwable().getStackTrace()) {
            String c = e.getClassName();
            if (!c.equals(Scope.class.getName()) && !c.equals(ExpertPool.class.getName()))
                return e.toString() + " on thread " + Thread.currentThread().getName();
        }
        return "thread " + Thread.currentThread().getName();
    }

    public ExpertPool pool() {
        return pool;
    }

    /** The mixture composed now; null after raw masks or z-vectors, which are no mixture. */
    public Mixture mixture() {
        return mixture;
    }

    /** Writes the mixture's weights into the model, replacing whatever this scope composed before. */
    public void compose(Mixture m) {
        compose(m, Controls.NONE, "compose");
    }

    /**
     * Writes the mixture's weights as {@code controls} allow them: forbidden experts left out, masks pulled toward 1
     * by the strength, matrices outside the scope kept at their base weights. Recorded in the pool's log, if any,
     * as one entry for {@code purpose}.
     */
    public void compose(Mixture m, Controls controls, String purpose) {
        check();
        flush();
        long t0 = System.nanoTime();
        Mixture allowed = controls.allowed(m);
        Map<String, float[]> masks = allowed.isBase() ? Map.of() : controls.shape(pool.masks(allowed));
        if (masks.isEmpty()) {
            if (changed) pool.writeBase();
            changed = false;
        } else {
            pool.writeMasks(masks);
            changed = true;
        }
        mixture = allowed;
        pending(purpose, masks.isEmpty() ? Mixture.BASE : allowed, List.copyOf(masks.keySet()), controls, t0);
    }

    /**
     * Writes per-matrix masks (by decomposed matrix name) through the pool's parametrization; matrices without a mask
     * keep their base weights. For truncations and other hand-made masks.
     */
    public void composeMasks(Map<String, float[]> masks) {
        check();
        flush();
        long t0 = System.nanoTime();
        pool.writeMasks(masks);
        changed = true;
        mixture = null;
        pending("masks", Mixture.BASE, List.copyOf(masks.keySet()), Controls.NONE, t0);
    }

    /** Writes one expert's z-vectors the way training applies them (the expert as trained, not as a mixture). */
    public void composeZ(Map<String, float[]> z) {
        check();
        flush();
        long t0 = System.nanoTime();
        pool.writeZ(z);
        changed = true;
        mixture = null;
        pending("z", Mixture.BASE, List.copyOf(z.keySet()), Controls.NONE, t0);
    }

    /**
     * Attaches answers given with the weights composed now to their log entry, with this group's share of pass 1 and
     * its pass 2 time (nothing happens without a log).
     */
    public void answered(List<LogEntry.Answer> answers, double pass1Seconds, double pass2Seconds, int maxNewTokens) {
        check();
        if (entry != null) entry = entry.withAnswers(answers, pass1Seconds, pass2Seconds, maxNewTokens);
    }

    private void pending(String purpose, Mixture m, List<String> matrices, Controls controls, long t0) {
        AdaptationLog log = pool.log();
        if (log == null) return;
        Map<String, String> fps = new LinkedHashMap<>();
        for (String k : m.alpha().keySet()) fps.put(k, pool.fingerprint(k));
        entry = new LogEntry(
                0,
                Instant.now().toString(),
                log.session(),
                purpose,
                m.alpha(),
                fps,
                matrices,
                pool.decomposition().fingerprint(),
                controls.toJson(),
                (System.nanoTime() - t0) / 1e9,
                0,
                0,
                0,
                List.of(),
                null);
        entryLog = log;
    }

    private void flush() {
        if (entry != null) entryLog.append(entry);
        entry = null;
    }

    private void check() {
        if (closed)
            throw new IllegalStateException(
                    "this adaptation scope is closed (opened at " + openedAt + "); open a new one");
    }

    /** Writes the base weights back (only when something was composed) and frees the model for the next scope. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            if (changed) pool.writeBase();
        } finally {
            OPEN.remove(pool.model(), this);
            flush(); // after the base weights are back: a log that cannot be written must not leave the model adapted
        }
    }
}
