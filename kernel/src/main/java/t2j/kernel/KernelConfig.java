package t2j.kernel;

import java.util.Map;

/**
 * Settings read from the environment that kernel.json's {@code env} block sets, following JJava's
 * JJAVA_* convention under our own prefix. JVM options are not here: kernel.json sets
 * {@code JDK_JAVA_OPTIONS}, which the java launcher itself reads.
 *
 * @param classpath    T2J_CLASSPATH: extra jars/directories, path-separator separated, globs allowed
 * @param timeoutMs    T2J_TIMEOUT: seconds a single cell may run before it is stopped; 0 = no limit
 * @param stopGraceMs  T2J_INTERRUPT_GRACE: seconds interrupted code gets to stop by itself (and restore
 *                     state) before the kernel forces it
 */
record KernelConfig(String classpath, long timeoutMs, long stopGraceMs) {
    static final String CLASSPATH = "T2J_CLASSPATH";
    static final String TIMEOUT = "T2J_TIMEOUT";
    static final String INTERRUPT_GRACE = "T2J_INTERRUPT_GRACE";

    static KernelConfig fromEnv(Map<String, String> env) {
        return new KernelConfig(
                env.getOrDefault(CLASSPATH, "").strip(), millis(env, TIMEOUT, 0), millis(env, INTERRUPT_GRACE, 1));
    }

    private static long millis(Map<String, String> env, String name, double defaultSeconds) {
        String value = env.getOrDefault(name, "").strip();
        if (value.isEmpty()) {
            return Math.round(defaultSeconds * 1000);
        }
        try {
            double seconds = Double.parseDouble(value);
            if (seconds < 0 || Double.isNaN(seconds)) {
                throw new NumberFormatException();
            }
            return Math.round(seconds * 1000);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds >= 0, got '" + value + "'");
        }
    }
}
