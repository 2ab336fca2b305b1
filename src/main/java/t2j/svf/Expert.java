package t2j.svf;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.io.DType;
import t2j.io.SafeTensorsFile;
import t2j.io.SafeTensorsWriter;
import t2j.tensor.Matrix;

/**
 * A trained SVF expert: one z-vector per adapted matrix, with what it was trained on and from which base weights.
 * Stored as safetensors (z-vectors keyed by weight name) with the facts in the header's metadata.
 *
 * <pre>{@code
 * Expert math = Expert.load(Path.of("models/tiny-llama/experts/math.safetensors"));
 * math.checkFits(decomposition);            // explains any mismatch
 * svf.setZ(math.z()); svf.apply();
 * }</pre>
 *
 * @param z    z-vectors by Hugging Face weight name, in model order
 * @param info the metadata: {@code base_fingerprint}, {@code model_type}, {@code parametrization}, {@code targets},
 *             {@code task}, {@code iterations}, {@code best_validation}, {@code seed}, and anything else recorded
 */
public record Expert(Map<String, float[]> z, Map<String, String> info) {
    public Expert {
        z = Collections.unmodifiableMap(new LinkedHashMap<>(z));
        info = Collections.unmodifiableMap(new LinkedHashMap<>(info));
    }

    public String task() {
        return info.getOrDefault("task", "?");
    }

    public String baseFingerprint() {
        return info.get("base_fingerprint");
    }

    public Parametrization parametrization() {
        return Parametrization.fromId(info.getOrDefault("parametrization", Parametrization.SIGMOID_MASK.id()));
    }

    /** Total number of z entries (the expert's trainable parameters). */
    public long parameterCount() {
        long n = 0;
        for (float[] v : z.values()) n += v.length;
        return n;
    }

    /** Writes the expert atomically. */
    public void save(Path file) throws IOException {
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, float[]> e : z.entrySet()) {
            FloatBuffer b = Matrix.allocate(e.getValue().length);
            b.put(e.getValue()).position(0);
            entries.add(new SafeTensorsWriter.Entry(e.getKey(), DType.F32, new long[] {e.getValue().length}, b));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("t2j.kind", "svf-expert");
        info.forEach((k, v) -> meta.put("t2j." + k, v));
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        SafeTensorsWriter.write(file, entries, meta);
    }

    /** Reads an expert file; a file that is not one is refused with its path in the message. */
    public static Expert load(Path file) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            if (!"svf-expert".equals(f.metadata().get("t2j.kind")))
                throw new IllegalArgumentException(file + ": not an SVF expert file (metadata t2j.kind is "
                        + f.metadata().get("t2j.kind") + ")");
            Map<String, String> info = new LinkedHashMap<>();
            f.metadata().forEach((k, v) -> {
                if (k.startsWith("t2j.") && !k.equals("t2j.kind")) info.put(k.substring(4), v);
            });
            try {
                if (info.containsKey("parametrization")) Parametrization.fromId(info.get("parametrization"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            Map<String, float[]> z = new LinkedHashMap<>();
            for (String name : f.names()) {
                if (f.info(name).shape().length != 1)
                    throw new IllegalArgumentException(file + ": tensor '" + name + "' is not a vector");
                z.put(name, f.readFloats(name));
            }
            info.putIfAbsent("source", file.toString());
            return new Expert(z, info);
        }
    }

    /** Every expert file ({@code *.safetensors}) in {@code dir}, by file name without extension, sorted; empty if none. */
    public static Map<String, Expert> loadAll(Path dir) throws IOException {
        Map<String, Expert> out = new LinkedHashMap<>();
        if (!java.nio.file.Files.isDirectory(dir)) return out;
        List<Path> files;
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".safetensors"))
                    .sorted()
                    .toList();
        }
        for (Path f : files) out.put(f.getFileName().toString().replace(".safetensors", ""), load(f));
        return out;
    }

    /**
     * Checks that this expert was trained on these base weights with a z-vector for every decomposed matrix of the
     * right length; otherwise explains the first problem. Using an expert on another model is a deliberate transfer.
     */
    public void checkFits(Decomposition dec) {
        String where = info.getOrDefault("source", "expert '" + task() + "'");
        if (baseFingerprint() != null && !baseFingerprint().equals(dec.fingerprint()))
            throw new IncompatibleExpertException(
                    where + " was trained on other base weights (fingerprint " + baseFingerprint() + ", model "
                            + info.getOrDefault("model_type", "?") + ") than this model's (" + dec.fingerprint()
                            + "); to use it anyway, transfer it explicitly");
        for (String name : dec.names()) {
            float[] v = z.get(name);
            if (v == null)
                throw new IncompatibleExpertException(
                        where + " has no z-vector for '" + name + "' (it targets " + info.getOrDefault("targets", "?")
                                + "; the decomposition targets " + dec.targets().id() + ")");
            if (v.length != dec.get(name).rank())
                throw new IncompatibleExpertException(where + ": z-vector for '" + name + "' has length " + v.length
                        + ", the matrix has rank " + dec.get(name).rank());
        }
        for (String name : z.keySet())
            if (!dec.names().contains(name))
                throw new IncompatibleExpertException(
                        where + " adapts '" + name + "', which is not among the decomposed matrices");
    }

    /** An expert that does not fit a model: the message says which matrix or fact differs. */
    public static final class IncompatibleExpertException extends IllegalArgumentException {
        public IncompatibleExpertException(String m) {
            super(m);
        }
    }
}
