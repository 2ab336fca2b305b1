package t2j.adapter;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.io.MappedTensor;
import t2j.io.SafeTensorsFile;
import t2j.model.ModelWeights;
import t2j.tensor.Matrix;

/**
 * Puts back, bit for bit, the weights an adapter overwrites, without a second copy of them where the checkpoint
 * they were loaded from still holds them (an on-heap copy of Llama-3.2-1B's MLP alone is 3.2 GB).
 *
 * <p>Why restoring from the checkpoint is exact: loading turns each stored value into float32 by a pure function of
 * its bytes (F32 copied, BF16 shifted into the high half, F16 widened; every one exact), or into bf16 (BF16 bytes
 * copied, others rounded to nearest even), and {@link MappedTensor} runs that same function on the same bytes, so it
 * gives the same bits. Two things could break that, and both are
 * checked: (1) the weights may no longer be what was loaded (a model trained or edited in memory), so the snapshot
 * compares the current values with the file's, bit for bit, and copies a weight that differs; (2) the file may be
 * rewritten in place later (a replacement by rename leaves the mapped old bytes intact), so the snapshot records
 * the CRC-32C of the mapped bytes and {@link #restore()} refuses to use bytes whose CRC changed. Weights without a
 * file get an off-heap copy (a memcpy back, exact by construction): the tiny models built in memory, random weights.
 * SVF's other candidate, U·diag(σ)·Vᵀ plus a stored residual, is not exact in float32 (the residual's subtraction
 * rounds wherever the two differ by more than a factor of two) and the residual is as large as W.
 */
public final class WeightSnapshot {
    private final ModelWeights weights;
    private final Map<String, Source> saved = new LinkedHashMap<>();

    /** Where one weight's base values come back from. */
    private interface Source {
        void restoreInto(Matrix dst);

        long heldBytes();
    }

    public WeightSnapshot(ModelWeights weights, List<String> names) {
        this.weights = weights;
        for (String n : names) saved.put(n, sourceOf(weights, n));
    }

    private static Source sourceOf(ModelWeights weights, String name) {
        Matrix m = weights.matrix(name);
        MappedTensor mapped = mappedIfEqual(weights.sourceFile(name), name, m);
        if (mapped != null) return new FromCheckpoint(name, mapped, mapped.crc32c());
        Matrix copy = m.zerosLike();
        copy.copyFrom(m);
        return new OffHeapCopy(copy);
    }

    /** The file's tensor when the current values are bit-identical to what it converts to, else null. */
    private static MappedTensor mappedIfEqual(Path file, String name, Matrix m) {
        if (file == null) return null;
        MappedTensor t;
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            if (!f.contains(name)) return null;
            t = f.mapTensor(name);
        } catch (IOException | RuntimeException gone) {
            return null; // moved, deleted or unreadable since loading: the copy below is still exact
        }
        if (t.info().numel() != m.numel()) return null;
        int window = 1 << 18;
        float[] mine = new float[window];
        float[] theirs = new float[window];
        FloatBuffer theirsBuf = FloatBuffer.wrap(theirs);
        java.nio.ByteBuffer halves = java.nio.ByteBuffer.allocate(2 * window).order(java.nio.ByteOrder.nativeOrder());
        for (long at = 0; at < m.numel(); ) {
            int k = (int) Math.min(window, m.valuesInBlockFrom(at));
            m.getValues(at, mine, 0, k);
            if (m.isBf16()) {
                t.readRangeBf16(at, k, halves.clear());
                for (int i = 0; i < k; i++) theirs[i] = t2j.tensor.Bf16.toFloat(halves.getShort(2 * i));
            } else t.readRange(at, k, theirsBuf.clear());
            for (int i = 0; i < k; i++)
                if (Float.floatToRawIntBits(mine[i]) != Float.floatToRawIntBits(theirs[i])) return null;
            at += k;
        }
        return t;
    }

    /** Writes the saved values back. */
    public void restore() {
        saved.forEach((name, s) -> s.restoreInto(weights.matrix(name)));
    }

    /** Writes one weight's saved values back. */
    public void restore(String name) {
        Source s = saved.get(name);
        if (s == null)
            throw new IllegalArgumentException(
                    "'" + name + "' is not in this snapshot (it holds " + saved.keySet() + ")");
        s.restoreInto(weights.matrix(name));
    }

    /** Off-heap bytes this snapshot holds as copies; zero when every weight comes back from its checkpoint. */
    public long copiedBytes() {
        long n = 0;
        for (Source s : saved.values()) n += s.heldBytes();
        return n;
    }

    private record FromCheckpoint(String name, MappedTensor mapped, long crc) implements Source {
        @Override
        public void restoreInto(Matrix dst) {
            if (mapped.crc32c() != crc)
                throw new IllegalStateException(
                        mapped.file() + ": tensor '" + name + "' changed on disk since the model was"
                                + " loaded, so its base weights cannot be restored from it; reload the model from its folder");
            if (dst.isBf16()) {
                for (int r = 0; r < dst.rows(); ) {
                    int rowsHere = dst.valuesInBlockFrom((long) r * dst.cols()) / dst.cols();
                    mapped.readRangeBf16(
                            (long) r * dst.cols(),
                            rowsHere * dst.cols(),
                            dst.halvesOf(r).duplicate().position(2 * dst.offsetInBlock(r)));
                    r += rowsHere;
                }
                return;
            }
            dst.forEachBlock((first, count, data) -> mapped.readRange(
                    (long) first * dst.cols(),
                    count * dst.cols(),
                    data.duplicate().position(0)));
        }

        @Override
        public long heldBytes() {
            return 0;
        }
    }

    private record OffHeapCopy(Matrix copy) implements Source {
        @Override
        public void restoreInto(Matrix dst) {
            dst.copyFrom(copy);
        }

        @Override
        public long heldBytes() {
            return copy.numel() * copy.bytesPerValue();
        }
    }
}
