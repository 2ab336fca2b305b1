package t2j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import t2j.model.MemoryPlanException;
import t2j.model.ModelWeights;
import t2j.model.Transformer;

/**
 * {@code t2j bench scale}'s bf16/float32 decode ratio from decodes that alternate, both models loaded (see
 * {@link #run}).
 */
final class PairedDecode {
    private PairedDecode() {}

    /**
     * The decode speed-up of bf16 over float32 weights with both models loaded, their decodes alternating: this VM's
     * memory bandwidth drifts by a third from one minute to the next, so the table's rows, timed a minute apart, can
     * disagree by more than the effect; two decodes seconds apart share the machine's state. Prints the median and
     * range of the per-pair ratios, or why the pair was not run.
     */
    static void run(Path dir, int[] ids, int decode, int pairs, int depth, int used, PrintStream out)
            throws IOException {
        Transformer wide, narrow;
        try {
            wide = Transformer.load(dir, ModelWeights.Storage.FLOAT32);
            narrow = Transformer.load(dir, ModelWeights.Storage.BF16);
        } catch (MemoryPlanException e) {
            out.println("paired decode not run (both models at once): " + e.getMessage());
            return;
        }
        boolean partial = used < depth;
        List<Double> ratios = new ArrayList<>();
        List<List<Double>> measured = List.of(new ArrayList<>(), new ArrayList<>()),
                heads = List.of(new ArrayList<>(), new ArrayList<>());
        for (int p = -1; p < pairs; p++) { // one pair to warm up
            double[] perToken = new double[2];
            for (int m = 0; m < 2; m++) {
                Transformer model = m == 0 ? wide : narrow;
                double s = ForwardBench.prefillAndDecode(model, ids, decode, 0, 1)[1] / decode;
                // The head's product is timed beside each decode, under the same conditions: the extrapolation
                // multiplies any error in it by depth/layers.
                double hd = partial ? ScaleBench.head(model, 1, 2) : 0;
                if (p >= 0) {
                    measured.get(m).add(s);
                    heads.get(m).add(hd);
                }
                perToken[m] = partial ? hd + depth * (s - hd) / used : s; // as in the table
            }
            if (p >= 0) ratios.add(perToken[0] / perToken[1]);
        }
        out.printf(
                Locale.ROOT,
                "decode bf16/float32, paired: median %.2f (range %.2f-%.2f) over %d alternating pairs of %d tokens%s;"
                        + " target >= 1.8%n",
                TrainBench.median(ratios),
                Collections.min(ratios),
                Collections.max(ratios),
                pairs,
                decode,
                partial ? ", extrapolated to " + depth + " layers" : "");
        if (partial)
            out.printf(
                    Locale.ROOT,
                    "  measured on %d layers, medians: float32 %.1f ms a token (head alone %.1f), bf16 %.1f (head %.1f)%n",
                    used,
                    1e3 * TrainBench.median(measured.get(0)),
                    1e3 * TrainBench.median(heads.get(0)),
                    1e3 * TrainBench.median(measured.get(1)),
                    1e3 * TrainBench.median(heads.get(1)));
        wide = narrow = null;
        ScaleBench.release();
    }
}
