package t2j.expert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import t2j.adapter.Adapter;
import t2j.lora.LoraExpert;
import t2j.model.Transformer;
import t2j.svf.Expert;
import t2j.train.Trainer;

/**
 * A finished training run, labelled: the trainer's result, the adapter it trained (at the base weights), and the
 * metadata its expert file records.
 */
public final class TrainedAdapter {
    private final Transformer model;
    private final ExpertRecipe recipe;
    private final Adapter adapter;
    private final Trainer.Result result;
    private final Map<String, String> info;

    private TrainedAdapter(
            Transformer model, ExpertRecipe recipe, Adapter adapter, Trainer.Result result, Map<String, String> info) {
        this.model = model;
        this.recipe = recipe;
        this.adapter = adapter;
        this.result = result;
        this.info = Collections.unmodifiableMap(new LinkedHashMap<>(info));
    }

    static TrainedAdapter label(
            Transformer model,
            ExpertRecipe recipe,
            Adapter adapter,
            Trainer.Result result,
            String baseFingerprint,
            String task,
            long taskSeed) {
        Map<String, String> info = result.expertInfo(
                baseFingerprint,
                model.config().modelType(),
                recipe.method().id(),
                recipe.targets().id(),
                task,
                taskSeed,
                recipe.training());
        switch (recipe.method()) {
            case SVF -> info.put("parametrization", recipe.parametrization().id());
            case LORA -> {
                info.put("lora_rank", Integer.toString(recipe.loraRank()));
                info.put("lora_alpha", Float.toString(recipe.loraAlpha()));
            }
        }
        return new TrainedAdapter(model, recipe, adapter, result, info);
    }

    public ExpertRecipe recipe() {
        return recipe;
    }

    public Trainer.Result result() {
        return result;
    }

    /** The trained adapter, bound to the model; set its parameters to {@code result().best()} to apply them. */
    public Adapter adapter() {
        return adapter;
    }

    /** What the expert file records: base fingerprint, model type, method, task, settings, validation. */
    public Map<String, String> info() {
        return info;
    }

    /** The SVF expert, for an {@link t2j.adapt.ExpertPool}. */
    public Expert expert() {
        if (recipe.method() != ExpertRecipe.Method.SVF) {
            throw new IllegalStateException("a " + recipe.method().id() + " run gives no SVF expert; see loraExpert()");
        }
        return new Expert(result.best(), info);
    }

    /** The LoRA adapter in PEFT's layout. */
    public LoraExpert loraExpert() {
        if (recipe.method() != ExpertRecipe.Method.LORA) {
            throw new IllegalStateException("a " + recipe.method().id() + " run gives no LoRA adapter; see expert()");
        }
        return LoraExpert.of(recipe.loraRank(), recipe.loraAlpha(), result.best(), model.weights(), info);
    }

    /**
     * Saves what the run made: an SVF expert to the file {@code out} ({@code .safetensors}), a LoRA adapter to the
     * folder {@code out} in PEFT's layout. Each write is atomic.
     */
    public void save(Path out) throws IOException {
        boolean file = out.getFileName().toString().endsWith(".safetensors");
        switch (recipe.method()) {
            case SVF -> {
                if (!file) throw new IllegalArgumentException(out + ": an SVF expert is one .safetensors file");
                expert().save(out);
            }
            case LORA -> {
                if (file || Files.isRegularFile(out)) {
                    throw new IllegalArgumentException(out + ": a LoRA adapter is a folder (PEFT's layout: "
                            + LoraExpert.CONFIG + " + " + LoraExpert.WEIGHTS + "), not a .safetensors file");
                }
                loraExpert().save(out, model.weights().names(), null);
            }
        }
    }
}
