package t2j.adapter;

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

    /** A sink that adds dL/dparameter into {@code grads} (same names and lengths as {@link #parameters()}). */
    Backprop.GradientSink gradientSink(Map<String, float[]> grads);

    /** Total number of trainable scalars. */
    default long parameterCount() {
        long n = 0;
        for (float[] p : parameters().values()) n += p.length;
        return n;
    }
}
