package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static t2j.kernel.KernelDriver.outputs;
import static t2j.kernel.KernelDriver.stream;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** %maven, %time/%%time and magic-name completion on a real kernel with a private Maven cache. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelMagicsTest {
    /** Small, and with one dependency (commons-lang3), so the transitive resolution is visible. */
    private static final String COMMONS_TEXT = "org.apache.commons:commons-text:1.12.0";

    private static final Pattern WALL = Pattern.compile("Wall time: ([0-9.]+) (s|ms|\u00b5s|ns)");

    private Path cache;
    private KernelDriver kernel;

    @BeforeAll
    void start() throws Exception {
        JupyterFixture.assumeJupyterClient();
        cache = Files.createTempDirectory("t2j-maven-cache");
        kernel = new KernelDriver(Map.of("T2J_MAVEN_REPO", cache.toString()));
    }

    @AfterAll
    void stop() {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void mavenAddsAnArtifactWithItsDependenciesAndReusesTheCacheOffline() throws Exception {
        assumeTrue(reachable(MavenResolver.CENTRAL), "needs Maven Central (CI reaches it)");
        JsonObject added = ok(kernel.execute("%maven " + COMMONS_TEXT));
        String said = stream(added, "stdout");
        assertTrue(said.contains("commons-text-1.12.0.jar") && said.contains("commons-lang3-"), said);
        assertEquals(
                "Hello Maven",
                text(ok(kernel.execute("org.apache.commons.text.WordUtils.capitalize(\"hello maven\")"))));
        assertEquals(
                "cba",
                text(ok(kernel.execute("org.apache.commons.lang3.StringUtils.reverse(\"abc\")"))),
                "the dependency is on the class path too");

        // Port 9 (discard) refuses connections: the network is gone, the cache must do.
        try (KernelDriver offline = new KernelDriver(
                Map.of("T2J_MAVEN_REPO", cache.toString(), "T2J_MAVEN_REMOTE", "http://127.0.0.1:9/maven2/"))) {
            ok(offline.execute("%maven " + COMMONS_TEXT));
            assertEquals(
                    "Hello Cache",
                    text(ok(offline.execute("org.apache.commons.text.WordUtils.capitalize(\"hello cache\")"))));
            JsonObject notCached = offline.execute("%maven org.apache.commons:commons-text:1.11.0");
            assertEquals("error", notCached.get("status").getAsString(), notCached::toString);
            String why = notCached.get("evalue").getAsString();
            assertTrue(why.contains("%maven: cannot reach http://127.0.0.1:9/maven2/"), why);
            assertTrue(why.contains(cache.toString()), why);
        }
    }

    @Test
    void unknownArtifactIsAClearError() {
        assumeTrue(reachable(MavenResolver.CENTRAL), "needs Maven Central (CI reaches it)");
        JsonObject answer = kernel.execute("%maven org.t2j.nonexistent:nothing-here:1.0");
        assertEquals("error", answer.get("status").getAsString(), answer::toString);
        String why = answer.get("evalue").getAsString();
        assertTrue(
                why.contains("org.t2j.nonexistent:nothing-here")
                        && why.contains("does not exist on " + MavenResolver.CENTRAL),
                why);
        JsonObject malformed = kernel.execute("%maven commons-text");
        assertTrue(
                malformed.get("evalue").getAsString().contains("is not group:artifact:version"), malformed::toString);
    }

    @Test
    void timeReportsWallAndCpuTimeOfALineOrTheCell() {
        JsonObject line = ok(kernel.execute("long n = 1000;\n%time java.util.stream.LongStream.range(0, n).sum()"));
        assertEquals("499500", text(line), "the timed line's value is the cell's");
        assertTrue(stream(line, "stdout").contains("CPU time: "), stream(line, "stdout"));
        wallSeconds(line);

        JsonObject cell = ok(kernel.execute("%%time\nint napped = 1;\nThread.sleep(300);"));
        double seconds = wallSeconds(cell);
        assertTrue(seconds >= 0.3 && seconds < 30, "timed the whole cell: " + stream(cell, "stdout"));
        assertEquals("1", text(ok(kernel.execute("napped"))));

        JsonObject failed = kernel.execute("int a = 1;\n%time Integer.parseInt(\"x\")");
        assertEquals("java.lang.NumberFormatException", failed.get("ename").getAsString(), failed::toString);
        assertTrue(String.join("\n", traceback(failed)).contains("line 2"), "keeps its cell line: " + failed);
    }

    @Test
    void magicNamesComplete() {
        assertEquals(List.of("%maven"), matches("int x = 1;\n%mav"));
        assertTrue(
                matches("%").containsAll(List.of("%classpath", "%jars", "%load", "%maven", "%time")),
                matches("%").toString());
        assertEquals(List.of("%%time"), matches("%%ti"));
    }

    private List<String> matches(String code) {
        JsonObject reply = kernel.call(Map.of("op", "complete", "code", code, "cursor", code.length()));
        List<String> matches = new ArrayList<>();
        for (JsonElement m : reply.getAsJsonArray("matches")) {
            matches.add(m.getAsString());
        }
        return matches;
    }

    private static double wallSeconds(JsonObject answer) {
        Matcher m = WALL.matcher(stream(answer, "stdout"));
        assertTrue(m.find(), "no wall time in " + stream(answer, "stdout"));
        double scale = switch (m.group(2)) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "\u00b5s" -> 1e-6;
            default -> 1e-9;
        };
        return Double.parseDouble(m.group(1)) * scale;
    }

    private static boolean reachable(String url) {
        try {
            URL metadata = new URL(url + "org/apache/commons/commons-text/maven-metadata.xml");
            HttpURLConnection c = (HttpURLConnection) metadata.openConnection();
            c.setConnectTimeout(10_000);
            c.setReadTimeout(10_000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static JsonObject ok(JsonObject answer) {
        assertEquals("ok", answer.get("status").getAsString(), () -> "cell failed: " + answer);
        return answer;
    }

    private static String text(JsonObject answer) {
        List<JsonObject> results = outputs(answer, "execute_result");
        assertEquals(1, results.size(), answer::toString);
        return results.get(0).getAsJsonObject("data").get("text/plain").getAsString();
    }

    private static List<String> traceback(JsonObject answer) {
        List<String> lines = new ArrayList<>();
        answer.getAsJsonArray("traceback").forEach(line -> lines.add(line.getAsString()));
        return lines;
    }
}
