package t2j.util;

import java.util.concurrent.CancellationException;

/**
 * Where long operations (decomposition, training, evaluation, search) report how far they are. The engine only
 * calls it; a terminal progress bar or a live notebook display implements it.
 */
@FunctionalInterface
public interface Progress {
    /** Reports that {@code done} of {@code total} units of {@code what} are finished. */
    void update(String what, long done, long total);

    /** Reports nothing. */
    Progress NONE = (what, done, total) -> {};

    /**
     * Stops a long loop when its thread was interrupted (the notebook's interrupt button, Ctrl-C in a tool), so the
     * caller can restore a consistent state in its {@code finally}.
     */
    static void checkInterrupted(String what) {
        if (Thread.currentThread().isInterrupted()) throw new CancellationException(what + " interrupted");
    }
}
