package t2j.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Write-to-temp, fsync, rename: readers see the old file or the complete new one, never a half-written one. Every
 * file the project writes (checkpoints, caches, experts, configs, cards) goes through here.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    public interface Body {
        void write(FileChannel out) throws IOException;
    }

    public static void write(Path file, Body body) throws IOException {
        // An interrupt (the notebook's stop button, say) would close the channel mid-write and lose the file; a
        // checkpoint is exactly what must survive it, so the interrupt is held back until the write is done.
        boolean interrupted = Thread.interrupted();
        try {
            writeUninterrupted(file, body);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static void writeUninterrupted(Path file, Body body) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        // Same folder as the target: a rename across file systems would not be atomic.
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        // createTempFile makes the file private (0600); the result should be as readable as any file the user writes.
        try {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // keep the platform's default
        }
        boolean done = false;
        try {
            try (FileChannel out =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(out);
                out.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(
                        abs + ": the file system cannot rename atomically, refusing a non-atomic write", e);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /** Makes the rename itself durable; some platforms cannot open a directory for sync, which only weakens durability. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort, see above
        }
    }

    /** Writes {@code text} as UTF-8, atomically. */
    public static void writeString(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        write(file, out -> writeFully(out, java.nio.ByteBuffer.wrap(bytes)));
    }

    public static void writeFully(FileChannel out, java.nio.ByteBuffer b) throws IOException {
        while (b.hasRemaining()) out.write(b);
    }
}
