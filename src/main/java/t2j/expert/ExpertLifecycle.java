package t2j.expert;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import t2j.adapter.Adapter;
import t2j.lora.LoraAdapter;
import t2j.model.Transformer;
import t2j.prompt.Prompter;
import t2j.svf.Decomposition;
import t2j.svf.SvfAdapter;
import t2j.task.Task;
import t2j.train.Trainer;

/**
 * The one way an expert comes to be: {@link #configure} (the adapter a recipe asks for, bound to the model),
 * {@link #train} (the trainer's loop, then the run labelled with its metadata), and on the result
 * {@link TrainedAdapter#save} (an SVF expert file, or a PEFT LoRA folder) and {@link TrainedAdapter#expert()} for an
 * {@link t2j.adapt.ExpertPool}. The command line, the notebook DSL and the model recipes all go through it, so the
 * metadata an expert carries is the same whoever trained it.
 *
 * <pre>{@code
 * TrainedAdapter run = ExpertLifecycle.configure(model, prompter, task, 42, recipe, () -> decomposition)
 *         .train(Path.of("math.safetensors.ckpt"), listener);
 * run.save(Path.of("math.safetensors"));
 * }</pre>
 */
public final class ExpertLifecycle {
    private final Transformer model;
    private final Prompter prompter;
    private final Task task;
    private final long taskSeed;
    private final ExpertRecipe recipe;
    private final Adapter adapter;
    private final String baseFingerprint;

    private ExpertLifecycle(
            Transformer model,
            Prompter prompter,
            Task task,
            long taskSeed,
            ExpertRecipe recipe,
            Adapter adapter,
            String baseFingerprint) {
        this.model = model;
        this.prompter = prompter;
        this.task = task;
        this.taskSeed = taskSeed;
        this.recipe = recipe;
        this.adapter = adapter;
        this.baseFingerprint = baseFingerprint;
    }

    /**
     * Binds the recipe's adapter to the model (at its base weights).
     *
     * @param taskSeed      the seed {@code task} was built with, recorded in the metadata; negative when unknown
     * @param decomposition the SVD of the recipe's targets (asked for by SVF only)
     */
    public static ExpertLifecycle configure(
            Transformer model,
            Prompter prompter,
            Task task,
            long taskSeed,
            ExpertRecipe recipe,
            Supplier<Decomposition> decomposition) {
        // Taken before anything touches the weights: the metadata names the base the expert was trained on.
        String fingerprint = model.weights().fingerprint();
        long seed = recipe.training().seed();
        Adapter adapter = switch (recipe.method()) {
            case SVF -> new SvfAdapter(model, decomposition.get(), recipe.parametrization(), seed);
            case LORA ->
                new LoraAdapter(
                        model, recipe.targets().select(model.weights()), recipe.loraRank(), recipe.loraAlpha(), seed);
        };
        return new ExpertLifecycle(model, prompter, task, taskSeed, recipe, adapter, fingerprint);
    }

    public Adapter adapter() {
        return adapter;
    }

    /**
     * Trains, then puts the base weights back (the result holds the best parameters, not the model).
     *
     * @param checkpoint resume point, written at every validation and resumed from when it exists; null for none
     */
    public TrainedAdapter train(Path checkpoint, Trainer.Listener listener) throws IOException {
        Trainer trainer = new Trainer(model, adapter, task, prompter, recipe.training());
        if (checkpoint != null) trainer.checkpointTo(checkpoint);
        Trainer.Result result;
        try (Adapter.Weights w = adapter.restoringOnClose()) {
            result = trainer.train(listener);
        }
        return TrainedAdapter.label(model, recipe, adapter, result, baseFingerprint, task.name(), taskSeed);
    }
}
