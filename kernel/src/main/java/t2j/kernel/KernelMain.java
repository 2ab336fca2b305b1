package t2j.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/**
 * Entry point Jupyter launches (see kernel.json): {@code java ... t2j.kernel.KernelMain CONNECTION_FILE}.
 */
public final class KernelMain {
    private KernelMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -cp ... t2j.kernel.KernelMain CONNECTION_FILE");
            System.exit(2);
        }
        long started = System.nanoTime();
        // Charts are drawn off-screen; this must be set before AWT initialises.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        ParentWatchdog.start(
                System.getenv("JPY_PARENT_PID"), () -> Runtime.getRuntime().halt(0));
        KernelConfig config = KernelConfig.fromEnv(System.getenv());
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));

        InProcessExecutionControl control = new InProcessExecutionControl(
                config.timeoutMs(), config.stopGraceMs(), RedefineAgent.instrumentation());
        T2jKernel kernel = new T2jKernel.Builder(control, MavenResolver.fromEnv(System.getenv())).build();
        if (!config.classpath().isEmpty()) {
            kernel.addConfiguredClasspath(config.classpath());
        }
        List<String> failed = kernel.preload();
        if (!failed.isEmpty()) {
            KernelLog.warn("preload imports failed (the packages may have moved): " + failed);
        }
        if (!kernel.canRedefineInPlace()) {
            KernelLog.warn("started without the t2j agent: redefining a method will reset variables that use it");
        }
        kernel.onStartup();

        KernelConnection connection = new KernelConnection(props);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        KernelLog.info("ready in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        connection.waitUntilClose();
        kernel.onShutdown(false);
        // Library threads (OpenBLAS, AWT) may be non-daemon; the kernel's life ends with its connection.
        System.exit(0);
    }
}
