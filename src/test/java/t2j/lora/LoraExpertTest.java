package t2j.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.io.SafeTensorsFile;
import t2j.json.Json;
import t2j.model.ModelWeights;
import t2j.model.TinyModels;
import t2j.model.Transformer;
import t2j.svf.Targets;

/**
 * A LoRA adapter saved in PEFT's layout (checked against PEFT's documented checkpoint format: key names, shapes,
 * config fields) and loaded back to the same model behaviour.
 */
class LoraExpertTest {
    @TempDir
    Path tmp;

    private final Transformer model = new Transformer(ModelWeights.random(TinyModels.llama(), 2, 0.15));

    private LoraExpert trained(List<String> targets) {
        LoraAdapter lora = new LoraAdapter(model, targets, 4, 8f, 3);
        SplittableRandom r = new SplittableRandom(5);
        for (float[] p : lora.parameters().values()) {
            for (int i = 0; i < p.length; i++) p[i] += (float) (0.1 * (r.nextDouble() - 0.5));
        }
        return LoraExpert.of(4, 8f, lora.parameters(), model.weights(), Map.of("task", "math", "method", "lora"));
    }

    @Test
    void theFolderHasPeftsFilesKeyNamesShapesAndConfig() throws Exception {
        List<String> mlp = Targets.MLP.select(model.weights());
        LoraExpert e = trained(mlp);
        Path dir = tmp.resolve("math-lora");
        e.save(dir, model.weights().names(), "models/tiny-llama");

        Map<String, Object> config = Json.parseObject(Files.readString(dir.resolve("adapter_config.json")), "config");
        assertEquals("LORA", config.get("peft_type"));
        assertEquals("CAUSAL_LM", config.get("task_type"));
        assertEquals(4L, ((Number) config.get("r")).longValue());
        assertEquals(8.0, ((Number) config.get("lora_alpha")).doubleValue());
        assertEquals(List.of("down_proj", "gate_proj", "up_proj"), config.get("target_modules"));
        assertEquals("none", config.get("bias"));
        assertEquals(false, config.get("use_rslora"), "scaling is alpha/r, not alpha/sqrt(r)");
        assertEquals(false, config.get("fan_in_fan_out"), "A is [r, in] and B [out, r], as nn.Linear stores them");
        assertEquals("models/tiny-llama", config.get("base_model_name_or_path"));

        try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            TreeSet<String> want = new TreeSet<>();
            for (String w : mlp) {
                String module = w.substring(0, w.length() - ".weight".length());
                want.add("base_model.model." + module + ".lora_A.weight");
                want.add("base_model.model." + module + ".lora_B.weight");
                int out = model.weights().matrix(w).rows();
                int in = model.weights().matrix(w).cols();
                assertArrayEquals(
                        new long[] {4, in},
                        f.info("base_model.model." + module + ".lora_A.weight").shape());
                assertArrayEquals(
                        new long[] {out, 4},
                        f.info("base_model.model." + module + ".lora_B.weight").shape());
                assertArrayEquals(
                        e.factors().get(w + ".lora_B"), f.readFloats("base_model.model." + module + ".lora_B.weight"));
            }
            assertEquals(want, new TreeSet<>(f.names()));
            assertTrue(want.contains("base_model.model.model.layers.0.mlp.up_proj.lora_A.weight"), want.toString());
            assertEquals("pt", f.metadata().get("format"));
            assertEquals("lora-adapter", f.metadata().get("t2j.kind"));
            assertEquals("math", f.metadata().get("t2j.task"));
        }
    }

    @Test
    void aLoadedAdapterChangesTheModelExactlyAsTheTrainedOne() throws Exception {
        List<String> attention = Targets.ATTENTION.select(model.weights());
        LoraExpert e = trained(attention);
        e.save(tmp.resolve("a"), model.weights().names(), null);
        LoraExpert back = LoraExpert.load(tmp.resolve("a"));
        assertEquals(4, back.rank());
        assertEquals(8f, back.alpha());
        assertEquals(new TreeSet<>(e.targets()), new TreeSet<>(back.targets()));
        assertEquals("math", back.info().get("task"));
        for (String k : e.factors().keySet())
            assertArrayEquals(e.factors().get(k), back.factors().get(k), k);

        int[] ids = {1, 2, 3, 4, 5};
        float[][] base = model.logits(ids);
        float[][] viaTrained = logitsWith(e, ids);
        float[][] viaLoaded = logitsWith(back, ids);
        for (int t = 0; t < ids.length; t++) assertArrayEquals(viaTrained[t], viaLoaded[t], 0f);
        assertTrue(Math.abs(viaTrained[4][0] - base[4][0]) > 0, "the adapter must change the model for this to test");
    }

    @Test
    void targetsThatNamesCannotSayExactlyBecomeAFullMatchRegex() throws Exception {
        String one = "model.layers.1.mlp.up_proj.weight";
        LoraExpert e = trained(List.of(one));
        Object modules = e.targetModules(model.weights().names());
        assertTrue(modules instanceof String, "a list [up_proj] would also adapt layer 0: " + modules);
        Pattern p = Pattern.compile((String) modules);
        for (String w : model.weights().names()) {
            String module = w.endsWith(".weight") ? w.substring(0, w.length() - 7) : w;
            assertEquals(w.equals(one), p.matcher(module).matches(), module);
        }
    }

    @Test
    void badFoldersAreRefusedNamingTheFileAndField() throws Exception {
        assertThrows(NoSuchFileException.class, () -> LoraExpert.load(tmp.resolve("missing")));
        LoraExpert e = trained(Targets.MLP.select(model.weights()));
        Path dir = tmp.resolve("b");
        e.save(dir, model.weights().names(), null);
        Path config = dir.resolve("adapter_config.json");
        Map<String, Object> c = new LinkedHashMap<>(Json.parseObject(Files.readString(config), "c"));
        c.put("peft_type", "IA3");
        Files.writeString(config, Json.write(c));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> LoraExpert.load(dir));
        assertTrue(
                bad.getMessage().contains("adapter_config.json")
                        && bad.getMessage().contains("IA3"),
                bad.getMessage());
        c.put("peft_type", "LORA");
        c.put("r", 3);
        Files.writeString(config, Json.write(c));
        bad = assertThrows(IllegalArgumentException.class, () -> LoraExpert.load(dir));
        assertTrue(bad.getMessage().contains("r = 3") && bad.getMessage().contains("lora_A"), bad.getMessage());
    }

    private float[][] logitsWith(LoraExpert e, int[] ids) {
        LoraAdapter a = new LoraAdapter(model, e.targets(), e.rank(), e.alpha(), 0);
        e.factors().forEach((k, v) -> System.arraycopy(v, 0, a.parameters().get(k), 0, v.length));
        a.apply();
        try {
            return model.logits(ids);
        } finally {
            a.restore();
        }
    }
}
