package t2j.train;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import t2j.io.DType;
import t2j.io.SafeTensorsFile;
import t2j.io.SafeTensorsWriter;
import t2j.tensor.Matrix;

/**
 * Everything a training run needs to resume where it stopped: parameters, Adam's moments, the best parameters so
 * far and the step count. One safetensors file, written atomically, so an interrupted write loses nothing.
 */
record TrainingCheckpoint(
        int iteration,
        Map<String, float[]> params,
        Map<String, float[]> adamState,
        int adamSteps,
        Map<String, float[]> best,
        double bestValidation,
        double baseValidation,
        int bestIteration) {

    void save(Path file) throws IOException {
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        add(entries, "param.", params);
        add(entries, "adam.", adamState);
        add(entries, "best.", best);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("t2j.kind", "training-checkpoint");
        meta.put("iteration", Integer.toString(iteration));
        meta.put("adam_steps", Integer.toString(adamSteps));
        meta.put("best_validation", Double.toString(bestValidation));
        meta.put("base_validation", Double.toString(baseValidation));
        meta.put("best_iteration", Integer.toString(bestIteration));
        SafeTensorsWriter.write(file, entries, meta);
    }

    private static void add(List<SafeTensorsWriter.Entry> entries, String prefix, Map<String, float[]> m) {
        for (Map.Entry<String, float[]> e : m.entrySet()) {
            FloatBuffer b = Matrix.allocate(Math.max(1, e.getValue().length));
            b.put(e.getValue()).position(0);
            entries.add(
                    new SafeTensorsWriter.Entry(prefix + e.getKey(), DType.F32, new long[] {e.getValue().length}, b));
        }
    }

    /** The checkpoint a run resumes from: empty when it has no checkpoint file or the file does not exist yet. */
    static Optional<TrainingCheckpoint> resumable(Path file, Map<String, float[]> like) throws IOException {
        if (file == null || !Files.exists(file)) return Optional.empty();
        return Optional.of(load(file, like));
    }

    /** Puts the checkpoint's parameters into the live ones and its moments into {@code adam}. */
    void restoreInto(Map<String, float[]> live, Adam adam) {
        params.forEach((k, v) -> System.arraycopy(v, 0, live.get(k), 0, v.length));
        adam.restore(adamState, adamSteps);
    }

    /** Reads a checkpoint, refusing one whose parameters do not match the adapter being trained. */
    static TrainingCheckpoint load(Path file, Map<String, float[]> like) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            Map<String, String> meta = f.metadata();
            if (!"training-checkpoint".equals(meta.get("t2j.kind")))
                throw new IllegalArgumentException(
                        file + ": not a training checkpoint (t2j.kind=" + meta.get("t2j.kind") + ")");
            Map<String, float[]> params = new LinkedHashMap<>(),
                    adam = new LinkedHashMap<>(),
                    best = new LinkedHashMap<>();
            for (String name : f.names()) {
                float[] v = f.readFloats(name);
                if (name.startsWith("param.")) params.put(name.substring(6), v);
                else if (name.startsWith("adam.")) adam.put(name.substring(5), v);
                else if (name.startsWith("best.")) best.put(name.substring(5), v);
            }
            for (Map.Entry<String, float[]> e : like.entrySet()) {
                float[] v = params.get(e.getKey());
                if (v == null || v.length != e.getValue().length)
                    throw new IllegalArgumentException(
                            file + ": checkpoint does not match this adapter (parameter '" + e.getKey() + "' is "
                                    + (v == null ? "missing" : "of length " + v.length) + "); delete it to start over");
            }
            return new TrainingCheckpoint(
                    Integer.parseInt(meta.get("iteration")),
                    params,
                    adam,
                    Integer.parseInt(meta.get("adam_steps")),
                    best,
                    Double.parseDouble(meta.get("best_validation")),
                    Double.parseDouble(meta.get("base_validation")),
                    Integer.parseInt(meta.get("best_iteration")));
        }
    }
}
