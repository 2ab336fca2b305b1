package t2j.svf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.model.ModelWeights;
import t2j.model.TinyModels;
import t2j.model.Transformer;
import t2j.util.Progress;

class ParametrizationTest {
    /** The notebook's example: σ′ = σ·(1 + clamp(z, −1, 1)), identity at z = 0. */
    static final Parametrization ADDITIVE = Parametrization.elementwise(
            "test-additive", (z, s) -> z.clamp(-1, 1).plus(1).times(s), 0f);

    @TempDir
    Path tmp;

    @Test
    void builtInsGiveTodaysBitsForMasksSigmaAndGradients() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int trial = 0; trial < 200; trial++) {
            int r = 1 + rnd.nextInt(96);
            float[] sigma = new float[r], z = new float[r], g = new float[r];
            for (int i = 0; i < r; i++) {
                sigma[i] = (float) (rnd.nextDouble() * 10 * Math.exp(-i / 8.0));
                z[i] = (float) (6 * rnd.nextDouble() - 3);
                g[i] = (float) (2 * rnd.nextDouble() - 1);
            }
            same(TodaysParametrizations.SIGMOID_MASK, Parametrization.SIGMOID_MASK, sigma, z, g, trial);
            same(TodaysParametrizations.PLAIN_SCALE, Parametrization.PLAIN_SCALE, sigma, z, g, trial);
        }
    }

    private static void same(
            Parametrization today, Parametrization now, float[] sigma, float[] z, float[] g, int trial) {
        String what = now.id() + " trial " + trial;
        bits(today.masks(z), now.masks(z), what + " masks");
        bits(today.adaptedSigma(sigma, z), now.adaptedSigma(sigma, z), what + " σ′");
        bits(today.sigmaFromMask(sigma, today.masks(z)), now.sigmaFromMask(sigma, now.masks(z)), what + " σ′ of mask");
        bits(today.gradZ(sigma, z, g), now.gradZ(sigma, z, g), what + " dL/dz");
        bits(today.identityZ(z.length), now.identityZ(z.length), what + " identity");
        bits(
                today.initialZ(z.length, new SplittableRandom(trial)),
                now.initialZ(z.length, new SplittableRandom(trial)),
                what + " initial z");
    }

    private static void bits(float[] want, float[] got, String what) {
        ParametrizationTestBits.bits(want, got, what);
    }

    @Test
    void elementwiseGradientIsExactThroughTheModel() {
        Parametrization soft = Parametrization.elementwise(
                "test-softplus-scale", (z, s) -> z.softplus().times(s).div(Math.log(2)), 0f);
        Transformer m = new Transformer(ModelWeights.random(TinyModels.mistral(), 9, 0.15));
        SvfAdapter svf =
                new SvfAdapter(m, Decomposition.compute(m.weights(), Targets.ALL_LINEAR, Progress.NONE), soft, 3);
        SplittableRandom r = new SplittableRandom(4);
        svf.parameters().values().forEach(z -> {
            for (int i = 0; i < z.length; i++) z[i] += (float) (r.nextDouble() - 0.5);
        });
        t2j.train.AdapterGradientCheck.check(m, svf, 2e-2f);
    }

    @Test
    void aWrongHandWrittenGradientIsRefusedNamingTheWorstCoordinate() {
        // σ′ = σ·(1 + z), but the vjp forgets the factor σ.
        Parametrization wrong = Parametrization.of(
                "test-wrong-additive",
                new ZMap() {
                    @Override
                    public float[] forward(float[] z, float[] sigma) {
                        float[] out = new float[z.length];
                        for (int i = 0; i < out.length; i++) out[i] = sigma[i] * (1 + z[i]);
                        return out;
                    }

                    @Override
                    public float[] vjp(float[] z, float[] sigma, float[] gSigma) {
                        return gSigma.clone();
                    }
                },
                0f);
        float[] sigma = {5f, 2f, 0.5f, 0.1f}, z = {0.1f, -0.2f, 0.3f, 0f}, g = {1f, 1f, 1f, 1f};
        // A step where every rollout was rewarded alike has dL/dσ′ = 0, which tests nothing: the check waits.
        assertArrayEquals(new float[4], wrong.gradZ(sigma, z, new float[4]));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrong.gradZ(sigma, z, g));
        // Worst relative to its size is coordinate 0: given 1 where the truth is σ₀ = 5.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "'test-wrong-additive'.* at z\\[(\\d+)\\] .*given dL/dz = (\\S+), .* give (\\S+) ")
                .matcher(e.getMessage());
        assertTrue(m.find(), e.getMessage());
        assertEquals("0", m.group(1), e.getMessage());
        assertEquals(1.0, Double.parseDouble(m.group(2)), 1e-6, e.getMessage());
        assertEquals(5.0, Double.parseDouble(m.group(3)), 1e-3, e.getMessage());

        Parametrization none = Parametrization.of("test-no-gradient", (z2, s) -> s.clone(), 0f);
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> none.gradZ(sigma, z, g));
        assertTrue(missing.getMessage().contains("gives no vjp"), missing.getMessage());
    }

    @Test
    void aCorrectHandWrittenGradientPassesTheCheck() {
        Parametrization right = Parametrization.of(
                "test-right-additive",
                new ZMap() {
                    @Override
                    public float[] forward(float[] z, float[] sigma) {
                        float[] out = new float[z.length];
                        for (int i = 0; i < out.length; i++) out[i] = sigma[i] * (1 + z[i]);
                        return out;
                    }

                    @Override
                    public float[] vjp(float[] z, float[] sigma, float[] gSigma) {
                        float[] gz = new float[z.length];
                        for (int i = 0; i < gz.length; i++) gz[i] = gSigma[i] * sigma[i];
                        return gz;
                    }
                },
                0f);
        float[] gz =
                right.gradZ(new float[] {5f, 2f, 0.5f}, new float[] {0.1f, -0.2f, 0.3f}, new float[] {1f, -2f, 3f});
        assertArrayEquals(new float[] {5f, -4f, 1.5f}, gz);
    }

    @Test
    void anExpertOfAUserParametrizationRoundTripsAndAnUnregisteredOneIsExplained() throws Exception {
        Map<String, float[]> z = new LinkedHashMap<>();
        z.put("model.layers.0.mlp.up_proj.weight", new float[] {0.5f, -0.25f});
        Map<String, String> info = new LinkedHashMap<>();
        info.put("parametrization", ADDITIVE.id());
        Path file = tmp.resolve("additive.safetensors");
        new Expert(z, info).save(file);
        Expert back = Expert.load(file);
        assertSame(ADDITIVE, back.parametrization());
        assertArrayEquals(
                z.get("model.layers.0.mlp.up_proj.weight"), back.z().get("model.layers.0.mlp.up_proj.weight"));

        info.put("parametrization", "never-defined");
        Path orphan = tmp.resolve("orphan.safetensors");
        new Expert(z, info).save(orphan);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Expert.load(orphan));
        assertTrue(
                e.getMessage().startsWith(orphan.toString())
                        && e.getMessage().contains("'never-defined'")
                        && e.getMessage().contains("sigmoid-mask, plain-scale"),
                e.getMessage());
    }

    @Test
    void idsAreCheckedAndBuiltInsCannotBeReplaced() {
        IllegalArgumentException builtIn = assertThrows(
                IllegalArgumentException.class,
                () -> Parametrization.elementwise("plain-scale", (z, s) -> z.times(s), 1f));
        assertTrue(builtIn.getMessage().contains("built-in"), builtIn.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Parametrization.elementwise("Has Spaces", (z, s) -> z, 0f));
        assertSame(Parametrization.SIGMOID_MASK, Parametrization.fromId("sigmoid-mask"));
        assertEquals("PLAIN_SCALE", Parametrization.PLAIN_SCALE.toString(), "printed as the enum constant was");
    }
}
