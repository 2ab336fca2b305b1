package t2j.io;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import t2j.json.Json;

/**
 * The safetensors weights of a Hugging Face model folder, as one name → tensor view.
 *
 * <p>{@link #open} looks, in this order (the order {@code transformers} uses), for {@code model.safetensors}, then
 * {@code model.safetensors.index.json} with its shards, then a lone {@code *.safetensors} file when exactly one
 * exists. A sharded folder is checked as a whole: every shard the index names must exist and hold the tensors it is
 * mapped to, and no tensor may appear in two shards or in a shard the index does not map it to. Shard files the index
 * does not name are not opened. {@link #names()} is sorted. Opening maps nothing; see {@link SafeTensorsFile} for how reads work.
 *
 * <pre>{@code
 * try (Checkpoint ckpt = Checkpoint.open(Path.of("models/Llama-3.2-1B"))) {
 *     float[] norm = ckpt.readFloats("model.norm.weight");
 * }
 * Checkpoint.writeSharded(dir, entries, 5L << 30, Map.of("format", "pt")); // model-00001-of-00004.safetensors ...
 * }</pre>
 */
public final class Checkpoint implements AutoCloseable {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";
    private static final Pattern SHARD_NAME = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");

    private final Path dir;
    private final List<SafeTensorsFile> files;
    private final Map<String, SafeTensorsFile> byName; // sorted by name

    private Checkpoint(Path dir, List<SafeTensorsFile> files, Map<String, SafeTensorsFile> byName) {
        this.dir = dir;
        this.files = files;
        this.byName = byName;
    }

