package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kernel process ends when asked and when its launcher dies: no orphan JVMs. */
class KernelLifecycleTest {
    @BeforeEach
    void needsJupyter() {
        JupyterFixture.assumeJupyterClient();
    }

    @Test
    void kernelExitsWhenItsParentDies() throws Exception {
        KernelDriver driver = new KernelDriver();
        ProcessHandle kernel = ProcessHandle.of(driver.kernelPid()).orElseThrow();
        try {
            assertTrue(kernel.isAlive());
            driver.driverProcess().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertTrue(waitForExit(kernel, 10_000), "kernel " + kernel.pid() + " outlived its parent");
        } finally {
            kernel.destroyForcibly();
        }
    }

    @Test
    void shutdownRequestEndsTheProcessPromptly() throws Exception {
        try (KernelDriver driver = new KernelDriver()) {
            ProcessHandle kernel = ProcessHandle.of(driver.kernelPid()).orElseThrow();
            double seconds = driver.call(Map.of("op", "shutdown", "now", false))
                    .get("seconds")
                    .getAsDouble();
            // jupyter_client waits 5 s before it kills a kernel that ignores the request.
            assertTrue(seconds < 4.5, "shutdown took " + seconds + " s");
            assertFalse(kernel.isAlive());
        }
    }

    private static boolean waitForExit(ProcessHandle process, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (process.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        return !process.isAlive();
    }
}
