package t2j.task.real;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A tree of files outside every sandbox run, for hostile programs to attack, and an exact snapshot of it (type,
 * permissions, owner, size, modification time, content, link target) to show afterwards that nothing in it was
 * created, changed or deleted. {@code visible/} is shown to the sandbox read-only at the same path, so attacks on
 * it meet the real mount; {@code hidden/} is not shown and holds a secret that must never appear in any output.
 */
final class HostileCanary implements AutoCloseable {
    final Path root;
    final Path visible;
    final Path hidden;
    final String secret;

    private HostileCanary(Path root, String secret) {
        this.root = root;
        this.visible = root.resolve("visible");
        this.hidden = root.resolve("hidden");
        this.secret = secret;
    }

    /** A fresh tree in the system temp dir, traversable by the sandbox's uid where it must be. */
    static HostileCanary create(String secret) {
        try {
            HostileCanary c = new HostileCanary(Files.createTempDirectory("t2j-canary-"), secret);
            Files.createDirectories(c.visible.resolve("sub"));
            Files.createDirectories(c.visible.resolve("emptydir"));
            Files.writeString(c.visible.resolve("file.txt"), "canary\n");
            Files.writeString(c.visible.resolve("sub/nested.txt"), "nested canary\n");
            Files.writeString(c.visible.resolve("run.sh"), "#!/bin/sh\necho canary\n");
            Files.setPosixFilePermissions(c.visible.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createSymbolicLink(c.visible.resolve("link"), Path.of("file.txt"));
            Files.createDirectories(c.hidden);
            Files.writeString(c.hidden.resolve("file.txt"), "hidden canary\n");
            Files.writeString(c.hidden.resolve("secret.txt"), secret + "\n");
            Files.setPosixFilePermissions(c.hidden.resolve("secret.txt"), PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(c.hidden, PosixFilePermissions.fromString("rwx------"));
            // bwrap runs as uid 65534 when the tests run as root: it must reach visible/ to mount it.
            for (Path p : new Path[] {c.root, c.visible, c.visible.resolve("sub"), c.visible.resolve("emptydir")})
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every entry under the root (the root included), described exactly; links are not followed. */
    Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String kind = a.isSymbolicLink()
                        ? "link -> " + Files.readSymbolicLink(p)
                        : a.isDirectory()
                                ? "dir"
                                : a.isRegularFile()
                                        ? "file " + a.size() + " " + sha256(Files.readAllBytes(p))
                                        : "other";
                out.put(
                        root.relativize(p).toString(),
                        kind + " " + PosixFilePermissions.toString(a.permissions()) + " "
                                + a.owner().getName() + ":" + a.group().getName() + " mtime "
                                + a.lastModifiedTime().toMillis());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The differences between two snapshots, one line each; empty when equal. */
    static String diff(Map<String, String> before, Map<String, String> after) {
        StringBuilder sb = new StringBuilder();
        for (var e : before.entrySet()) {
            String now = after.get(e.getKey());
            if (now == null) sb.append("deleted ").append(e.getKey()).append('\n');
            else if (!now.equals(e.getValue()))
                sb.append("changed ")
                        .append(e.getKey())
                        .append(": ")
                        .append(e.getValue())
                        .append(" -> ")
                        .append(now)
                        .append('\n');
        }
        for (String k : after.keySet())
            if (!before.containsKey(k))
                sb.append("created ")
                        .append(k)
                        .append(": ")
                        .append(after.get(k))
                        .append('\n');
        return sb.toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!Files.isSymbolicLink(p)) p.toFile().setWritable(true);
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the canary " + root, e);
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
