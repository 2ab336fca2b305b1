package t2j.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /**
     * Deletes {@code dir} and everything under it now; a folder already gone is fine. A folder inside that was made
     * read-only (a sandboxed program may do that to its working folder) is made writable first, since removing an
     * entry needs its folder's write permission. Links are never followed: a link is removed as itself, and nothing
     * it points to is changed, so code that wrote into the folder cannot reach files outside it.
     */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> paths = all.toList();
            for (Path p : paths)
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) p.toFile().setWritable(true);
            for (int i = paths.size() - 1; i >= 0; i--) Files.deleteIfExists(paths.get(i)); // children first
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
