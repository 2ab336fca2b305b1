package t2j.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import t2j.io.Checkpoint;
import t2j.io.DType;
import t2j.io.SafeTensorsFile;
import t2j.io.TensorInfo;
import t2j.lora.LoraAdapter;
import t2j.model.ModelConfig;
import t2j.model.ModelWeights;
import t2j.model.TinyModels;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Parametrization;
import t2j.svf.SvfAdapter;
import t2j.svf.Targets;
import t2j.util.Progress;

class WeightSnapshotTest {
    @TempDir
    Path tmp;

    private static ModelWeights load(Path dir) throws IOException {
        return load(dir, ModelWeights.Storage.AUTO);
    }

    private static ModelWeights load(Path dir, ModelWeights.Storage storage) throws IOException {
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            return ModelWeights.load(ModelConfig.load(dir), ckpt, storage);
        }
    }

    /** Every named weight of {@code a} and {@code b} has the same bits. */
    private static void assertBitIdentical(ModelWeights a, ModelWeights b, List<String> names, String what) {
        for (String n : names) {
            float[] x = a.matrix(n).toArray(), y = b.matrix(n).toArray();
            for (int i = 0; i < x.length; i++)
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i]))
                    throw new AssertionError(what + ": " + n + "[" + i + "] is " + x[i] + ", loaded " + y[i]);
        }
    }

    private static boolean anyDiffers(ModelWeights a, ModelWeights b, List<String> names) {
        for (String n : names) {
            float[] x = a.matrix(n).toArray(), y = b.matrix(n).toArray();
            for (int i = 0; i < x.length; i++)
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) return true;
        }
        return false;
    }

    @ParameterizedTest
    @EnumSource(
            value = DType.class,
            names = {"F32", "BF16", "F16"})
    void svfRestoresTheLoadedBitsFromTheCheckpointWithoutACopy(DType dtype) throws IOException {
        Path dir = TinyModels.write(tmp.resolve("m"), TinyModels.llama(), 3, dtype, 1L << 30);
        Transformer model = new Transformer(load(dir));
        ModelWeights pristine = load(dir);
        Decomposition dec = Decomposition.compute(model.weights(), Targets.ALL_LINEAR, Progress.NONE);
        List<String> names = dec.names();
        assertEquals(
                0, new WeightSnapshot(model.weights(), names).copiedBytes(), "loaded weights come back from the file");

        SvfAdapter svf = new SvfAdapter(model, dec, Parametrization.SIGMOID_MASK, 7);
        SplittableRandom r = new SplittableRandom(1);
        svf.parameters().values().forEach(z -> {
            for (int i = 0; i < z.length; i++) z[i] += (float) (r.nextDouble() - 0.5);
        });
        svf.apply();
        assertTrue(
                anyDiffers(model.weights(), pristine, names),
                "the composed weights must differ, or restore proves nothing");
        svf.restore();
        assertBitIdentical(model.weights(), pristine, names, dtype + " SVF restore");

        Map<String, float[]> masks = new LinkedHashMap<>();
        masks.put(names.get(0), new float[dec.get(names.get(0)).rank()]);
        svf.apply();
        svf.applyMasks(masks); // every other matrix goes back to its base
        assertBitIdentical(model.weights(), pristine, names.subList(1, names.size()), dtype + " unmasked matrices");
        svf.restore();
        assertBitIdentical(model.weights(), pristine, names, dtype + " restore after masks");
    }

    @ParameterizedTest
    @EnumSource(
            value = DType.class,
            names = {"F32", "BF16"})
    void loraRestoresTheLoadedBits(DType dtype) throws IOException {
        Path dir = TinyModels.write(tmp.resolve("m"), TinyModels.mistral(), 4, dtype, 1L << 30);
        Transformer model = new Transformer(load(dir));
        ModelWeights pristine = load(dir);
        List<String> names = Targets.ALL_LINEAR.select(model.weights());
        LoraAdapter lora = new LoraAdapter(model, names, 4, 8f, 0);
        lora.parameters().values().forEach(p -> {
            for (int i = 0; i < p.length; i++) p[i] += 0.25f;
        });
        lora.apply();
        assertTrue(anyDiffers(model.weights(), pristine, names));
        lora.apply(); // composes from the base again, not on top of the last composition
        lora.restore();
        assertBitIdentical(model.weights(), pristine, names, dtype + " LoRA restore");
    }

    @ParameterizedTest
    @EnumSource(
            value = DType.class,
            names = {"F32", "BF16"})
    void weightsHeldInBf16AreRestoredBitForBitToo(DType fileType) throws IOException {
        Path dir = TinyModels.write(tmp.resolve("m"), TinyModels.llama(), 8, fileType, 1L << 30);
        Transformer model = new Transformer(load(dir, ModelWeights.Storage.BF16));
        ModelWeights pristine = load(dir, ModelWeights.Storage.BF16);
        assertTrue(model.weights().isBf16());
        Decomposition dec = Decomposition.compute(model.weights(), Targets.MLP, Progress.NONE);
        List<String> names = dec.names();
        assertEquals(
                0,
                new WeightSnapshot(model.weights(), names).copiedBytes(),
                "bf16 weights come back from the file too");
        SvfAdapter svf = new SvfAdapter(model, dec, Parametrization.SIGMOID_MASK, 7);
        svf.parameters().values().forEach(z -> {
            for (int i = 0; i < z.length; i++) z[i] += 0.7f * ((i % 3) - 1);
        });
        svf.apply();
        assertTrue(anyDiffers(model.weights(), pristine, names));
        svf.restore();
        assertBitIdentical(model.weights(), pristine, names, fileType + " file, bf16 storage, SVF");
        LoraAdapter lora = new LoraAdapter(model, names, 2, 4f, 0);
        lora.parameters().values().forEach(p -> java.util.Arrays.fill(p, 0.3f));
        lora.apply();
        assertTrue(anyDiffers(model.weights(), pristine, names));
        lora.restore();
        assertBitIdentical(model.weights(), pristine, names, fileType + " file, bf16 storage, LoRA");
        model.weights().matrix(names.get(0)).set(0, 0, 3f);
        ModelWeights edited = model.weights().copy();
        WeightSnapshot copied = new WeightSnapshot(model.weights(), names.subList(0, 1));
        assertEquals(
                model.weights().matrix(names.get(0)).numel() * 2,
                copied.copiedBytes(),
                "a bf16 copy is 2 bytes a value");
        model.weights().matrix(names.get(0)).set(1, 1, 3f);
        copied.restore();
        assertBitIdentical(model.weights(), edited, names.subList(0, 1), "bf16 off-heap copy");
    }

    @Test
    void weightsChangedSinceLoadingAreCopiedAndRestoredToTheirCurrentValues() throws IOException {
        Path dir = TinyModels.write(tmp.resolve("m"), TinyModels.llama(), 5, DType.BF16, 1L << 30);
        ModelWeights w = load(dir);
        String edited = "model.layers.0.mlp.down_proj.weight", untouched = "model.layers.1.mlp.down_proj.weight";
        w.matrix(edited).set(3, 4, 0.123f); // as training in memory would
        ModelWeights expected = w.copy();
        WeightSnapshot snap = new WeightSnapshot(w, List.of(edited, untouched));
        assertEquals(w.matrix(edited).numel() * 4, snap.copiedBytes(), "only the edited weight needs a copy");
        w.matrix(edited).set(0, 0, 9f);
        w.matrix(untouched).set(0, 0, 9f);
        snap.restore();
        assertBitIdentical(w, expected, List.of(edited, untouched), "restore");
    }

    @Test
    void weightsWithoutAFileAreCopied() {
        ModelWeights w = ModelWeights.random(TinyModels.llama(), 6, 0.1);
        ModelWeights expected = w.copy();
        List<String> names = Targets.MLP.select(w);
        WeightSnapshot snap = new WeightSnapshot(w, names);
        assertTrue(snap.copiedBytes() > 0);
        names.forEach(n -> w.matrix(n).set(1, 1, -5f));
        snap.restore();
        assertBitIdentical(w, expected, names, "restore from the off-heap copy");
    }

    @Test
    void aCheckpointRewrittenInPlaceIsRefusedNotRestoredFrom() throws IOException {
        Path dir = TinyModels.write(tmp.resolve("m"), TinyModels.llama(), 7, DType.F32, 1L << 30);
        ModelWeights w = load(dir);
        String name = "model.layers.1.self_attn.o_proj.weight";
        WeightSnapshot snap = new WeightSnapshot(w, List.of(name));
        assertEquals(0, snap.copiedBytes());
        Path file = w.sourceFile(name);
        long at;
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            TensorInfo t = f.info(name);
            at = t.begin();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            long dataStart = 8 + len.getLong(0);
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, 42f), dataStart + at);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, snap::restore);
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(name), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
