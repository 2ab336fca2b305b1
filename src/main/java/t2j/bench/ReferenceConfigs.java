package t2j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The thread configurations the reference is timed in, and its best one per figure: every ratio is taken against the
 * reference at its best on this machine, which is not one fixed configuration.
 *
 * <p>PyTorch's intra-op pool and OpenBLAS's own pthreads contend on a small machine: measured on 2 cores with PyTorch
 * 1.13 on OpenBLAS 0.3.21, a training step ran at about 3 000 tokens/s with 2 BLAS threads and about 5 200 with 1, while
 * prefill was fastest with 2. So {@code hf_reference.py} times each configuration (torch threads × BLAS threads; the BLAS
 * counts interleaved round by round so that drift on a noisy machine does not pick the winner, each torch count in a
 * process of its own since changing it at run time slows torch down) and this class picks the best per figure.
 */
public final class ReferenceConfigs {
    private ReferenceConfigs() {}

    /**
     * The candidates for {@code hf_reference.py --configs}: torch and BLAS on every core, torch on every core with a
     * single-threaded BLAS, and (unless {@code withSerial} is false, for models where one thread is hopeless and costly
     * to time) everything on one thread.
     */
    public static String candidates(int cores, boolean withSerial) {
        java.util.Set<String> c = new java.util.LinkedHashSet<>(List.of(cores + "x" + cores, cores + "x1"));
        if (withSerial) c.add("1x1");
        return String.join(",", c);
    }

    /** One configuration's figures; {@code blasThreads} is null where the BLAS's threads cannot be set (not OpenBLAS). */
    public record Config(int torchThreads, Integer blasThreads, Map<String, Object> figures) {
        /** "torch/BLAS" thread counts, e.g. "2/1". */
        public String label() {
            return torchThreads + "/" + (blasThreads == null ? "-" : blasThreads.toString());
        }

        double figure(String name) {
            Object v = figures.get(name);
            if (!(v instanceof Number n))
                throw new IllegalArgumentException("hf_reference.py output: configuration " + label()
                        + " has no number '" + name + "' (got " + v + ")");
            return n.doubleValue();
        }
    }

    /** The {@code configs} list of a bench result from {@code hf_reference.py}. */
    @SuppressWarnings("unchecked")
    public static List<Config> parse(Map<String, Object> result) {
        Object list = result.get("configs");
        if (!(list instanceof List<?> l) || l.isEmpty())
            throw new IllegalArgumentException(
                    "hf_reference.py output: no 'configs' list of thread configurations (got " + list + ")");
        List<Config> out = new ArrayList<>();
        for (Object o : l) {
            Map<String, Object> m = (Map<String, Object>) o;
            Object t = m.get("torch_threads"), b = m.get("blas_threads");
            if (!(t instanceof Number tn))
                throw new IllegalArgumentException(
                        "hf_reference.py output: a configuration has no 'torch_threads': " + m);
            out.add(new Config(tn.intValue(), b instanceof Number bn ? bn.intValue() : null, m));
        }
        return out;
    }

    /** The best configuration for one figure, with every configuration's value beside it. */
    public record Choice(String figure, boolean higherIsBetter, Config best, List<Config> all) {
        public double value() {
            return best.figure(figure);
        }

        /**
         * One line: e.g. {@code PyTorch prefill tokens/s by threads torch/BLAS: 2/2 7832 (best), 2/1 6607, 1/1 4012}.
         */
        public String line(String what) {
            StringBuilder s = new StringBuilder(what + " by threads torch/BLAS:");
            String sep = " ";
            for (Config c : all) {
                s.append(sep)
                        .append(c.label())
                        .append(' ')
                        .append(String.format(Locale.ROOT, "%.4g", c.figure(figure)));
                if (c == best) s.append(" (best)");
                sep = ", ";
            }
            return s.toString();
        }
    }

    /** The configuration with the highest (or, for times, the lowest) value of {@code figure}. */
    public static Choice best(List<Config> all, String figure, boolean higherIsBetter) {
        Config best = null;
        for (Config c : all) {
            double v = c.figure(figure);
            if (!Double.isFinite(v))
                throw new IllegalArgumentException(
                        "hf_reference.py output: configuration " + c.label() + " measured '" + figure + "' = " + v);
            if (best == null || (higherIsBetter ? v > best.figure(figure) : v < best.figure(figure))) best = c;
        }
        if (best == null) throw new IllegalArgumentException("no configuration to choose from for '" + figure + "'");
        return new Choice(figure, higherIsBetter, best, all);
    }

    /** The choice for {@code figure} in a bench result. */
    public static Choice best(Map<String, Object> result, String figure, boolean higherIsBetter) {
        return best(parse(result), figure, higherIsBetter);
    }
}
