package t2j.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Temporary folders a command writes for itself (a benchmark's random checkpoint, a reference's inputs) and removes,
 * with everything in them, when the JVM exits: each bench run used to leave megabytes of checkpoint in the temporary
 * folder.
 */
public final class ScratchDirs {
    private static final List<Path> DIRS = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ScratchDirs::deleteAll, "t2j-scratch-cleanup"));
    }

    private ScratchDirs() {}

    /** A new folder under the system's temporary folder, deleted with its contents at exit. */
    public static Path create(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        synchronized (DIRS) {
            DIRS.add(dir);
        }
        return dir;
    }

    /** Deletes {@code dir} and everything under it now; a folder already gone is fine. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void deleteAll() {
        synchronized (DIRS) {
            for (Path dir : DIRS) {
                try {
                    delete(dir);
                } catch (IOException | RuntimeException leftBehind) {
                    // at exit there is no one left to tell; the folder stays in the temporary folder
                }
            }
        }
    }
}
