package t2j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import t2j.tiny.ModelCard;
import t2j.tiny.TinyRecipe;
import t2j.train.Pretrainer;

/** {@code t2j pretrain}: builds one of the bundled tiny models from scratch. */
final class PretrainCommand {
    static final String HELP = String.join(
            "\n",
            "usage: t2j pretrain --family llama|mistral --out DIR [--steps N] [--batch N] [--lr X] [--per-task N] [--seed S]",
            "       t2j pretrain --tune --out DIR [--steps N] [--batch N] [--lr X] [--per-task N] [--seed S]",
            "       t2j pretrain --descend-from SRC --family llama|mistral --out DIR [--steps N] [--batch N] [--lr X] [--per-task N] [--seed S]",
            "",
            "Writes a Hugging Face model folder (tokenizer.json, config.json, model.safetensors, README.md model card) with a",
            "character-level tokenizer and a small decoder of the family's architecture, trained by next-token loss on the",
            "built-in training tasks (defaults --steps 3000 --batch 16 --lr 2e-3). Stopped runs resume from DIR/pretrain.ckpt",
            "(delete it when done).",
            "",
            "--tune continues training the model in DIR on instruction data in which a hasty annotator answered some requests",
            "without working them out (t2j.tiny.HastyAnnotator; defaults --steps 200 --lr 1e-3), and adds the stage to its card.",
            "",
            "--descend-from makes a model of --family's architecture (tokenizer, rope theta, sliding window, chat format) from",
            "the weights of the model in SRC, token rows carried over by text, then continues training on the same instruction",
            "data, planted habit included (defaults --steps 300 --lr 1e-3 --seed 13): a relative of SRC that experts can move",
            "to (see t2j transfer).",
            "",
            "  --steps N      default 3000 (pretrain), 200 (--tune), 300 (--descend-from)",
            "  --batch N      sequences per step, default 16",
            "  --lr X         default 2e-3 (pretrain), 1e-3 (--tune, --descend-from)",
            "  --per-task N   training examples drawn per built-in task, default 20000",
            "  --seed S       default 1 (llama) or 2 (mistral) for pretrain, 11 (--tune), 13 (--descend-from)",
            "");

    private PretrainCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(HELP);
            return 0;
        }
        Args a = new Args(
                "pretrain",
                argv,
                Set.of("--family", "--out", "--steps", "--batch", "--lr", "--per-task", "--seed", "--descend-from"),
                Set.of("--tune"));
        if (a.has("--tune")) return tune(a, argv, out, err);
        if (a.has("--descend-from")) return descend(a, argv, out, err);
        String family = a.required("--family");
        Path dir = Path.of(a.required("--out"));
        Pretrainer.Config cfg = config(a, 3000, 2e-3f, family.equals("llama") ? 1 : 2);
        ProgressBar bar = new ProgressBar(err);
        TinyRecipe.Result r = TinyRecipe.pretrain(
                family, dir, cfg, a.integer("--per-task", 20000), listener(bar, "pretrain", cfg.steps(), 100), bar);
        ModelCard.write(r, "./t2j pretrain " + String.join(" ", argv));
        Files.deleteIfExists(dir.resolve("pretrain.ckpt"));
        out.printf(
                "%s: %,d parameters, %d steps in %.1f min, %.0f tokens/s, loss %.3f -> %.3f%n",
                dir, r.parameters(), r.steps(), r.seconds() / 60, r.tokensPerSecond(), r.firstLoss(), r.finalLoss());
        printAccuracy(r, out);
        return 0;
    }

    private static int tune(Args a, String[] argv, PrintStream out, PrintStream err) throws Exception {
        Path dir = Path.of(a.required("--out"));
        ModelCard.checkTunable(dir);
        Pretrainer.Config cfg = config(a, 200, 1e-3f, 11);
        ProgressBar bar = new ProgressBar(err);
        TinyRecipe.Result r = TinyRecipe.tune(
                dir,
                cfg,
                a.integer("--per-task", 20000),
                Integer.MAX_VALUE,
                listener(bar, "tune", cfg.steps(), 50),
                bar);
        ModelCard.addTuning(r, "./t2j pretrain " + String.join(" ", argv));
        Files.deleteIfExists(dir.resolve("tune.ckpt"));
        out.printf(
                "%s: tuned %d steps in %.1f min, loss %.3f -> %.3f%n",
                dir, r.steps(), r.seconds() / 60, r.firstLoss(), r.finalLoss());
        printAccuracy(r, out);
        return 0;
    }

    private static int descend(Args a, String[] argv, PrintStream out, PrintStream err) throws Exception {
        Path source = Path.of(a.required("--descend-from"));
        String family = a.required("--family");
        Path dir = Path.of(a.required("--out"));
        Pretrainer.Config cfg = config(a, 300, 1e-3f, 13);
        ProgressBar bar = new ProgressBar(err);
        TinyRecipe.Result r = TinyRecipe.descend(
                source,
                family,
                dir,
                cfg,
                a.integer("--per-task", 20000),
                Integer.MAX_VALUE,
                listener(bar, "descend", cfg.steps(), 50),
                bar);
        ModelCard.writeDescendant(r, source, "./t2j pretrain " + String.join(" ", argv));
        Files.deleteIfExists(dir.resolve("descend.ckpt"));
        out.printf(
                "%s: descended from %s, %d steps in %.1f min, loss %.3f -> %.3f%n",
                dir, source, r.steps(), r.seconds() / 60, r.firstLoss(), r.finalLoss());
        printAccuracy(r, out);
        return 0;
    }

    /** Both stages: AdamW with weight decay 0.01, warm-up over the first 5 % of steps, global-norm clip 1. */
    private static Pretrainer.Config config(Args a, int defaultSteps, float defaultLr, int defaultSeed) {
        int steps = a.integer("--steps", defaultSteps);
        return new Pretrainer.Config(
                steps,
                a.integer("--batch", 16),
                a.number("--lr", defaultLr),
                0.01,
                Math.max(1, steps / 20),
                1.0,
                a.integer("--seed", defaultSeed));
    }

    private static Pretrainer.Listener listener(ProgressBar bar, String label, int steps, int every) {
        return s -> {
            bar.update(label, s.step(), steps);
            if (s.step() % every == 0 || s.step() == 1)
                bar.line(String.format(
                        "step %5d  loss %.4f  lr %.2e  |g| %.3f  %.0f tokens/s",
                        s.step(), s.loss(), s.lr(), s.gradNorm(), s.tokensPerSecond()));
        };
    }

    private static void printAccuracy(TinyRecipe.Result r, PrintStream out) {
        for (Map.Entry<String, double[]> e : r.accuracy().entrySet())
            out.printf(
                    "  %-16s validation %5.1f %%   test %5.1f %%%n",
                    e.getKey(), 100 * e.getValue()[0], 100 * e.getValue()[1]);
    }
}
