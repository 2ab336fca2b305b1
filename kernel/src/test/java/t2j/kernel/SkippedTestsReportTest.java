package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary ./t2j test prints after mvn verify (kernel/scripts/SkippedTests.java). */
class SkippedTestsReportTest {
    @TempDir
    Path dir;

    @Test
    void namesEachSkippedTestWithItsReasonAndOnlyThose() throws Exception {
        Path reports = Files.createDirectories(dir.resolve("kernel/target/surefire-reports"));
        Files.writeString(reports.resolve("TEST-t2j.kernel.ExampleTest.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="t2j.kernel.ExampleTest" tests="2" skipped="1">
                  <testcase name="runs" classname="t2j.kernel.ExampleTest" time="0.1"/>
                  <testcase name="needsJupyter" classname="t2j.kernel.ExampleTest" time="0">
                    <skipped message="Assumption failed: needs Debian's python3-jupyter-client"/>
                  </testcase>
                </testsuite>
                """);
        assertEquals(
                "t2j: 1 test was skipped:\n"
                        + "  kernel: ExampleTest.needsJupyter \u2014 "
                        + "Assumption failed: needs Debian's python3-jupyter-client\n",
                summary("src", "kernel"));
        Files.delete(reports.resolve("TEST-t2j.kernel.ExampleTest.xml"));
        assertEquals("t2j: no test was skipped.\n", summary("kernel"));
    }

    private String summary(String... modules) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                JupyterFixture.script("SkippedTests.java").toString());
        builder.command().addAll(java.util.List.of(modules));
        Process p = builder.directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
