package t2j.kernel;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs JShell snippets inside the kernel's JVM, so cells share the kernel's classes (and OpenBLAS's native
 * library loads once), while keeping what the remote engine gives for free: interrupting a running cell,
 * a per-cell timeout, and class redefinition.
 *
 * <p>Each snippet runs on its own thread so the shell thread can give up on it. JShell only transports
 * values as strings; the real result objects are kept here under a unique key that JShell carries as the
 * "value string", and the kernel takes them back to render charts and tables.
 */
final class InProcessExecutionControl extends DirectExecutionControl {
    /** JShell names wrapper classes REPL.$JShell$&lt;snippet id&gt;[replacement letters][$nested]. */
    private static final Pattern WRAPPER = Pattern.compile("REPL\\.\\$JShell\\$(\\d+)([A-Z]*)(\\$.*)?");

    private static final String KEY_PREFIX = "\u0000t2j-result:";
    private static final Object NULL = new Object();
    /** How long a cell that ignored Thread.stop may hold the shell before the kernel moves on without it. */
    private static final long ABANDON_AFTER_MS = 3000;

    private final Map<String, Object> results = new ConcurrentHashMap<>();
    private final Set<String> replacedSnippetIds = ConcurrentHashMap.newKeySet();
    private final Optional<Instrumentation> instrumentation;
    private final long timeoutMs;
    private final long stopGraceMs;
    /** More than one when a cell evaluates code itself (%load): an interrupt stops them all. */
    private final Set<CellRun> running = ConcurrentHashMap.newKeySet();

    /**
     * @param timeoutMs   wall-clock limit per snippet, 0 for none
     * @param stopGraceMs how long interrupted code may run to clean up (restore weights, close files) before
     *                    the kernel forces it with Thread.stop
     */
    InProcessExecutionControl(long timeoutMs, long stopGraceMs, Optional<Instrumentation> instrumentation) {
        this.timeoutMs = timeoutMs;
        this.stopGraceMs = stopGraceMs;
        this.instrumentation = instrumentation;
    }

