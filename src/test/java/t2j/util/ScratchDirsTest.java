package t2j.util;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScratchDirsTest {
    @Test
    void createMakesAFolderAndDeleteRemovesItWithEverythingInIt() throws Exception {
        Path dir = ScratchDirs.create("t2j-scratch-test");
        assertTrue(Files.isDirectory(dir));
        assertTrue(dir.getFileName().toString().startsWith("t2j-scratch-test"));
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/b/model.safetensors"), "x");
        Files.writeString(dir.resolve("config.json"), "{}");
        ScratchDirs.delete(dir);
        assertFalse(Files.exists(dir));
        ScratchDirs.delete(dir); // already gone: nothing to do, no error
    }

    @Test
    void aFolderIsGoneOnceItsJvmHasExited() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(
                        javaBin.toString(), "-cp", System.getProperty("java.class.path"), ExitProbe.class.getName())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the probe JVM did not exit");
        Path dir = Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
        assertTrue(dir.getFileName().toString().startsWith("t2j-scratch-exit"), out);
        assertFalse(Files.exists(dir), "still there after the JVM exited: " + dir);
    }

    /** Makes a scratch folder with a file in it, prints its path and exits. */
    public static final class ExitProbe {
        public static void main(String[] args) throws Exception {
            Path dir = ScratchDirs.create("t2j-scratch-exit");
            Files.writeString(dir.resolve("weights.bin"), "x");
            System.out.println(dir);
        }
    }
}
