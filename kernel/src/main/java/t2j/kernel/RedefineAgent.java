package t2j.kernel;

import java.lang.instrument.Instrumentation;
import java.util.Optional;

/**
 * Java agent whose only job is to hand the kernel an {@link Instrumentation}.
 *
 * <p>JShell runs cells in-process here, and in-process JShell cannot redefine a class by itself: when a later
 * cell redefines a method, JShell falls back to loading fresh copies of every dependent wrapper class, which
 * silently resets the variables stored in them to 0/null (JJava issue #128). With an Instrumentation the kernel
 * swaps method bodies in place and the variables keep their values. The kernelspec installer writes a
 * manifest-only agent jar naming this class; without it the kernel still works and warns on resets instead.
 */
public final class RedefineAgent {
    private static volatile Instrumentation instrumentation;

    private RedefineAgent() {}

    public static void premain(String args, Instrumentation inst) {
        instrumentation = inst;
    }

    static Optional<Instrumentation> instrumentation() {
        Instrumentation inst = instrumentation;
        return inst != null && inst.isRedefineClassesSupported() ? Optional.of(inst) : Optional.empty();
    }
}
