package t2j.adapt.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import t2j.json.Json;
import t2j.json.JsonException;

/**
 * The append-only record of every composition of weights a session made ({@link LogEntry}), in memory and, when
 * given a file, as JSON lines: each entry is one line written with one call and forced to disk before
 * {@link #append} returns, so a kill mid-write can tear at most the last line. Reading skips a torn last line (one
 * without its newline) and keeps the rest; a damaged line before it is an error naming the file and line.
 *
 * <pre>{@code
 * AdaptationLog log = AdaptationLog.appendingTo(Path.of("session.jsonl"), "alice");
 * pool.logTo(log);
 * ... answer requests ...
 * System.out.println(AdaptationLog.table(log.filter(e -> e.alpha().containsKey("math"))));
 * }</pre>
 */
public final class AdaptationLog {
    private final String session;
    private final Path file;
    private final List<LogEntry> entries = new ArrayList<>();

    private AdaptationLog(String session, Path file) {
        if (session == null || session.isBlank()) throw new IllegalArgumentException("a log needs a session name");
        this.session = session;
        this.file = file;
    }

    /** A log kept in memory only. */
    public static AdaptationLog inMemory(String session) {
        return new AdaptationLog(session, null);
    }

    /**
     * A log that appends to {@code file} (created when missing); the entries already there are read back and
     * numbering continues after them. A torn last line is cut off so the next entry starts on a line of its own.
     */
    public static AdaptationLog appendingTo(Path file, String session) throws IOException {
        AdaptationLog log = new AdaptationLog(session, file);
        if (Files.exists(file)) {
            byte[] bytes = Files.readAllBytes(file);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') end--;
            if (end < bytes.length)
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(end);
                    ch.force(true);
                }
            log.entries.addAll(parse(new String(bytes, 0, end, StandardCharsets.UTF_8), file.toString()));
        } else {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
        }
        return log;
    }

    /** Every complete entry of a log file; a torn last line is skipped. */
    public static List<LogEntry> read(Path file) throws IOException {
        if (!Files.exists(file)) throw new java.nio.file.NoSuchFileException(file + " (no such adaptation log)");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n') + 1;
        return parse(text.substring(0, end), file.toString());
    }

    private static List<LogEntry> parse(String complete, String where) {
        List<LogEntry> out = new ArrayList<>();
        String[] lines = complete.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            try {
                out.add(LogEntry.fromJson(Json.parseObject(lines[i], where + ":" + (i + 1))));
            } catch (JsonException | ClassCastException | NullPointerException e) {
                throw new IllegalArgumentException(
                        where + ": line " + (i + 1) + " is not a log entry (" + e.getMessage() + ")", e);
            }
        }
        return out;
    }

    public String session() {
        return session;
    }

    /** The file entries go to, or null for a log in memory. */
    public Path file() {
        return file;
    }

    /** Numbers the entry, writes it (one forced line when there is a file) and keeps it. */
    public synchronized LogEntry append(LogEntry e) {
        LogEntry numbered = e.withSeq(
                entries.isEmpty() ? 1 : entries.get(entries.size() - 1).seq() + 1);
        if (file != null) {
            byte[] line = (Json.write(numbered.toJson()) + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer b = ByteBuffer.wrap(line);
                while (b.hasRemaining()) ch.write(b);
                ch.force(false);
            } catch (IOException x) {
                throw new UncheckedIOException("cannot append to adaptation log " + file, x);
            }
        }
        entries.add(numbered);
        return numbered;
    }

    /** All entries, oldest first. */
    public synchronized List<LogEntry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(entries));
    }

    public synchronized List<LogEntry> filter(Predicate<LogEntry> keep) {
        return entries.stream().filter(keep).toList();
    }

    /** Entries that composed {@code expert} with a nonzero α. */
    public static Predicate<LogEntry> composing(String expert) {
        return e -> e.alpha().getOrDefault(expert, List.of()).stream().anyMatch(a -> a != 0);
    }

    /** Entries made for {@code purpose} ({@code answer}, {@code search}, ...). */
    public static Predicate<LogEntry> purpose(String purpose) {
        return e -> e.purpose().equals(purpose);
    }

    /** A markdown table: one row per entry with its mixture, matrices, controls, answers and timings. */
    public static String table(List<LogEntry> entries) {
        StringBuilder b = new StringBuilder("| # | time | purpose | mixture | matrices | controls | answers | labels "
                + "| compose ms | pass 2 ms |\n");
        b.append("|---:|---|---|---|---:|---|---:|---|---:|---:|\n");
        for (LogEntry e : entries) {
            List<String> labels =
                    e.answers().stream().map(LogEntry.Answer::label).distinct().toList();
            b.append(String.format(
                    Locale.ROOT,
                    "| %d | %s | %s | %s | %d | %s | %d | %s | %.1f | %.1f |%n",
                    e.seq(),
                    e.time(),
                    e.purpose(),
                    e.mixture(),
                    e.matrices().size(),
                    controlsText(e),
                    e.answers().size(),
                    String.join(", ", labels),
                    1e3 * e.composeSeconds(),
                    1e3 * e.pass2Seconds()));
        }
        return b.toString();
    }

    /** The entry's controls in words: {@code none}, or e.g. {@code forbid [code]; strength 0.5}. */
    public static String controlsText(LogEntry e) {
        if (e.controls() == null) return "none";
        Object pin = e.controls().get("pin"),
                forbid = e.controls().get("forbid"),
                s = e.controls().get("strength");
        List<String> p = new ArrayList<>();
        if (pin != null) p.add("pin " + pin);
        if (forbid instanceof List<?> l && !l.isEmpty()) p.add("forbid " + l);
        if (s instanceof Number n && n.doubleValue() != 1) p.add("strength " + n);
        if (e.controls().get("layers") != null) p.add("layers " + e.controls().get("layers"));
        if (e.controls().get("kinds") != null) p.add("kinds " + e.controls().get("kinds"));
        if (e.controls().get("min_confidence") instanceof Number n && n.doubleValue() > 0)
            p.add("below " + n + " → " + e.controls().get("fallback"));
        return p.isEmpty() ? "none" : String.join("; ", p);
    }
}
