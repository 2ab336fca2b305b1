package t2j.expert;

import java.util.Locale;
import t2j.svf.Parametrization;
import t2j.svf.Targets;
import t2j.train.TrainingConfig;

/**
 * What to train: the method (an SVF expert or the LoRA baseline), which weights it adapts, its own settings and the
 * training run's.
 *
 * @param loraRank  LoRA's rank r (LoRA only)
 * @param loraAlpha LoRA's alpha; the update is scaled by alpha/r (LoRA only)
 */
public record ExpertRecipe(
        Method method,
        Targets targets,
        Parametrization parametrization,
        int loraRank,
        float loraAlpha,
        TrainingConfig training) {
    /** The kind of adapter. */
    public enum Method {
        SVF,
        LORA;

        /** {@code svf} or {@code lora}, as the command line and the metadata write it. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Method fromId(String id) {
            for (Method m : values()) if (m.id().equals(id)) return m;
            throw new IllegalArgumentException("method must be svf or lora, got '" + id + "'");
        }
    }

    public ExpertRecipe {
        if (method == Method.LORA && loraRank <= 0) {
            throw new IllegalArgumentException("LoRA rank must be positive, got " + loraRank);
        }
    }

    public static ExpertRecipe svf(Targets targets, Parametrization parametrization, TrainingConfig training) {
        return new ExpertRecipe(Method.SVF, targets, parametrization, 0, 0f, training);
    }

    public static ExpertRecipe lora(Targets targets, int rank, float alpha, TrainingConfig training) {
        return new ExpertRecipe(Method.LORA, targets, null, rank, alpha, training);
    }
}
