package t2j.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;

/**
 * The {@code t2j} command line. Each sub-command is one class with a {@code run(args, out, err)} method; this
 * class only dispatches and turns usage errors into one clear line and exit status 2.
 */
public final class Main {
    private static final String HELP = String.join(
            "\n",
            "usage: t2j <command> [options]      (t2j help <command>, or --help anywhere on its line, for its options)",
            "",
            "  generate   generate text from a prompt with a model folder",
            "  logits     print the logits of given token ids as JSON (to compare with other implementations)",
            "  tokenize   print the token ids of a text as a JSON array",
            "  decompose  SVD of a model's weight matrices (cached), with reconstruction errors",
            "  train      train an SVF expert (or the LoRA baseline) on a task with REINFORCE",
            "  eval       accuracy of a model, with or without an expert, on a task",
            "  pretrain   build a bundled tiny model (tokenizer, weights, model card) from scratch",
            "  matrix     accuracy of the base model and each expert on each task (Markdown table)",
            "  adapt      two-pass self-adaptation (prompt, classifier, few-shot CEM) against base, experts, a wrong router and the oracle",
            "  transfer   apply one model's experts to another, against the target's base and own experts",
            "  bench      benchmarks against PyTorch measured in the same run: 'bench forward', 'bench svf', 'bench train'",
            "  log        show an adaptation log file (every composition of weights, its controls, updates), filtered",
            "  feedback   apply a file of verdicts to an expert: a new version, kept only if a held-out check holds",
            "",
            "Notebooks (commands of the ./t2j launcher):",
            "  lab        JupyterLab (or the classic notebook) with the t2j Java kernel, opened at notebooks/",
            "  run        execute one notebook headless through the kernel",
            "  demo       execute every notebook headless; HTML reports and an index in out/",
            "");

    /** Each command's help, so that {@code --help} anywhere on a line and {@code t2j help CMD} answer alike. */
    private static final Map<String, String> HELPS = Map.ofEntries(
            Map.entry("generate", GenerateCommand.HELP),
            Map.entry("logits", LogitsCommand.HELP),
            Map.entry("decompose", DecomposeCommand.HELP),
            Map.entry("train", TrainCommand.HELP),
            Map.entry("eval", EvalCommand.HELP),
            Map.entry("pretrain", PretrainCommand.HELP),
            Map.entry("matrix", MatrixCommand.HELP),
            Map.entry("adapt", AdaptCommand.HELP),
            Map.entry("transfer", TransferCommand.HELP),
            Map.entry("bench", BenchCommand.HELP),
            Map.entry("log", LogCommand.HELP),
            Map.entry("feedback", FeedbackCommand.HELP));

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a sub-command; returns the process exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0
                || args[0].equals("--help")
                || args[0].equals("-h")
                || (args[0].equals("help") && args.length == 1)) {
            out.print(HELP);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (args[0].equals("help")
                || (HELPS.containsKey(args[0])
                        && Arrays.stream(rest).anyMatch(a -> a.equals("--help") || a.equals("-h")))) {
            String cmd = args[0].equals("help") ? rest[0] : args[0];
            if (cmd.equals("tokenize")) return TokenizeCommand.run(new String[] {"--help"}, out, err);
            String help = HELPS.get(cmd);
            if (help == null) {
                err.println("t2j help: unknown command '" + cmd + "'");
                err.print(HELP);
                return 2;
            }
            out.print(help);
            return 0;
        }
        try {
            switch (args[0]) {
                case "generate":
                    return GenerateCommand.run(rest, out, err);
                case "logits":
                    return LogitsCommand.run(rest, out, err);
                case "tokenize":
                    return TokenizeCommand.run(rest, out, err);
                case "bench":
                    return BenchCommand.run(rest, out, err);
                case "decompose":
                    return DecomposeCommand.run(rest, out, err);
                case "train":
                    return TrainCommand.run(rest, out, err);
                case "eval":
                    return EvalCommand.run(rest, out, err);
                case "pretrain":
                    return PretrainCommand.run(rest, out, err);
                case "matrix":
                    return MatrixCommand.run(rest, out, err);
                case "adapt":
                    return AdaptCommand.run(rest, out, err);
                case "transfer":
                    return TransferCommand.run(rest, out, err);
                case "log":
                    return LogCommand.run(rest, out, err);
                case "feedback":
                    return FeedbackCommand.run(rest, out, err);
                default:
                    err.println("t2j: unknown command '" + args[0] + "'");
                    err.print(HELP);
                    return 2;
            }
        } catch (Args.UsageException e) {
            err.println("t2j " + e.getMessage());
            return 2;
        } catch (OutOfMemoryError e) {
            // The memory plan checks each step's large allocations first; this is what it did not foresee.
            boolean heap = String.valueOf(e.getMessage()).contains("heap");
            err.println("t2j " + args[0] + ": out of " + (heap ? "Java heap" : "memory") + " (" + e.getMessage() + "). "
                    + (heap
                            ? "Raise the heap, e.g. T2J_JAVA_OPTS=\"-Xmx4g -XX:MaxDirectMemorySize=64g\" ./t2j ..."
                            : "Raise the direct-memory limit (-XX:MaxDirectMemorySize in T2J_JAVA_OPTS) if the machine has the memory")
                    + ", or use a smaller --batch or model.");
            return 1;
        } catch (Exception e) {
            // Bad input (a malformed checkpoint, say) is reported as its message, which names the file and field.
            err.println("t2j " + args[0] + ": " + e.getMessage());
            if (System.getenv("T2J_DEBUG") != null) e.printStackTrace(err);
            return 1;
        }
    }
}
