package t2j.adapter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.model.Backprop;

/**
 * A parameter-efficient change to a model's weights that training can optimise: SVF's z-vectors or LoRA's
 * factors. The trainer only sees named float vectors, a way to write the adapted weights into the model, and a
 * gradient sink.
 */
public interface Adapter {
    /** Trainable vectors by name (live: the trainer updates them in place, then calls {@link #apply()}). */
    Map<String, float[]> parameters();

    /** Writes the adapted weights, from the current parameters, into the model. */
    void apply();

    /** Writes the base weights back into the model, exactly. */
    void restore();

    /**
     * The adapted weights for the length of a try block: written now, and the base weights are back when it closes,
     * however the block ends. Callers outside an adapter use this (or {@link #base()}) instead of pairing
     * {@link #apply()} and {@link #restore()} by hand, so no path can leave a model adapted by mistake.
     */
    default Weights adapted() {
        apply();
        return this::restore;
    }

    /** The base weights for the length of a try block (e.g. a reference pass); the adapted weights are back after. */
    default Weights base() {
        restore();
        return this::apply;
    }

    /** Whatever the block leaves, the base weights are back when it closes (a trainer that applies as it goes). */
    default Weights restoringOnClose() {
        return this::restore;
    }

    /** Weights held for a try block; closing cannot fail. */
    interface Weights extends AutoCloseable {
        @Override
        void close();
    }

    /** A sink that adds dL/dparameter into {@code grads} (same names and lengths as {@link #parameters()}). */
    Backprop.GradientSink gradientSink(Map<String, float[]> grads);

    /**
     * The loss of one batch, its gradient added into {@code grads}: the rows run in {@link Backprop#GROUPS} groups
     * on the cores ({@link Backprop#lossAndGradients(int[][], int[][], Backprop.TokenLoss, List)}), each group into a
     * zeroed copy of {@code grads}, the copies added in group order.
     */
    default double lossAndGradients(
            Backprop backprop,
            int[][] prompts,
            int[][] completions,
            Backprop.TokenLoss loss,
            Map<String, float[]> grads) {
        List<Map<String, float[]>> parts = new ArrayList<>();
        List<Backprop.GradientSink> sinks = new ArrayList<>();
        for (int g = 0; g < Backprop.GROUPS; g++) {
            Map<String, float[]> part = new LinkedHashMap<>();
            grads.forEach((name, acc) -> part.put(name, new float[acc.length]));
            parts.add(part);
            sinks.add(gradientSink(part));
        }
        double l = backprop.lossAndGradients(prompts, completions, loss, sinks);
        for (Map<String, float[]> part : parts)
            part.forEach((name, g) -> {
                float[] acc = grads.get(name);
                for (int i = 0; i < acc.length; i++) acc[i] += g[i];
            });
        return l;
    }

    /** Total number of trainable scalars. */
    default long parameterCount() {
        long n = 0;
        for (float[] p : parameters().values()) n += p.length;
        return n;
    }
}
