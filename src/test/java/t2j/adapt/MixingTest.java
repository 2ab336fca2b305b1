package t2j.adapt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import t2j.model.ModelWeights;
import t2j.model.TinyModels;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.Parametrization;
import t2j.svf.SvfAdapter;

class MixingTest {
    private final Transformer model = new Transformer(ModelWeights.random(TinyModels.llama(), 1, 0.1));
    private final Decomposition dec = RoutingWorld.decompose(model);
    private final Expert a = RoutingWorld.expert(dec, "a", 0.1, 1.0, 1),
            b = RoutingWorld.expert(dec, "b", -0.3, 2.0, 2);
    private final int[] ids = {1, 5, 9, 14, 200, 7};

    private ExpertPool pool() {
        Map<String, Expert> m = new LinkedHashMap<>();
        m.put("a", a);
        m.put("b", b);
        return new ExpertPool(model, dec, m);
    }

    private float[][] expertLogits(Expert e) {
        SvfAdapter svf = new SvfAdapter(model, dec, Parametrization.SIGMOID_MASK, 0);
        svf.setZ(e.z());
        svf.apply();
        try {
            return model.logits(ids);
        } finally {
            svf.restore();
        }
    }

    private static void assertSame2d(float[][] x, float[][] y) {
        assertEquals(x.length, y.length);
        for (int i = 0; i < x.length; i++) assertArrayEquals(x[i], y[i], 0f, "position " + i);
    }

    @Test
    void aOneHotMixtureReproducesTheExpertsLogitsExactly() {
        float[][] wantA = expertLogits(a), wantB = expertLogits(b);
        ExpertPool pool = pool();
        try (Scope scope = pool.use(Mixture.perExpert(Map.of("a", 1.0, "b", 0.0)))) {
            assertSame2d(wantA, model.logits(ids));
            scope.compose(Mixture.of("b"));
            assertSame2d(wantB, model.logits(ids));
            double[] one = new double[dec.names().size()], zero = new double[one.length];
            java.util.Arrays.fill(one, 1);
            Map<String, double[]> perMatrix = new LinkedHashMap<>();
            perMatrix.put("a", zero);
            perMatrix.put("b", one);
            scope.compose(Mixture.perMatrix(perMatrix));
            assertSame2d(wantB, model.logits(ids));
        }
        // And the mixture really differs from either expert when it is not one-hot.
        float[][] mixed;
        try (Scope scope = pool.use(Mixture.perExpert(Map.of("a", 0.5, "b", 0.5)))) {
            mixed = model.logits(ids);
        }
        assertFalse(java.util.Arrays.equals(mixed[3], wantA[3]) || java.util.Arrays.equals(mixed[3], wantB[3]));
    }

    @Test
    void masksAreTheMaskOfTheWeightedSumOfTheExpertsZ() {
        ExpertPool pool = pool();
        Map<String, float[]> m = pool.masks(Mixture.perExpert(Map.of("a", 0.25, "b", 0.75)));
        String name = dec.names().get(1);
        float[] za = a.z().get(name), zb = b.z().get(name), z = new float[za.length];
        for (int i = 0; i < z.length; i++) z[i] = 0.25f * za[i] + 0.75f * zb[i];
        float[] want = Parametrization.SIGMOID_MASK.masks(z);
        for (int i = 0; i < z.length; i++) assertEquals(want[i], m.get(name)[i], 1e-6);
        // Two experts at full weight keep both departures whole: z′ = z_a + z_b, not their mean.
        Map<String, float[]> both = pool.masks(Mixture.perExpert(Map.of("a", 1.0, "b", 1.0)));
        float[] sum = new float[za.length];
        for (int i = 0; i < z.length; i++) sum[i] = za[i] + zb[i];
        assertArrayEquals(Parametrization.SIGMOID_MASK.masks(sum), both.get(name), 1e-6f);
    }

    @Test
    void otherAndAllZeroMixturesUseTheBaseWeights() {
        float[][] base = model.logits(ids);
        String fp = model.weights().fingerprint();
        ExpertPool pool = pool();
        try (Scope scope = pool.use(Mixture.of("a"))) {
            assertTrue(!fp.equals(model.weights().fingerprint()));
            // The released code kept the last expert for "other"; here it is the base model.
            scope.compose(Decision.other("no label").mixture());
            assertSame2d(base, model.logits(ids));
            assertEquals(fp, model.weights().fingerprint());
            scope.compose(Mixture.of("a"));
            scope.compose(Mixture.perExpert(Map.of("a", 0.0, "b", 0.0)));
            assertEquals(fp, model.weights().fingerprint());
        }
        assertTrue(Decision.mixture(Mixture.perExpert(Map.of("a", 0.0)), "zero").usesBase());
    }

    @Test
    void anExpertOfAnotherBaseModelIsRefusedUnlessTransferred() {
        Transformer other = new Transformer(ModelWeights.random(TinyModels.llama(), 2, 0.1));
        Decomposition otherDec = RoutingWorld.decompose(other);
        Expert foreign = RoutingWorld.expert(otherDec, "math", 0.1, 0.5, 3);
        String msg = assertThrows(
                        Expert.IncompatibleExpertException.class,
                        () -> new ExpertPool(model, dec, Map.of("math", foreign)))
                .getMessage();
        assertTrue(msg.contains("other base weights") && msg.contains("transfer"), msg);
        Expert moved = Transfer.apply(foreign, dec, "llama", Transfer.Policy.AS_IS, 0);
        ExpertPool pool = new ExpertPool(model, dec, Map.of("math", moved));
        assertEquals(List.of("math"), pool.names());
    }

    @Test
    void mixturesValidateTheirShape() {
        ExpertPool pool = pool();
        String m = assertThrows(
                        IllegalArgumentException.class,
                        () -> pool.masks(Mixture.perMatrix(Map.of("a", new double[] {1, 2}))))
                .getMessage();
        assertTrue(m.contains("expected 1 or one per adapted matrix"), m);
        m = assertThrows(IllegalArgumentException.class, () -> pool.use(Mixture.of("nope")))
                .getMessage();
        assertTrue(m.contains("no expert named 'nope'"), m);
        Map<String, String> info = new LinkedHashMap<>(a.info());
        info.put("parametrization", "plain-scale");
        Expert plain = new Expert(a.z(), info);
        m = assertThrows(IllegalArgumentException.class, () -> new ExpertPool(model, dec, Map.of("a", a, "p", plain)))
                .getMessage();
        assertTrue(m.contains("parametrization"), m);
    }
}