    /** Hands JShell this control; JShell insists on building it through a provider. */
    ExecutionControlProvider provider() {
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "t2j-in-process";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return InProcessExecutionControl.this;
            }
        };
    }

    boolean canRedefine() {
        return instrumentation.isPresent();
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        CellRun run = new CellRun(doit);
        running.add(run);
        try {
            return store(run.await());
        } finally {
            running.remove(run);
        }
    }

    @Override
    public String varValue(String className, String varName) throws InternalException {
        try {
            Field field = findClass(className).getDeclaredField(varName);
            field.setAccessible(true);
            return store(field.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new InternalException(e.toString());
        }
    }

    /** Called from the control thread while the shell thread waits in {@link #invoke(Method)}. */
    @Override
    public void stop() {
        running.forEach(run -> run.stop("Cell interrupted"));
    }

    @Override
    public void load(ClassBytecodes[] classes)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        for (ClassBytecodes c : classes) {
            Matcher m = WRAPPER.matcher(c.name());
            if (m.matches() && !m.group(2).isEmpty()) {
                replacedSnippetIds.add(m.group(1));
            }
        }
        super.load(withoutExitCalls(classes));
    }

    @Override
    public void redefine(ClassBytecodes[] classes)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        Instrumentation inst = instrumentation.orElseThrow(
                () -> new NotImplementedException("redefinition needs the kernel's -javaagent"));
        ClassDefinition[] definitions = new ClassDefinition[classes.length];
        ClassBytecodes[] rewritten = withoutExitCalls(classes);
        try {
            for (int i = 0; i < classes.length; i++) {
                definitions[i] = new ClassDefinition(findClass(rewritten[i].name()), rewritten[i].bytecodes());
            }
            inst.redefineClasses(definitions);
        } catch (ClassNotFoundException | UnmodifiableClassException | UnsupportedOperationException | LinkageError e) {
            // A changed shape (new field, new signature) cannot be redefined; JShell then loads new classes.
            throw new ClassInstallException("cannot redefine: " + e, new boolean[classes.length]);
        }
        classesRedefined(rewritten);
    }

    private static ClassBytecodes[] withoutExitCalls(ClassBytecodes[] classes) {
        ClassBytecodes[] rewritten = new ClassBytecodes[classes.length];
        for (int i = 0; i < classes.length; i++) {
            rewritten[i] = new ClassBytecodes(classes[i].name(), ExitCallRewriter.rewrite(classes[i].bytecodes()));
        }
        return rewritten;
    }

    /** The object a snippet produced, or {@code fallback} when JShell's value string is not one of our keys. */
    Object takeResult(String valueString, Object fallback) {
        Object value = valueString == null ? null : results.remove(valueString);
        if (value == null) {
            return fallback;
        }
        return value == NULL ? null : value;
    }

    /** Drops values nobody took (declarations' values), so they can be garbage collected. */
    void forgetResults() {
        results.clear();
    }

    /** Snippet ids whose wrapper classes were replaced by fresh ones since the last call. */
    Set<String> drainReplacedSnippetIds() {
        Set<String> ids = Set.copyOf(replacedSnippetIds);
        replacedSnippetIds.removeAll(ids);
        return ids;
    }

    private String store(Object value) {
        String key = KEY_PREFIX + UUID.randomUUID();
        results.put(key, value == null ? NULL : value);
        return key;
    }

    /** One snippet running on its own thread, and the means to stop it. */
    private final class CellRun {
        private final CompletableFuture<Object> outcome = new CompletableFuture<>();
        private final Thread worker;
        private volatile String stopReason;
        /** Where a forced stop caught the cell; ThreadDeath's own trace is the stopping thread's. */
        private volatile StackTraceElement[] stoppedAt;

        CellRun(Method doit) {
            worker = new Thread(
                    () -> {
                        try {
                            outcome.complete(doit.invoke(null));
                        } catch (Throwable t) {
                            outcome.completeExceptionally(t);
                        }
                    },
                    "t2j-cell");
            worker.setDaemon(true);
            // Libraries that look up services through the context loader must see %classpath jars too.
            worker.setContextClassLoader(doit.getDeclaringClass().getClassLoader());
            worker.start();
        }

        Object await() throws Exception {
            try {
                if (timeoutMs <= 0) {
                    return outcome.get();
                }
                try {
                    return outcome.get(timeoutMs, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    stop("Cell timed out after " + timeoutMs / 1000.0 + " s (T2J_TIMEOUT)");
                    return outcome.get();
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (stopReason != null) {
                    Throwable where = cause instanceof InvocationTargetException ? cause.getCause() : cause;
                    String name = stopReason.startsWith("Cell timed out")
                            ? TimeoutException.class.getName()
                            : InterruptedException.class.getName();
                    String left = where instanceof AbandonedException ? " (it did not stop and still runs)" : "";
                    StackTraceElement[] frames = stoppedAt != null ? stoppedAt : where.getStackTrace();
                    throw new UserException(stopReason + left, name, frames);
                }
                if (cause instanceof Exception) {
                    throw (Exception) cause;
                }
                throw new InvocationTargetException(cause);
            }
        }

        @SuppressWarnings({"deprecation", "removal"})
        void stop(String reason) {
            if (stopReason != null || outcome.isDone()) {
                return;
            }
            stopReason = reason;
            worker.interrupt();
            Thread enforcer = new Thread(
                    () -> {
                        if (waitDone(stopGraceMs)) {
                            return;
                        }
                        stoppedAt = worker.getStackTrace();
                        try {
                            worker.stop(); // a busy loop ignores interrupts; JDK 17 still honours Thread.stop
                        } catch (UnsupportedOperationException ignored) {
                            // JDK 20+: nothing more can be done than leaving the thread behind
                        }
                        if (!waitDone(ABANDON_AFTER_MS)) {
                            outcome.completeExceptionally(new AbandonedException());
                        }
                    },
                    "t2j-cell-stopper");
            enforcer.setDaemon(true);
            enforcer.start();
        }

        private boolean waitDone(long ms) {
            try {
                outcome.get(ms, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException ignored) {
                // done, exceptionally
            }
            return true;
        }
    }

    private static final class AbandonedException extends RuntimeException {
        AbandonedException() {
            super("cell thread ignored Thread.stop", null, false, false);
        }
    }
}
