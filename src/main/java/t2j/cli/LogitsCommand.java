package t2j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import t2j.json.Json;
import t2j.model.Transformer;

/** {@code t2j logits}: the float32 logits of every position, so the forward pass can be checked against another implementation. */
final class LogitsCommand {
    static final String HELP = String.join(
            "\n",
            "usage: t2j logits --model DIR --ids 1,2,3 --out FILE.json",
            "",
            "Runs the model on the given token ids (no BOS added) and writes",
            "{\"ids\":[...],\"logits\":[[...],...]} with one row of vocabulary logits per position.",
            "",
            "  --dtype auto|float32|bf16  weights in memory, default auto: bf16 for a bf16 checkpoint over 100 M parameters",
            "");

    private LogitsCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(HELP);
            return 0;
        }
        Args a = new Args("logits", argv, Set.of("--dtype", "--model", "--ids", "--out"), Set.of());
        Transformer model = Transformer.load(
                Path.of(a.required("--model")), t2j.model.ModelWeights.Storage.parse(a.get("--dtype", "auto")));
        int[] ids = a.ids("--ids");
        float[][] logits = model.logits(ids);
        List<Object> rows = new ArrayList<>();
        for (float[] r : logits) rows.add(r);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("ids", ids);
        doc.put("logits", rows);
        Path file = Path.of(a.required("--out")).toAbsolutePath();
        try {
            t2j.io.AtomicFiles.writeString(file, Json.write(doc));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        out.println("wrote " + logits.length + " x " + model.config().vocabSize() + " logits to " + file);
        return 0;
    }
}
