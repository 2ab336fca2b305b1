package t2j.svf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.model.ModelWeights;
import t2j.model.TinyModels;
import t2j.util.Progress;

class ExpertTest {
    @TempDir
    Path tmp;

    private final ModelWeights weights = ModelWeights.random(TinyModels.llama(), 1, 0.1);
    private final Decomposition dec = Decomposition.compute(weights, Targets.MLP, Progress.NONE);

    private Expert expert(Map<String, float[]> z, String fingerprint) {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("base_fingerprint", fingerprint);
        info.put("task", "math");
        info.put("targets", "mlp");
        info.put("parametrization", "sigmoid-mask");
        return new Expert(z, info);
    }

    private Map<String, float[]> fullZ() {
        Map<String, float[]> z = new LinkedHashMap<>();
        for (String n : dec.names()) {
            float[] v = new float[dec.get(n).rank()];
            for (int i = 0; i < v.length; i++) v[i] = i * 0.01f;
            z.put(n, v);
        }
        return z;
    }

    @Test
    void roundTripsWithItsMetadata() throws Exception {
        Expert e = expert(fullZ(), dec.fingerprint());
        Path f = tmp.resolve("math.safetensors");
        e.save(f);
        Expert back = Expert.load(f);
        assertEquals("math", back.task());
        assertEquals(Parametrization.SIGMOID_MASK, back.parametrization());
        for (String n : e.z().keySet()) assertArrayEquals(e.z().get(n), back.z().get(n));
        back.checkFits(dec);
    }

    @Test
    void anExpertOfOtherWeightsIsRefusedUnlessTransferred() {
        String m = assertThrows(
                        Expert.IncompatibleExpertException.class,
                        () -> expert(fullZ(), "0123abcd").checkFits(dec))
                .getMessage();
        assertTrue(m.contains("other base weights") && m.contains("transfer"), m);
    }

    @Test
    void missingMatrixAndWrongLengthAreExplained() {
        Map<String, float[]> z = fullZ();
        String dropped = dec.names().get(1);
        z.remove(dropped);
        String m = assertThrows(
                        Expert.IncompatibleExpertException.class,
                        () -> expert(z, dec.fingerprint()).checkFits(dec))
                .getMessage();
        assertTrue(m.contains(dropped) && m.contains("no z-vector"), m);
        Map<String, float[]> z2 = fullZ();
        z2.put(dec.names().get(0), new float[3]);
        m = assertThrows(
                        Expert.IncompatibleExpertException.class,
                        () -> expert(z2, dec.fingerprint()).checkFits(dec))
                .getMessage();
        assertTrue(m.contains("length 3") && m.contains("rank"), m);
    }

    @Test
    void aFileThatIsNotAnExpertIsRefused() throws Exception {
        Path cache = tmp.resolve("svd.safetensors");
        dec.save(cache);
        String m = assertThrows(IllegalArgumentException.class, () -> Expert.load(cache))
                .getMessage();
        assertTrue(m.contains(cache.toString()) && m.contains("not an SVF expert"), m);
    }
}