    /**
     * Opens the checkpoint in folder {@code dir} (or, given a {@code .safetensors} file, that file alone).
     *
     * @throws CheckpointFormatException no safetensors found, or a malformed file or index (the message says which)
     * @throws IOException a file cannot be read
     */
    public static Checkpoint open(Path dir) throws IOException {
        if (Files.isRegularFile(dir)) return single(dir.toAbsolutePath().getParent(), dir);
        if (!Files.isDirectory(dir))
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no such model folder");
        if (Files.isRegularFile(dir.resolve(SINGLE_FILE))) return single(dir, dir.resolve(SINGLE_FILE));
        if (Files.isRegularFile(dir.resolve(INDEX_FILE))) return sharded(dir);
        List<Path> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(p -> p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p))
                    .sorted()
                    .collect(Collectors.toList());
        }
        if (found.size() == 1) return single(dir, found.get(0));
        throw new CheckpointFormatException(dir + ": expected " + SINGLE_FILE + ", or " + INDEX_FILE
                + " with its shards, or exactly one *.safetensors file; found "
                + (found.isEmpty()
                        ? "no *.safetensors file"
                        : found.size() + " without an index: "
                                + found.stream()
                                        .map(p -> p.getFileName().toString())
                                        .collect(Collectors.joining(", "))));
    }

    private static Checkpoint single(Path dir, Path file) throws IOException {
        SafeTensorsFile f = SafeTensorsFile.open(file);
        Map<String, SafeTensorsFile> byName = new TreeMap<>();
        for (String n : f.names()) byName.put(n, f);
        return new Checkpoint(dir, List.of(f), Collections.unmodifiableMap(byName));
    }

    private static Checkpoint sharded(Path dir) throws IOException {
        Path index = dir.resolve(INDEX_FILE);
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, SafeTensorsFile> shards = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                if (shards.containsKey(e.getValue())) continue;
                Path shard = dir.resolve(e.getValue());
                if (!Files.isRegularFile(shard))
                    throw new CheckpointFormatException(index + ": weight_map maps tensor '" + e.getKey()
                            + "' to shard '" + e.getValue() + "', but " + shard + " does not exist");
                shards.put(e.getValue(), SafeTensorsFile.open(shard));
            }
            Map<String, SafeTensorsFile> byName = new TreeMap<>();
            for (SafeTensorsFile f : shards.values()) {
                for (String n : f.names()) {
                    SafeTensorsFile other = byName.put(n, f);
                    if (other != null)
                        throw new CheckpointFormatException(index + ": tensor '" + n + "' is in two shards, "
                                + other.path() + " and " + f.path() + "; which one is meant is ambiguous");
                }
            }
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                SafeTensorsFile f = shards.get(e.getValue());
                if (!f.contains(e.getKey()))
                    throw new CheckpointFormatException(index + ": weight_map maps tensor '" + e.getKey() + "' to "
                            + f.path()
                            + ", which does not contain it ("
                            + (byName.containsKey(e.getKey())
                                    ? "it is in " + byName.get(e.getKey()).path()
                                    : CheckpointFormatException.nearNames(e.getKey(), f.names(), 3))
                            + ")");
            }
            for (Map.Entry<String, SafeTensorsFile> e : byName.entrySet())
                if (!weightMap.containsKey(e.getKey()))
                    throw new CheckpointFormatException(
                            index + ": shard " + e.getValue().path() + " holds tensor '" + e.getKey()
                                    + "', which weight_map does not list (index and shards are out of step)");
            return new Checkpoint(dir, List.copyOf(shards.values()), Collections.unmodifiableMap(byName));
        } catch (RuntimeException | IOException | Error failure) {
            for (SafeTensorsFile f : shards.values()) {
                try {
                    f.close();
                } catch (IOException suppressed) {
                    failure.addSuppressed(suppressed);
                }
            }
            throw failure;
        }
    }

    private static Map<String, String> readWeightMap(Path index) throws IOException {
        Object json;
        try {
            json = SafeTensorsFile.parseJson(Files.readString(index, StandardCharsets.UTF_8), index.toString());
        } catch (java.nio.charset.MalformedInputException e) {
            throw new CheckpointFormatException(index + ": not valid UTF-8", e);
        }
        if (!(json instanceof Map))
            throw new CheckpointFormatException(
                    index + ": expected a JSON object at the top level, found " + SafeTensorsFile.jsonType(json));
        Object wm = ((Map<?, ?>) json).get("weight_map");
        if (!(wm instanceof Map))
            throw new CheckpointFormatException(
                    index + ": \"weight_map\" must be an object of tensor name -> shard file, found "
                            + SafeTensorsFile.jsonType(wm));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) wm).entrySet()) {
            String where = index + ": weight_map entry '" + e.getKey() + "'";
            if (!(e.getValue() instanceof String))
                throw new CheckpointFormatException(
                        where + " must name a shard file, found " + SafeTensorsFile.jsonType(e.getValue()));
            String shard = (String) e.getValue();
            // Shards live beside the index; a path elsewhere is a corrupt or hostile index, not a layout to follow.
            if (shard.isEmpty()
                    || shard.contains("/")
                    || shard.contains("\\")
                    || shard.equals("..")
                    || shard.equals("."))
                throw new CheckpointFormatException(
                        where + " names '" + shard + "'; expected a file name in the same folder");
            out.put((String) e.getKey(), shard);
        }
        if (out.isEmpty()) throw new CheckpointFormatException(index + ": \"weight_map\" is empty");
        return out;
    }

    public Path dir() {
        return dir;
    }

    /** All tensor names, sorted, unmodifiable. */
    public Set<String> names() {
        return byName.keySet();
    }

    /** Whether the checkpoint holds tensor {@code name}. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** The safetensors files this checkpoint reads (one, or the shards in index order). */
    public List<Path> files() {
        return files.stream().map(SafeTensorsFile::path).collect(Collectors.toUnmodifiableList());
    }

    /** @throws CheckpointFormatException no such tensor; the message lists the nearest names */
    public TensorInfo info(String name) {
        return file(name).info(name);
    }

    /** The file holding tensor {@code name}, for error messages that should point at it. */
    public Path fileOf(String name) {
        return file(name).path();
    }

    /** See {@link SafeTensorsFile#readInto(String, FloatBuffer)}. */
    public void readInto(String name, FloatBuffer dst) {
        file(name).readInto(name, dst);
    }

    /** See {@link SafeTensorsFile#readFloats(String)}. */
    /** See {@link SafeTensorsFile#readRange}. */
    public void readRange(String name, long first, int count, FloatBuffer dst) {
        file(name).readRange(name, first, count, dst);
    }

    /** See {@link SafeTensorsFile#readRangeBf16}. */
    public void readRangeBf16(String name, long first, int count, java.nio.ByteBuffer dst) {
        file(name).readRangeBf16(name, first, count, dst);
    }

    public float[] readFloats(String name) {
        return file(name).readFloats(name);
    }

    private SafeTensorsFile file(String name) {
        SafeTensorsFile f = byName.get(name);
        if (f == null)
            throw new CheckpointFormatException(dir + ": no tensor '" + name + "' in "
                    + files().stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")) + "; "
                    + CheckpointFormatException.nearNames(name, byName.keySet(), 5));
        return f;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SafeTensorsFile f : files) {
            try {
                f.close();
            } catch (IOException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }

    /**
     * Writes {@code tensors} into folder {@code dir} in Hugging Face layout: a single {@code model.safetensors} when
     * the data fits in {@code maxShardBytes}, otherwise {@code model-0000k-of-0000n.safetensors} shards (filled in
     * order; a tensor larger than the limit gets a shard of its own) plus {@code model.safetensors.index.json}
     * ({@code {"metadata":{"total_size":...},"weight_map":{...}}}), written last. Each file is written atomically;
     * files of the other layout left from an earlier write are removed afterwards, so a reader sees either the old
     * checkpoint or the new one ({@link #open} prefers {@code model.safetensors}, which is why a sharded write
     * removes an old single file only after its index is in place).
     *
     * @param metadata the {@code __metadata__} written into every file (HF writes {@code {"format":"pt"}})
     */
    public static void writeSharded(
            Path dir, List<SafeTensorsWriter.Entry> tensors, long maxShardBytes, Map<String, String> metadata)
            throws IOException {
        if (maxShardBytes <= 0)
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        SafeTensorsWriter.check(tensors);
        Files.createDirectories(dir);
        List<List<SafeTensorsWriter.Entry>> shards = new ArrayList<>();
        List<SafeTensorsWriter.Entry> cur = new ArrayList<>();
        long curBytes = 0, total = 0;
        for (SafeTensorsWriter.Entry e : tensors) {
            long b = e.byteLength();
            if (!cur.isEmpty() && curBytes + b > maxShardBytes) {
                shards.add(cur);
                cur = new ArrayList<>();
                curBytes = 0;
            }
            cur.add(e);
            curBytes += b;
            total += b;
        }
        shards.add(cur);
        if (shards.size() == 1) {
            SafeTensorsWriter.write(dir.resolve(SINGLE_FILE), tensors, metadata);
            Files.deleteIfExists(dir.resolve(INDEX_FILE));
            deleteShardsExcept(dir, Set.of());
            return;
        }
        Map<String, String> weightMap = new TreeMap<>(); // sorted, as transformers writes it
        Set<String> written = new HashSet<>();
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            SafeTensorsWriter.write(dir.resolve(name), shards.get(i), metadata);
            for (SafeTensorsWriter.Entry e : shards.get(i)) weightMap.put(e.name(), name);
            written.add(name);
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", total));
        index.put("weight_map", weightMap);
        byte[] json = Json.write(index).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(dir.resolve(INDEX_FILE), out -> AtomicFiles.writeFully(out, java.nio.ByteBuffer.wrap(json)));
        Files.deleteIfExists(dir.resolve(SINGLE_FILE));
        deleteShardsExcept(dir, written);
    }

    private static void deleteShardsExcept(Path dir, Set<String> keep) throws IOException {
        List<Path> stale;
        try (Stream<Path> s = Files.list(dir)) {
            stale = s.filter(p -> SHARD_NAME.matcher(p.getFileName().toString()).matches()
                            && !keep.contains(p.getFileName().toString()))
                    .collect(Collectors.toList());
        }
        for (Path p : stale) Files.deleteIfExists(p);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + dir + ", " + files.size() + " file(s), " + byName.size() + " tensors]";
    }
}
