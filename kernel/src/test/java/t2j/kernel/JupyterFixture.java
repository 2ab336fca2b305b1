package t2j.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Jupyter side of the kernel tests: Debian's python3 with jupyter_client, a kernelspec for this build
 * installed into a private prefix (never the user's or the system's Jupyter path), and the environment
 * that points Jupyter at it. Tests that need Jupyter skip, with the reason, where it is not installed.
 */
final class JupyterFixture {
    static final String PYTHON = "/usr/bin/python3";
    static final String KERNEL = "t2j-test";
    static final Path REPO =
            Path.of(System.getProperty("t2j.repo.root", "..")).toAbsolutePath().normalize();

    private static Path home;

    private JupyterFixture() {}

    static void assumeJupyterClient() {
        assumeTrue(
                pythonCan("import jupyter_client, nbformat, nbclient"),
                "needs Debian's python3-jupyter-client and python3-nbclient (apt-get install jupyter-client python3-nbclient)");
    }

    static void assumeNotebookServer() {
        assumeJupyterClient();
        assumeTrue(
                pythonCan("import notebook.notebookapp"),
                "needs Debian's jupyter-notebook (apt-get install jupyter-notebook)");
    }

    /** A private Jupyter home with the kernelspec {@value #KERNEL} for the classes under test. */
    static synchronized Path home() {
        if (home == null) {
            try {
                Path dir = Files.createTempDirectory("t2j-jupyter");
                KernelSpecInstaller.install(
                        dir, System.getProperty("java.class.path"), KERNEL, "Java (t2j test)", "-Xmx512m", Map.of());
                home = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return home;
    }

    /** Environment that makes Jupyter find only our kernelspec and keep its files in {@link #home()}. */
    static Map<String, String> env() {
        Path dir = home();
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/bin:/bin:" + System.getenv().getOrDefault("PATH", ""));
        env.put("JUPYTER_PATH", dir.resolve("share/jupyter").toString());
        env.put("JUPYTER_DATA_DIR", dir.resolve("data").toString());
        env.put("JUPYTER_RUNTIME_DIR", dir.resolve("runtime").toString());
        env.put("JUPYTER_CONFIG_DIR", dir.resolve("config").toString());
        env.put("JUPYTER_PLATFORM_DIRS", "1");
        env.put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
        return env;
    }

    /**
     * Environment for kernel/scripts: the classes under test instead of a build, and a private kernelspec
     * prefix. The scripts install their kernelspec ("t2j") there themselves.
     */
    static Map<String, String> scriptEnv(Path prefix) {
        Map<String, String> env = env();
        env.remove("JUPYTER_PATH");
        env.put("T2J_KERNEL_CLASSPATH", System.getProperty("java.class.path"));
        env.put("T2J_JUPYTER_PREFIX", prefix.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return env;
    }

    static Path script(String name) {
        return REPO.resolve("kernel/scripts").resolve(name);
    }

    /** Copies a test resource (a driver script, a notebook) to a file. */
    static Path resource(String name, Path dir) {
        try (InputStream in = JupyterFixture.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            Path file = dir.resolve(Path.of(name).getFileName().toString());
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether Debian's python3 can run {@code statement} (an import, usually). */
    static boolean pythonCan(String statement) {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", statement)
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
