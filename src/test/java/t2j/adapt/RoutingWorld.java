package t2j.adapt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.IntBinaryOperator;
import t2j.model.ModelConfig;
import t2j.model.ModelWeights;
import t2j.model.Transformer;
import t2j.svf.Decomposition;
import t2j.svf.Expert;
import t2j.svf.Targets;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Verdict;
import t2j.train.Pretrainer;
import t2j.util.Progress;

/**
 * A micro world where routing means something: three sub-tasks over digit triples told apart by their operator
 * ({@code 3+7+1=} → max, category {@code hi}; {@code 3*7*1=} → min, {@code lo}; {@code 3-7-1=} → median,
 * {@code mid}), plus classification ({@code ?|3+7+1=} → {@code \boxed{hi}}), and a micro Llama pretrained on all of
 * it in seconds. The pretrained weights are built once per JVM and shared by the test classes.
 */
public final class RoutingWorld extends t2j.train.CharPrompter {
    static final String CHARS = "0123456789+*-=?|\\boxed{}hilm";
    static final int BOS = CHARS.length(), EOS = CHARS.length() + 1;
    static final String SYSTEM = "?";
    static final List<String> CATEGORIES = List.of("hi", "lo", "mid");

    static final RoutingWorld INSTANCE = new RoutingWorld();
    private static ModelWeights pretrained;

    final Map<String, SubTask> tasks = new LinkedHashMap<>();

    private RoutingWorld() {
        super(CHARS);
        tasks.put("hi", new SubTask("max", "hi", '+', Math::max, 1));
        tasks.put("lo", new SubTask("min", "lo", '*', Math::min, 2));
        tasks.put("mid", new SubTask("median", "mid", '-', null, 3));
    }

    static ModelConfig config() {
        return new ModelConfig(
                "llama",
                48,
                96,
                4,
                2,
                12,
                2,
                CHARS.length() + 2,
                1e-5,
                10000.0,
                null,
                0,
                false,
                64,
                new int[] {BOS},
                new int[] {EOS});
    }

    /** The shared pretrained weights (copy before changing them). */
    static synchronized ModelWeights pretrained() {
        if (pretrained == null) {
            ModelWeights w = ModelWeights.random(config(), 5);
            new Pretrainer(
                            new Transformer(w),
                            INSTANCE.sequences(),
                            new Pretrainer.Config(STEPS, 32, 1e-2, 0.0, 10, 1.0, 7))
                    .run(s -> {});
            pretrained = w;
        }
        return pretrained;
    }

    static final int STEPS = 120;

    public Task task(String category) {
        return tasks.get(category);
    }

    /** Classification prompts for the given requests, with their true labels as answers. */
    static List<Example> classification(List<Example> requests, List<String> labels) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++)
            out.add(new Example(
                    "cls-" + i, SYSTEM, requests.get(i).prompt(), labels.get(i), "\\boxed{" + labels.get(i) + "}"));
        return out;
    }

    /** An expert on {@code dec}'s weights with z drawn as {@code mean + std·N(0,1)}. */
    public static Expert expert(Decomposition dec, String task, double mean, double std, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> z = new LinkedHashMap<>();
        for (String n : dec.names()) {
            float[] v = new float[dec.get(n).rank()];
            for (int i = 0; i < v.length; i++) {
                double u = r.nextDouble(), w = r.nextDouble();
                v[i] = (float) (mean + std * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * w));
            }
            z.put(n, v);
        }
        Map<String, String> info = new LinkedHashMap<>();
        info.put("base_fingerprint", dec.fingerprint());
        info.put("model_type", "llama");
        info.put("task", task);
        info.put("targets", dec.targets().id());
        info.put("parametrization", "sigmoid-mask");
        return new Expert(z, info);
    }

    static Decomposition decompose(Transformer m) {
        return Decomposition.compute(m.weights(), Targets.MLP, Progress.NONE);
    }

    List<int[]> sequences() {
        List<int[]> out = new ArrayList<>();
        for (SubTask t : tasks.values())
            for (Example e : t.examples(Split.TRAIN)) {
                out.add(seq(e));
                out.add(seq(new Example(
                        e.id() + "-cls", SYSTEM, e.prompt(), t.category(), "\\boxed{" + t.category() + "}")));
            }
        Collections.shuffle(out, new Random(11));
        return out;
    }

    private int[] seq(Example e) {
        int[] p = promptIds(e), r = referenceIds(e), s = Arrays.copyOf(p, p.length + r.length);
        System.arraycopy(r, 0, s, p.length, r.length);
        return s;
    }

    /** Digit triples joined by one operator; answer max, min or median. */
    static final class SubTask implements Task {
        private final String name, category;
        private final Map<Split, List<Example>> splits = new LinkedHashMap<>();

        SubTask(String name, String category, char op, IntBinaryOperator pick, long seed) {
            this.name = name;
            this.category = category;
            List<Example> all = new ArrayList<>();
            for (int a = 0; a < 10; a++)
                for (int b = 0; b < 10; b++)
                    for (int c = 0; c < 10; c++) {
                        int ans = pick != null ? pick.applyAsInt(a, pick.applyAsInt(b, c)) : median(a, b, c);
                        all.add(new Example(
                                name + "-" + a + b + c, null, "" + a + op + b + op + c + "=", "" + ans, "" + ans));
                    }
            Collections.shuffle(all, new Random(seed));
            splits.put(Split.TEST, all.subList(0, 60));
            splits.put(Split.VALIDATION, all.subList(60, 90));
            splits.put(Split.TRANSFER, all.subList(90, 100));
            splits.put(Split.TRAIN, all.subList(100, 1000));
        }

        private static int median(int a, int b, int c) {
            return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String category() {
            return category;
        }

        @Override
        public List<Example> examples(Split split) {
            return splits.get(split);
        }

        @Override
        public Verdict verify(Example e, String completion) {
            String got = completion.strip();
            return Verdict.of(got.equals(e.answer()), got, got.equals(e.answer()) ? "right" : "expected " + e.answer());
        }
    }
}
