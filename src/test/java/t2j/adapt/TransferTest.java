package t2j.adapt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.model.ModelWeights;
import t2j.model.TinyModels;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Expert;

class TransferTest {
    @TempDir
    Path tmp;

    private final Transformer llama = new Transformer(ModelWeights.random(TinyModels.llama(), 1, 0.1));
    private final Decomposition llamaDec = RoutingWorld.decompose(llama);
    private final Expert math = RoutingWorld.expert(llamaDec, "math", 0.1, 1.0, 4);

    @Test
    void compatibleShapesTransferAsIsAndTheResultIsBoundToTheTarget() throws Exception {
        // Same architecture, other weights: names and ranks match.
        Transformer target = new Transformer(ModelWeights.random(TinyModels.llama(), 9, 0.1));
        Decomposition dec = RoutingWorld.decompose(target);
        assertTrue(Transfer.mismatches(math, dec).isEmpty());
        Expert moved = Transfer.apply(math, dec, "mistral", Transfer.Policy.AS_IS, 0);
        moved.checkFits(dec);
        for (String n : dec.names())
            assertArrayEquals(math.z().get(n), moved.z().get(n));
        assertEquals(dec.fingerprint(), moved.baseFingerprint());
        assertEquals(llamaDec.fingerprint(), moved.info().get("transferred_from_fingerprint"));
        assertEquals("as-is", moved.info().get("transfer_policy"));
        assertEquals("math", moved.task());
        // It survives a save/load round trip and is then usable on the target.
        moved.save(tmp.resolve("m.safetensors"));
        Expert back = Expert.load(tmp.resolve("m.safetensors"));
        ExpertPool pool = new ExpertPool(target, dec, Map.of("math", back));
        String fp = target.weights().fingerprint();
        try (Scope scope = pool.use(Mixture.of("math"))) {
            assertFalse(fp.equals(target.weights().fingerprint()));
        }
        assertEquals(fp, target.weights().fingerprint());
    }

    @Test
    void shuffledIsASeededPermutationOfEachVector() {
        Transformer target = new Transformer(ModelWeights.random(TinyModels.llama(), 9, 0.1));
        Decomposition dec = RoutingWorld.decompose(target);
        Expert s1 = Transfer.apply(math, dec, "llama", Transfer.Policy.SHUFFLED, 7),
                s2 = Transfer.apply(math, dec, "llama", Transfer.Policy.SHUFFLED, 7);
        Expert s3 = Transfer.apply(math, dec, "llama", Transfer.Policy.SHUFFLED, 8);
        boolean anyMoved = false, seedMatters = false;
        for (String n : dec.names()) {
            float[] orig = math.z().get(n).clone(), sh = s1.z().get(n).clone();
            assertArrayEquals(sh, s2.z().get(n), "same seed, same order");
            anyMoved |= !Arrays.equals(orig, sh);
            seedMatters |= !Arrays.equals(sh, s3.z().get(n));
            Arrays.sort(orig);
            Arrays.sort(sh);
            assertArrayEquals(orig, sh, "a permutation keeps the values");
        }
        assertTrue(anyMoved && seedMatters);
        assertEquals("7", s1.info().get("transfer_seed"));
    }

    @Test
    void incompatibleShapesAreRefusedWithAClearMessageUnlessTruncatePadIsAsked() {
        // Tiny Mistral has other hidden and intermediate sizes, so every rank differs.
        Transformer mistral = new Transformer(ModelWeights.random(TinyModels.mistral(), 1, 0.1));
        Decomposition dec = RoutingWorld.decompose(mistral);
        String name = dec.names().get(0);
        for (Transfer.Policy p : new Transfer.Policy[] {Transfer.Policy.AS_IS, Transfer.Policy.SHUFFLED}) {
            String m = assertThrows(
                            Transfer.IncompatibleShapesException.class,
                            () -> Transfer.apply(math, dec, "mistral", p, 0))
                    .getMessage();
            assertTrue(
                    m.contains("cannot transfer")
                            && m.contains(name)
                            && m.contains("length " + math.z().get(name).length)
                            && m.contains("rank " + dec.get(name).rank())
                            && m.contains("truncate-pad"),
                    m);
        }
        Expert cut = Transfer.apply(math, dec, "mistral", Transfer.Policy.TRUNCATE_PAD, 0);
        cut.checkFits(dec);
        for (String n : dec.names()) {
            float[] src = math.z().get(n), dst = cut.z().get(n);
            int common = Math.min(src.length, dst.length);
            assertArrayEquals(Arrays.copyOf(src, common), Arrays.copyOf(dst, common));
        }
        new ExpertPool(mistral, dec, Map.of("math", cut))
                .use(Mixture.of("math"))
                .close();
    }

    @Test
    void differentMatrixNamesAreRefusedUnderEveryPolicy() {
        Map<String, float[]> z = new LinkedHashMap<>(math.z());
        String dropped = llamaDec.names().get(2);
        z.remove(dropped);
        z.put("model.layers.9.mlp.up_proj.weight", new float[4]);
        Expert odd = new Expert(z, math.info());
        for (Transfer.Policy p : Transfer.Policy.values()) {
            String m = assertThrows(
                            Transfer.IncompatibleShapesException.class,
                            () -> Transfer.apply(odd, llamaDec, "llama", p, 0))
                    .getMessage();
            assertTrue(m.contains(dropped) && m.contains("layers.9") && m.contains("different matrices"), m);
        }
        assertEquals(Transfer.Policy.TRUNCATE_PAD, Transfer.Policy.parse("truncate-pad"));
        assertThrows(IllegalArgumentException.class, () -> Transfer.Policy.parse("sideways"));
    }
}
