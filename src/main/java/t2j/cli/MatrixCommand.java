package t2j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import t2j.task.Split;
import t2j.tiny.ExpertMatrix;
import t2j.tiny.TinyRecipe;

/** {@code t2j matrix}: accuracy of the base model and of every expert on every task, as a Markdown table. */
final class MatrixCommand {
    static final String HELP = String.join(
            "\n",
            "usage: t2j matrix --model DIR [--experts DIR] [--tasks a,b,c] [--split test|validation] [--max-new-tokens N]",
            "",
            "Evaluates the base model and each expert on each task and prints a Markdown table.",
            "",
            "  --experts DIR        default DIR/experts",
            "  --tasks a,b,c        default the model card's tasks (" + String.join(",", TinyRecipe.CARD_TASKS) + ")",
            "  --split S            default test",
            "  --max-new-tokens N   default 64",
            "");

    private MatrixCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(HELP);
            return 0;
        }
        Args a = new Args(
                "matrix", argv, Set.of("--model", "--experts", "--tasks", "--split", "--max-new-tokens"), Set.of());
        ModelDir md = ModelDir.load(Path.of(a.required("--model")));
        Path experts = Path.of(a.get("--experts", md.dir().resolve("experts").toString()));
        List<String> tasks = a.has("--tasks") ? List.of(a.get("--tasks", "").split(",")) : TinyRecipe.CARD_TASKS;
        ExpertMatrix.Table t = ExpertMatrix.measure(
                md.model(),
                md.prompter(),
                t2j.svf.Expert.loadAll(experts),
                tasks,
                Split.valueOf(a.get("--split", "test").toUpperCase()),
                a.integer("--max-new-tokens", 64),
                new ProgressBar(err));
        out.print(t.markdown());
        return 0;
    }
}
