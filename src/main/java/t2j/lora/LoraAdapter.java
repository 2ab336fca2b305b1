package t2j.lora;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import t2j.adapter.Adapter;
import t2j.model.Backprop;
import t2j.model.Transformer;
import t2j.tensor.Blas;
import t2j.tensor.Matrix;

/**
 * LoRA, the baseline SVF is compared with: {@code W′ = W + (alpha/r)·B·A} with {@code A [r×in]}, {@code B [out×r]},
 * initialised as PEFT does (A random, B zero, so training starts at the base model).
 *
 * <p>Parameters are named {@code NAME.lora_A} and {@code NAME.lora_B}, row-major.
 */
public final class LoraAdapter implements Adapter {
    private final Transformer model;
    private final List<String> targets;
    private final int rank;
    private final float scale;
    private final Map<String, float[]> params = new LinkedHashMap<>();
    private final t2j.adapter.WeightSnapshot base;

    public LoraAdapter(Transformer model, List<String> targets, int rank, float alpha, long seed) {
        if (rank <= 0) throw new IllegalArgumentException("LoRA rank must be positive, got " + rank);
        this.model = model;
        this.targets = List.copyOf(targets);
        this.rank = rank;
        this.scale = alpha / rank;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (String name : targets) {
            Matrix w = model.weights().matrix(name);
            float[] a = new float[rank * w.cols()];
            double bound = 1.0 / Math.sqrt(w.cols()); // kaiming-uniform(a=√5) bound, as PEFT's default
            for (int i = 0; i < a.length; i++) a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            params.put(name + ".lora_A", a);
            params.put(name + ".lora_B", new float[w.rows() * rank]);
        }
        base = new t2j.adapter.WeightSnapshot(model.weights(), targets);
    }

    public int rank() {
        return rank;
    }

    @Override
    public Map<String, float[]> parameters() {
        return params;
    }

    @Override
    public void apply() {
        for (String name : targets) {
            Matrix w = model.weights().matrix(name);
            base.restore(name);
            FloatBuffer a = direct(params.get(name + ".lora_A")), b = direct(params.get(name + ".lora_B"));
            Matrix target = w;
            if (w.isBf16()) { // W + s·B·A in float32, rounded once
                target = Matrix.zeros(w.rows(), w.cols());
                target.copyFrom(w);
            }
            Blas.gemm(
                    false,
                    w.rows(),
                    w.cols(),
                    rank,
                    scale,
                    b,
                    0,
                    rank,
                    a,
                    0,
                    w.cols(),
                    1f,
                    target.blockOf(0),
                    0,
                    w.cols());
            if (target != w) w.copyFrom(target);
        }
    }

    @Override
    public void restore() {
        base.restore();
    }

    @Override
    public Backprop.GradientSink gradientSink(Map<String, float[]> grads) {
        return (name, n, x, xOff, ldx, g, gOff, ldg) -> {
            float[] aArr = params.get(name + ".lora_A");
            if (aArr == null) return;
            Matrix w = model.weights().matrix(name);
            int in = w.cols(), out = w.rows();
            FloatBuffer a = direct(aArr), b = direct(params.get(name + ".lora_B"));
            FloatBuffer xa = Matrix.allocate((long) n * rank), gb = Matrix.allocate((long) n * rank);
            Blas.gemm(false, true, n, rank, in, 1f, x, xOff, ldx, a, 0, in, 0f, xa, 0, rank); // X·Aᵀ
            Blas.gemm(false, false, n, rank, out, 1f, g, gOff, ldg, b, 0, rank, 0f, gb, 0, rank); // G·B
            FloatBuffer dB = Matrix.allocate((long) out * rank), dA = Matrix.allocate((long) rank * in);
            Blas.gemm(true, false, out, rank, n, scale, g, gOff, ldg, xa, 0, rank, 0f, dB, 0, rank); // s·Gᵀ·XA
            Blas.gemm(true, false, rank, in, n, scale, gb, 0, rank, x, xOff, ldx, 0f, dA, 0, in); // s·GBᵀ·X
            add(grads.get(name + ".lora_A"), dA);
            add(grads.get(name + ".lora_B"), dB);
        };
    }

    private static FloatBuffer direct(float[] a) {
        FloatBuffer b = Matrix.allocate(a.length);
        b.put(a).position(0);
        return b;
    }

    private static void add(float[] acc, FloatBuffer g) {
        for (int i = 0; i < acc.length; i++) acc[i] += g.get(i);
    }
}
