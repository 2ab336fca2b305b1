package t2j.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.io.Checkpoint;
import t2j.io.DType;
import t2j.io.SafeTensorsWriter;
import t2j.tensor.Matrix;

/** A checkpoint that disagrees with its config is refused with the file, the tensor and the expected shape. */
class ModelWeightsTest {
    @TempDir
    Path dir;

    private void writeWith(Map<String, long[]> replace, List<String> drop, List<String> extra) throws Exception {
        ModelConfig c = TinyModels.llama();
        c.save(dir);
        ModelWeights w = ModelWeights.random(c, 1);
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        for (String name : w.names()) {
            if (drop.contains(name)) continue;
            Matrix m = w.matrix(name);
            long[] shape = replace.getOrDefault(
                    name, name.endsWith("norm.weight") ? new long[] {m.cols()} : new long[] {m.rows(), m.cols()});
            long n = 1;
            for (long s : shape) n *= s;
            entries.add(new SafeTensorsWriter.Entry(name, DType.F32, shape, Matrix.allocate(n)));
        }
        for (String name : extra)
            entries.add(new SafeTensorsWriter.Entry(name, DType.F32, new long[] {4}, Matrix.allocate(4)));
        Checkpoint.writeSharded(dir, entries, 1L << 30, Map.of());
    }

    private String error() {
        return assertThrows(ModelFormatException.class, () -> Transformer.load(dir))
                .getMessage();
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        writeWith(Map.of(), List.of("model.layers.1.mlp.up_proj.weight"), List.of());
        String m = error();
        assertTrue(
                m.contains("model.layers.1.mlp.up_proj.weight") && m.contains("missing") && m.contains("[160, 64]"), m);
    }

    @Test
    void misShapedTensorNamesBothShapes() throws Exception {
        writeWith(Map.of("model.layers.0.self_attn.k_proj.weight", new long[] {64, 64}), List.of(), List.of());
        String m = error();
        assertTrue(
                m.contains("k_proj")
                        && m.contains("[64, 64]")
                        && m.contains("[32, 64]")
                        && m.contains("model.safetensors"),
                m);
    }

    @Test
    void layersBeyondTheConfigAreAContradiction() throws Exception {
        writeWith(Map.of(), List.of(), List.of("model.layers.2.input_layernorm.weight"));
        String m = error();
        assertTrue(m.contains("model.layers.2") && m.contains("num_hidden_layers=2"), m);
    }

    @Test
    void vocabularyDisagreementIsCaught() throws Exception {
        writeWith(Map.of("model.embed_tokens.weight", new long[] {299, 64}), List.of(), List.of());
        String m = error();
        assertTrue(m.contains("embed_tokens") && m.contains("[300, 64]"), m);
    }
}
