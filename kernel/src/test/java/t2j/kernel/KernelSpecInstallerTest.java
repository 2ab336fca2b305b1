package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSpecInstallerTest {
    @Test
    void writesKernelJsonNamingThisJdkAndTheAgent(@TempDir Path prefix) throws Exception {
        Path dir = KernelSpecInstaller.install(
                prefix, "/a.jar:/b.jar", "t2j", "Java (t2j)", "-Xmx1g", Map.of("T2J_TIMEOUT", "30"));
        assertEquals(prefix.resolve("share/jupyter/kernels/t2j").toAbsolutePath(), dir);
        JsonObject spec = JsonParser.parseString(Files.readString(dir.resolve("kernel.json")))
                .getAsJsonObject();

        Path java = Path.of(spec.getAsJsonArray("argv").get(0).getAsString());
        assertTrue(java.isAbsolute() && Files.isExecutable(java), "absolute java: " + java);
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toRealPath(), java);
        String argv = spec.getAsJsonArray("argv").toString();
        assertTrue(argv.contains("\"-cp\",\"/a.jar:/b.jar\",\"t2j.kernel.KernelMain\",\"{connection_file}\""), argv);
        assertEquals("message", spec.get("interrupt_mode").getAsString(), "interrupts come as messages, not SIGINT");
        assertEquals("java", spec.get("language").getAsString());
        JsonObject env = spec.getAsJsonObject("env");
        assertEquals("-Xmx1g", env.get("JDK_JAVA_OPTIONS").getAsString());
        assertEquals("30", env.get("T2J_TIMEOUT").getAsString());
        assertTrue(env.has("T2J_CLASSPATH"));

        String agentArg = spec.getAsJsonArray("argv").get(1).getAsString();
        assertTrue(agentArg.startsWith("-javaagent:"), agentArg);
        try (JarFile agent = new JarFile(agentArg.substring("-javaagent:".length()))) {
            assertEquals(
                    RedefineAgent.class.getName(),
                    agent.getManifest().getMainAttributes().getValue("Premain-Class"));
            assertEquals("true", agent.getManifest().getMainAttributes().getValue("Can-Redefine-Classes"));
        }
    }
}
