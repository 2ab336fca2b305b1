package t2j.task.real;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * An isolated {@link PythonSandbox} for tests, or a clear verdict on why there is none: where {@code CI=true} a
 * missing python3 or bubblewrap fails the test (CI installs both, so their absence is a broken setup), elsewhere
 * the test is skipped with the sandbox's own explanation.
 */
final class SandboxTestSupport {
    private SandboxTestSupport() {}

    /** A sandbox that requires isolation and has shown that it works; {@code readOnly} paths are visible read-only. */
    static PythonSandbox isolated(PythonSandbox.Limits limits, List<Path> readOnly) {
        return isolated(limits, readOnly, message -> fail("an isolated sandbox logged: " + message));
    }

    static PythonSandbox isolated(PythonSandbox.Limits limits, List<Path> readOnly, Consumer<String> log) {
        Path python = PythonSandbox.findPython().orElse(null);
        require(python != null, "no python3 on this machine (apt-get install python3)");
        PythonSandbox sandbox = new PythonSandbox(
                python, limits, PythonSandbox.Isolation.REQUIRED, SandboxIsolation.Tools.find(), readOnly, log);
        try {
            sandbox.describe();
        } catch (PythonSandbox.SandboxUnavailableException e) {
            require(false, e.getMessage());
        }
        return sandbox;
    }

    /** Fails under CI, skips elsewhere, when {@code ok} is false. */
    static void require(boolean ok, String reason) {
        if (ok) return;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI must be able to isolate Python runs: " + reason);
        assumeTrue(false, "skipped: " + reason);
    }
}
