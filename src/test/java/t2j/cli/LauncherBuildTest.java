package t2j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The launchers build quietly: every Maven call they make runs in batch mode with colours off and with the JVM
 * property that stops Maven 3.8's console library from writing ESC[0m resets into the user's terminal or logs.
 */
class LauncherBuildTest {
    @Test
    void everyMavenCallOfTheLaunchersWritesNoEscapeCodes() throws Exception {
        List<String> calls = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String script : List.of("../t2j", "../kernel/scripts/common.sh")) {
            List<String> lines = Files.readAllLines(Path.of(script));
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.startsWith("#") || line.startsWith("echo") || line.startsWith("command -v")) continue;
                if (!line.matches(".*(^|[\\s(])mvn\\s.*")) continue;
                // A call may set MAVEN_OPTS on the line before (a continued command).
                String call = (i > 0 && lines.get(i - 1).strip().endsWith("\\") ? lines.get(i - 1) : "") + line;
                calls.add(script + ":" + (i + 1));
                boolean quiet = call.contains("-Djansi.noreset=true")
                        && call.contains(" -B ")
                        && call.contains("-Dstyle.color=never");
                if (!quiet) bad.add(script + ":" + (i + 1) + ": " + call.strip());
            }
        }
        assertTrue(calls.size() >= 2, "found the launchers' Maven calls: " + calls);
        assertEquals(List.of(), bad);
    }
}
