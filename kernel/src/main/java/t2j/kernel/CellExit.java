package t2j.kernel;

/**
 * What a cell's {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} calls become
 * ({@link ExitCallRewriter}): a cell runs inside the kernel's JVM, so ending the JVM would end the session and
 * lose every variable. IPython likewise turns {@code exit()} in a cell into a warning.
 *
 * <p>Public because the rewritten cell classes call it from JShell's class loader.
 */
public final class CellExit {
    private CellExit() {}

    public static void exit(int status) {
        throw refused("System.exit(" + status + ")");
    }

    public static void exit(Runtime runtime, int status) {
        throw refused("Runtime.exit(" + status + ")");
    }

    public static void halt(Runtime runtime, int status) {
        throw refused("Runtime.halt(" + status + ")");
    }

    private static SecurityException refused(String call) {
        return new SecurityException(call + " in a cell was refused: it would end the kernel and lose every variable."
                + " To stop a cell, return or throw; to start afresh, restart the kernel (Kernel > Restart).");
    }
}
