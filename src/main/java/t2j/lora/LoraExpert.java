package t2j.lora;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import t2j.io.AtomicFiles;
import t2j.io.DType;
import t2j.io.SafeTensorsFile;
import t2j.io.SafeTensorsWriter;
import t2j.json.Json;
import t2j.model.ModelWeights;
import t2j.tensor.Matrix;

/**
 * A trained LoRA adapter stored in PEFT's layout, so it loads with {@code PeftModel.from_pretrained(base, DIR)}: a
 * folder with {@code adapter_config.json} ({@code peft_type} LORA, {@code r}, {@code lora_alpha},
 * {@code target_modules} ...) and {@code adapter_model.safetensors}, whose tensors are named as PEFT names them,
 * {@code base_model.model.<module>.lora_A.weight} {@code [r, in]} and {@code ...lora_B.weight} {@code [out, r]}.
 * What t2j knows about the run (task, base fingerprint, validation) is in the safetensors header's metadata as
 * {@code t2j.*}, beside PEFT's {@code format: pt}, with {@code t2j.kind = lora-adapter}; PEFT ignores it.
 *
 * @param factors {@code NAME.lora_A} and {@code NAME.lora_B} by Hugging Face weight name, row-major, as
 *                {@link LoraAdapter#parameters()} names them
 * @param shapes  each adapted weight's {@code [out, in]}
 */
