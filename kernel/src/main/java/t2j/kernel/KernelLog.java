package t2j.kernel;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Kernel diagnostics for the Jupyter server's log. System.err cannot be used for them: during a request it
 * is redirected into the running cell's output, so this writes to the process's own stderr descriptor.
 */
final class KernelLog {
    private static final PrintStream STDERR =
            new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    private KernelLog() {}

    static void info(String message) {
        STDERR.println("[t2j kernel] " + message);
    }

    static void warn(String message) {
        STDERR.println("[t2j kernel] WARNING: " + message);
    }
}
