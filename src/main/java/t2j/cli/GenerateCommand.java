package t2j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import t2j.generate.GenerationConfig;
import t2j.generate.Generator;
import t2j.model.Transformer;
import t2j.tokenizer.ChatFormat;
import t2j.tokenizer.ChatMessage;
import t2j.tokenizer.Tokenizer;

/** {@code t2j generate}: text from a prompt with a Hugging Face model folder. */
final class GenerateCommand {
    static final String HELP = String.join(
            "\n",
            "usage: t2j generate --model DIR --prompt TEXT [options]",
            "",
            "  --dtype auto|float32|bf16  weights in memory, default auto: bf16 for a bf16 checkpoint over 100 M parameters",
            "  --chat                 wrap the prompt as a user message in the model's chat format",
            "  --system TEXT          system message (with --chat), default none",
            "  --max-new-tokens N     default 128",
            "  --temperature T        0 = greedy (default); > 0 samples",
            "  --top-p P              nucleus sampling mass, default 1.0",
            "  --seed S               sampling seed, default 0",
            "  --stop STR             stop when the output contains STR (separate several with '|'); default only at",
            "                         the model's end-of-turn or end-of-sequence token",
            "",
            "Without --chat the prompt is encoded as raw text with the tokenizer's BOS in front.",
            "");

    private GenerateCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(HELP);
            return 0;
        }
        Args a = new Args(
                "generate",
                argv,
                Set.of(
                        "--dtype",
                        "--model",
                        "--prompt",
                        "--system",
                        "--max-new-tokens",
                        "--temperature",
                        "--top-p",
                        "--seed",
                        "--stop"),
                Set.of("--chat"));
        Path dir = Path.of(a.required("--model"));
        String prompt = a.required("--prompt");
        Transformer model = Transformer.load(dir, t2j.model.ModelWeights.Storage.parse(a.get("--dtype", "auto")));
        Tokenizer tok = Tokenizer.load(dir);
        int[] ids;
        if (a.has("--chat")) {
            List<ChatMessage> msgs = new ArrayList<>();
            if (a.has("--system")) msgs.add(ChatMessage.system(a.get("--system", "")));
            msgs.add(ChatMessage.user(prompt));
            ids = tok.encode(ChatFormat.forTokenizer(tok).render(msgs, true));
        } else {
            ids = tok.encodeWithSpecials(prompt);
        }
        int[] eos = t2j.prompt.ChatPrompter.stopIds(model.config(), tok);
        List<String> stops = a.has("--stop") ? List.of(a.get("--stop", "").split("\\|")) : List.of();
        GenerationConfig cfg = GenerationConfig.greedy(a.integer("--max-new-tokens", 128), eos)
                .withSampling(a.number("--temperature", 0f), a.number("--top-p", 1f), a.integer("--seed", 0))
                .withStopStrings(stops);
        Generator.Generation g = new Generator(model)
                .generate(List.of(ids), cfg, t -> tok.decode(t, true))
                .get(0);
        String text = tok.decode(g.tokens(), true);
        String cut = Generator.cutAtStop(text, stops);
        out.println(cut != null ? cut : text);
        return 0;
    }
}