public record LoraExpert(
        int rank, float alpha, Map<String, float[]> factors, Map<String, int[]> shapes, Map<String, String> info) {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    public static final String KIND = "lora-adapter";
    private static final String PREFIX = "base_model.model.";
    private static final String SUFFIX = ".weight";

    public LoraExpert {
        if (rank <= 0) throw new IllegalArgumentException("LoRA rank must be positive, got " + rank);
        factors = Collections.unmodifiableMap(new LinkedHashMap<>(factors));
        shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
        info = Collections.unmodifiableMap(new LinkedHashMap<>(info));
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            float[] a = factors.get(e.getKey() + ".lora_A");
            float[] b = factors.get(e.getKey() + ".lora_B");
            int out = e.getValue()[0];
            int in = e.getValue()[1];
            if (a == null || b == null || a.length != rank * in || b.length != out * rank) {
                throw new IllegalArgumentException(
                        "LoRA factors of '" + e.getKey() + "' do not fit [" + out + ", " + in + "] at rank " + rank);
            }
        }
    }

    /** Trained factors (named as {@link LoraAdapter#parameters()}) of weights of {@code base}, with metadata. */
    public static LoraExpert of(
            int rank, float alpha, Map<String, float[]> factors, ModelWeights base, Map<String, String> info) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (String key : factors.keySet()) {
            if (!key.endsWith(".lora_A")) continue;
            String name = key.substring(0, key.length() - ".lora_A".length());
            Matrix w = base.matrix(name);
            shapes.put(name, new int[] {w.rows(), w.cols()});
        }
        return new LoraExpert(rank, alpha, factors, shapes, info);
    }

    /** The adapted weights' names (in model order when trained, in file order when loaded). */
    public List<String> targets() {
        return List.copyOf(shapes.keySet());
    }

    /** PEFT's tensor name for factor {@code "A"} or {@code "B"} of weight {@code name}. */
    public static String peftKey(String weightName, String factor) {
        return PREFIX + module(weightName) + ".lora_" + factor + SUFFIX;
    }

    /**
     * PEFT's {@code target_modules}: the modules' last names (e.g. {@code ["down_proj", "gate_proj", "up_proj"]}) when
     * they select exactly the adapted weights among {@code allWeights}, otherwise a regular expression that PEFT
     * full-matches against module names and that names exactly the adapted ones.
     */
    public Object targetModules(List<String> allWeights) {
        TreeSet<String> last = new TreeSet<>();
        for (String n : shapes.keySet()) last.add(lastName(module(n)));
        List<String> selectedByLast = allWeights.stream()
                .filter(n -> n.endsWith(SUFFIX) && last.contains(lastName(module(n))))
                .toList();
        if (new TreeSet<>(selectedByLast).equals(new TreeSet<>(shapes.keySet()))) return List.copyOf(last);
        List<String> exact = new ArrayList<>();
        for (String n : shapes.keySet()) exact.add(pythonQuoted(module(n)));
        return String.join("|", exact);
    }

    /**
     * Writes the PEFT folder: the weights first, then the config, each file atomically, so a folder with a config
     * always has its weights.
     *
     * @param allWeights every weight name of the base model, to write {@code target_modules} as names when they fit
     * @param baseModel  {@code base_model_name_or_path}, or null
     */
    public void save(Path dir, List<String> allWeights, String baseModel) throws IOException {
        Files.createDirectories(dir);
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            int out = e.getValue()[0];
            int in = e.getValue()[1];
            entries.add(entry(peftKey(e.getKey(), "A"), new long[] {rank, in}, factors.get(e.getKey() + ".lora_A")));
            entries.add(entry(peftKey(e.getKey(), "B"), new long[] {out, rank}, factors.get(e.getKey() + ".lora_B")));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("t2j.kind", KIND);
        info.forEach((k, v) -> meta.put("t2j." + k, v));
        SafeTensorsWriter.write(dir.resolve(WEIGHTS), entries, meta);

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("peft_type", "LORA");
        config.put("task_type", "CAUSAL_LM");
        config.put("base_model_name_or_path", baseModel);
        config.put("r", rank);
        config.put("lora_alpha", (double) alpha);
        config.put("target_modules", targetModules(allWeights));
        config.put("lora_dropout", 0.0);
        config.put("bias", "none");
        config.put("fan_in_fan_out", false);
        config.put("use_rslora", false);
        config.put("use_dora", false);
        config.put("modules_to_save", null);
        config.put("inference_mode", true);
        AtomicFiles.writeString(dir.resolve(CONFIG), Json.write(config) + "\n");
    }

    /** Reads a PEFT LoRA folder written by {@link #save}; anything else is refused naming the file and field. */
    public static LoraExpert load(Path dir) throws IOException {
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new NoSuchFileException(configFile.toString(), null, "not a PEFT adapter folder: no " + CONFIG);
        }
        Map<String, Object> config = Json.parseObject(Files.readString(configFile), configFile.toString());
        if (!"LORA".equals(config.get("peft_type"))) {
            throw new IllegalArgumentException(configFile + ": peft_type is " + config.get("peft_type") + ", not LORA");
        }
        int rank = intField(config, "r", configFile);
        float alpha = (float) number(config, "lora_alpha", configFile);
        if (Boolean.TRUE.equals(config.get("use_rslora")) || Boolean.TRUE.equals(config.get("use_dora"))) {
            throw new IllegalArgumentException(configFile + ": rsLoRA and DoRA adapters are not supported");
        }
        Path weights = dir.resolve(WEIGHTS);
        try (SafeTensorsFile f = SafeTensorsFile.open(weights)) {
            if (!KIND.equals(f.metadata().get("t2j.kind"))) {
                throw new IllegalArgumentException(weights + ": not a t2j LoRA adapter (metadata t2j.kind is "
                        + f.metadata().get("t2j.kind") + ")");
            }
            Map<String, String> info = new LinkedHashMap<>();
            f.metadata().forEach((k, v) -> {
                if (k.startsWith("t2j.") && !k.equals("t2j.kind")) info.put(k.substring(4), v);
            });
            info.putIfAbsent("source", dir.toString());
            Map<String, float[]> factors = new LinkedHashMap<>();
            Map<String, int[]> shapes = new LinkedHashMap<>();
            for (String key : f.names()) {
                if (!key.startsWith(PREFIX) || !key.endsWith(".lora_A" + SUFFIX)) continue;
                String module = key.substring(PREFIX.length(), key.length() - (".lora_A" + SUFFIX).length());
                String weight = module + SUFFIX;
                String bKey = PREFIX + module + ".lora_B" + SUFFIX;
                if (!f.contains(bKey)) throw new IllegalArgumentException(weights + ": " + key + " has no " + bKey);
                long[] a = f.info(key).shape();
                long[] b = f.info(bKey).shape();
                if (a.length != 2 || b.length != 2 || a[0] != rank || b[1] != rank) {
                    throw new IllegalArgumentException(weights + ": " + key + " " + Arrays.toString(a) + " and " + bKey
                            + " " + Arrays.toString(b) + " are not [r, in] and [out, r] with r = " + rank);
                }
                shapes.put(weight, new int[] {(int) b[0], (int) a[1]});
                factors.put(weight + ".lora_A", f.readFloats(key));
                factors.put(weight + ".lora_B", f.readFloats(bKey));
            }
            if (shapes.isEmpty()) throw new IllegalArgumentException(weights + ": no lora_A tensors");
            return new LoraExpert(rank, alpha, factors, shapes, info);
        }
    }

    private static SafeTensorsWriter.Entry entry(String name, long[] shape, float[] values) {
        FloatBuffer b = Matrix.allocate(values.length);
        b.put(values).position(0);
        return new SafeTensorsWriter.Entry(name, DType.F32, shape, b);
    }

    private static String module(String weightName) {
        if (!weightName.endsWith(SUFFIX)) throw new IllegalArgumentException("not a weight name: " + weightName);
        return weightName.substring(0, weightName.length() - SUFFIX.length());
    }

    /** Escapes a name for Python's {@code re} (which has no {@code \Q...\E} quoting). */
    private static String pythonQuoted(String name) {
        StringBuilder b = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (!Character.isLetterOrDigit(c) && c != '_') b.append('\\');
            b.append(c);
        }
        return b.toString();
    }

    private static String lastName(String module) {
        return module.substring(module.lastIndexOf('.') + 1);
    }

    private static double number(Map<String, Object> config, String field, Path file) {
        if (!(config.get(field) instanceof Number n)) {
            throw new IllegalArgumentException(
                    file + ": field '" + field + "' must be a number, got " + config.get(field));
        }
        return n.doubleValue();
    }

    private static int intField(Map<String, Object> config, String field, Path file) {
        double v = number(config, field, file);
        if (v != Math.rint(v) || v <= 0) {
            throw new IllegalArgumentException(file + ": field '" + field + "' must be a positive integer, got " + v);
        }
        return (int) v;
    }
}
