package t2j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.json.Json;
import t2j.model.Transformer;
import t2j.tiny.TinyRecipe;
import t2j.tokenizer.Tokenizer;

/** The commands end to end on a small random model in Hugging Face layout with the tiny-llama tokenizer. */
class CliTest {
    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void writeModel() throws Exception {
        model = dir.resolve("model");
        Tokenizer tok = TinyRecipe.writeTokenizer("llama", model);
        t2j.model.ModelConfig c = new t2j.model.ModelConfig(
                "llama",
                32,
                64,
                2,
                1,
                16,
                1,
                tok.vocabSize(),
                1e-5,
                500000.0,
                null,
                0,
                false,
                512,
                new int[] {tok.bosId().getAsInt()},
                new int[] {tok.id("<|eot_id|>").getAsInt()});
        c.save(model);
        t2j.model.ModelWeights.random(c, 3, 0.5).save(model, t2j.io.DType.F32, 1L << 30);
    }

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpAnswersAnywhereOnTheLineAndByName() {
        Run byName = run("help", "adapt");
        assertEquals(0, byName.status(), byName.err());
        assertEquals(AdaptCommand.HELP, byName.out());
        // Options before --help are not parsed: the help is what was asked for.
        Run late = run("adapt", "--model", "nowhere", "--help");
        assertEquals(0, late.status(), late.err());
        assertEquals(AdaptCommand.HELP, late.out());
        assertEquals(BenchCommand.HELP, run("bench", "train", "-h").out());
        assertTrue(run("help", "tokenize").out().contains("usage: t2j tokenize"));
        Run unknown = run("help", "sing");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown command 'sing'"), unknown.err());
    }

    @Test
    void aMissingExpertFileIsNamedAsNotFound() {
        Run r = run(
                "eval",
                "--model",
                model.toString(),
                "--task",
                "math",
                "--expert",
                dir.resolve("typo.safetensors").toString(),
                "--limit",
                "1");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("expert file not found") && r.err().contains("typo.safetensors"), r.err());
    }

    @Test
    void logitsWritesEveryPositionAsJson() throws Exception {
        Path f = dir.resolve("logits.json");
        Run r = run("logits", "--model", model.toString(), "--ids", "3,1,4,1,5", "--out", f.toString());
        assertEquals(0, r.status(), r.err());
        Map<String, Object> doc = Json.parseObject(Files.readString(f), f.toString());
        List<?> rows = (List<?>) doc.get("logits");
        assertEquals(5, rows.size());
        float[][] want = Transformer.load(model).logits(new int[] {3, 1, 4, 1, 5});
        List<?> last = (List<?>) rows.get(4);
        assertEquals(want[4].length, last.size());
        for (int v = 0; v < want[4].length; v++) assertEquals(want[4][v], ((Number) last.get(v)).floatValue(), 0f);
    }

    @Test
    void tokenizePrintsIdsAndGenerateIsReproducible() {
        Run t = run("tokenize", "--tokenizer", model.toString(), "--text", "Hi!");
        assertEquals(0, t.status(), t.err());
        assertEquals("[72,105,33]", t.out().strip().replace(" ", ""));
        String[] args = {
            "generate",
            "--model",
            model.toString(),
            "--chat",
            "--prompt",
            "2+2?",
            "--max-new-tokens",
            "8",
            "--temperature",
            "1",
            "--seed",
            "5"
        };
        Run a = run(args), b = run(args);
        assertEquals(0, a.status(), a.err());
        assertEquals(a.out(), b.out());
    }

    @Test
    void decomposeAndEvalRun() {
        Run d = run(
                "decompose",
                "--model",
                model.toString(),
                "--cache",
                dir.resolve("svd.safetensors").toString());
        assertEquals(0, d.status(), d.err());
        assertTrue(
                d.out().contains("model.layers.0.mlp.down_proj.weight")
                        && d.out().contains("3 matrices"),
                d.out());
        Run e = run(
                "eval", "--model", model.toString(), "--task", "reasoning", "--limit", "4", "--max-new-tokens", "4");
        assertEquals(0, e.status(), e.err());
        assertTrue(e.out().contains("base model on reasoning/test: accuracy"), e.out());
        assertTrue(e.err().contains("evaluate reasoning"), "the progress bar names the task: " + e.err());
    }

    @Test
    void trainWritesAnSvfExpertFileOrAPeftLoraFolder() throws Exception {
        String[] common = {
            "--model",
            model.toString(),
            "--task",
            "math",
            "--iterations",
            "1",
            "--batch",
            "2",
            "--max-new-tokens",
            "2",
            "--validation",
            "2",
            "--eval-every",
            "1"
        };
        Path svf = dir.resolve("trained/math.safetensors");
        Run s = run(concat(new String[] {"train", "--out", svf.toString()}, common));
        assertEquals(0, s.status(), s.err());
        t2j.svf.Expert e = t2j.svf.Expert.load(svf);
        assertEquals("svf", e.info().get("method"));
        assertEquals("math", e.info().get("task"));
        assertEquals(Transformer.load(model).weights().fingerprint(), e.baseFingerprint());
        assertTrue(s.err().contains("train math"), "the progress bar names the task: " + s.err());
        assertTrue(!Files.exists(Path.of(svf + ".ckpt")), "a finished run leaves no checkpoint");

        Run wrong = run(concat(
                new String[] {
                    "train",
                    "--method",
                    "lora",
                    "--out",
                    dir.resolve("l.safetensors").toString()
                },
                common));
        assertEquals(2, wrong.status());
        assertTrue(wrong.err().contains("PEFT") && wrong.err().contains("folder"), wrong.err());
        Path lora = dir.resolve("trained/math-lora");
        Run l = run(concat(
                new String[] {"train", "--method", "lora", "--lora-rank", "2", "--out", lora.toString()}, common));
        assertEquals(0, l.status(), l.err());
        t2j.lora.LoraExpert back = t2j.lora.LoraExpert.load(lora);
        assertEquals(2, back.rank());
        assertEquals("lora", back.info().get("method"));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void badInputGivesOneClearLineAndAStatus() throws Exception {
        Run unknown = run("frobnicate");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown command 'frobnicate'"));
        Run missing = run(
                "logits",
                "--model",
                dir.resolve("nowhere").toString(),
                "--ids",
                "1",
                "--out",
                dir.resolve("x.json").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("nowhere") && missing.err().contains("config.json"), missing.err());
        Run badIds = run(
                "logits",
                "--model",
                model.toString(),
                "--ids",
                "1,x",
                "--out",
                dir.resolve("x.json").toString());
        assertEquals(2, badIds.status());
        assertTrue(badIds.err().contains("--ids"), badIds.err());
    }
}
