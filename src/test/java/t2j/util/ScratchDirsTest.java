package t2j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
    void readOnlyFoldersGoAndLinksAreRemovedWithoutTouchingWhatTheyPointTo() throws Exception {
        Path outside = Files.createTempFile("t2j-scratch-outside", ".txt");
        try {
            Files.writeString(outside, "the user's file");
            Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("r--------"));
            Path dir = ScratchDirs.create("t2j-scratch-test");
            Path locked = Files.createDirectories(dir.resolve("locked"));
            Files.writeString(locked.resolve("answer.txt"), "42");
            Files.createSymbolicLink(locked.resolve("link-to-file"), outside);
            Files.createSymbolicLink(dir.resolve("link-to-folder"), outside.getParent());
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));

            ScratchDirs.delete(dir);

            assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS));
            assertEquals("the user's file", Files.readString(outside));
            assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(outside)));
            assertTrue(Files.isDirectory(outside.getParent()));
        } finally {
            Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-------"));
            Files.deleteIfExists(outside);
        }
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
