package t2j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.adapt.RoutingWorld;
import t2j.io.DType;
import t2j.model.ModelConfig;
import t2j.model.ModelWeights;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.tiny.TinyRecipe;
import t2j.tokenizer.Tokenizer;

/** {@code t2j adapt} and {@code t2j transfer} end to end on random tiny-recipe models (numbers are meaningless; the plumbing is not). */
class AdaptCommandTest {
    @TempDir
    Path tmp;

    private static Path model(Path dir, String family, long seed, boolean experts) throws Exception {
        Tokenizer tok = TinyRecipe.writeTokenizer(family, dir);
        int[] eos = family.equals("llama")
                ? new int[] {
                    tok.id("<|end_of_text|>").getAsInt(), tok.id("<|eot_id|>").getAsInt()
                }
                : new int[] {tok.eosId().getAsInt()};
        ModelConfig cfg = TinyRecipe.config(family, tok.vocabSize(), tok.bosId().orElseThrow(), eos);
        cfg.save(dir);
        ModelWeights w = ModelWeights.random(cfg, seed, 0.05);
        w.save(dir, DType.F32, 1L << 30);
        if (experts) {
            Decomposition dec = Decomposition.compute(w, t2j.svf.Targets.MLP, t2j.util.Progress.NONE);
            long s = 1;
            for (String name : new String[] {"math", "code", "reasoning", "classification"}) {
                Expert e = RoutingWorld.expert(dec, name, 0.1, 0.3, s++);
                Map<String, String> info = new LinkedHashMap<>(e.info());
                info.put("model_type", family);
                new Expert(e.z(), info).save(dir.resolve("experts").resolve(name + ".safetensors"));
            }
        }
        return dir;
    }

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {
            Integer.toString(rc), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)
        };
    }

    @Test
    void adaptPrintsTheTableForEveryStrategy() throws Exception {
        Path llama = model(tmp.resolve("llama"), "llama", 1, true);
        String[] r = run(
                "adapt",
                "--model",
                llama.toString(),
                "--task",
                "math-hard,code-hard",
                "--limit",
                "2",
                "--shots",
                "2",
                "--cem-iterations",
                "1",
                "--cem-population",
                "2",
                "--max-new-tokens",
                "3",
                "--cache",
                tmp.resolve("svd.safetensors").toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(
                r[1].contains(
                        "| test accuracy (95 % interval) | base | math | code | reasoning | prompt | classifier | wrong-router | few-shot | oracle |"),
                r[1]);
        assertTrue(
                r[1].contains("| math-hard (n=2) |")
                        && r[1].contains("| code-hard (n=2) |")
                        && r[1].contains("routing accuracy")
                        && r[1].contains("CEM code-hard"),
                r[1]);
        assertTrue(r[1].contains("| points vs base (paired 95 % interval, McNemar p; ≈ within noise) |"), r[1]);
        assertTrue(run("adapt", "--help")[1].contains("--strategy"));
        assertTrue(run("--help")[1].contains("adapt") && run("--help")[1].contains("transfer"));
        r = run("adapt", "--model", llama.toString(), "--strategy", "sideways");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--strategy must be"), r[2]);
    }

    @Test
    void matrixScoresTheBaseModelAndEveryExpertFromThePool() throws Exception {
        Path llama = model(tmp.resolve("llama"), "llama", 1, true);
        String[] r = run(
                "matrix",
                "--model",
                llama.toString(),
                "--tasks",
                "math",
                "--split",
                "validation",
                "--max-new-tokens",
                "2");
        assertEquals("0", r[0], r[2]);
        for (String row : new String[] {"base", "classification", "code", "math", "reasoning"}) {
            assertTrue(r[1].contains("| " + row + " |"), row + " missing from\n" + r[1]);
        }
        assertTrue(r[1].startsWith("| validation accuracy | math |"), r[1]);
    }

    @Test
    void transferPrintsTargetBaseTransferredAndRefusesForeignExpertsInAdapt() throws Exception {
        Path llama = model(tmp.resolve("llama"), "llama", 1, true);
        Path mistral = model(tmp.resolve("mistral"), "mistral", 2, false);
        String[] r = run(
                "transfer",
                "--from",
                llama.toString(),
                "--to",
                mistral.toString(),
                "--experts",
                "math",
                "--limit",
                "2",
                "--max-new-tokens",
                "3",
                "--cache",
                tmp.resolve("svd-m.safetensors").toString(),
                "--save",
                tmp.resolve("moved").toString());
        assertEquals("0", r[0], r[2]);
        // The math expert is scored on the unseen task of its category.
        assertTrue(
                r[1].contains("| task (95 % interval) | target base | transferred as-is | transferred shuffled |")
                        && r[1].contains("| math-hard (n=2) |"),
                r[1]);
        assertTrue(r[1].contains("| points vs target base"), r[1]);
        assertTrue(tmp.resolve("moved/math.as-is.safetensors").toFile().exists());
        // The llama expert, named directly for the mistral model, is refused; the transferred file is accepted.
        r = run(
                "adapt",
                "--model",
                mistral.toString(),
                "--experts",
                llama.resolve("experts/math.safetensors").toString(),
                "--strategy",
                "prompt",
                "--limit",
                "1",
                "--cache",
                tmp.resolve("svd-m.safetensors").toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("other base weights") && r[2].contains("transfer"), r[2]);
        r = run(
                "adapt",
                "--model",
                mistral.toString(),
                "--experts",
                tmp.resolve("moved/math.as-is.safetensors").toString(),
                "--strategy",
                "prompt",
                "--task",
                "math-hard",
                "--limit",
                "1",
                "--max-new-tokens",
                "2",
                "--cache",
                tmp.resolve("svd-m.safetensors").toString());
        assertEquals("0", r[0], r[2]);
    }
}
