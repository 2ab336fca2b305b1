package t2j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ElementwiseKernel} through the incubating Vector API; the only class besides {@link Bf16VectorKernel} that
 * names the module. {@code exp} is {@link Exp}'s arithmetic on whole vectors (not {@code lanewise(EXP)}: see
 * {@link Exp}), and lane sums are added in lane order by hand, so the bits do not depend on the JIT. Ranges are processed in whole vectors over padded arrays, so every
 * element goes through the same instructions wherever it falls in a row: a value's exp does not depend on the row's
 * length.
 */
final class ElementwiseVectorKernel implements ElementwiseKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();
    private static final FloatVector MINUS_LN2_HI = FloatVector.broadcast(F, -Exp.LN2_HI);
    private static final FloatVector MINUS_LN2_LO = FloatVector.broadcast(F, -Exp.LN2_LO);
    private static final FloatVector P0 = FloatVector.broadcast(F, Exp.P0);
    private static final FloatVector P1 = FloatVector.broadcast(F, Exp.P1);
    private static final FloatVector P2 = FloatVector.broadcast(F, Exp.P2);
    private static final FloatVector P3 = FloatVector.broadcast(F, Exp.P3);
    private static final FloatVector P4 = FloatVector.broadcast(F, Exp.P4);
    private static final FloatVector P5 = FloatVector.broadcast(F, Exp.P5);

    @Override
    public int padded(int n) {
        return (n + LANES - 1) / LANES * LANES;
    }

    @Override
    public void swiglu(float[] a, int gate, int up, int act, int expNeg, int n) {
        for (int i = 0; i < n; i += LANES) {
            FloatVector g = FloatVector.fromArray(F, a, gate + i);
            FloatVector e = exp(g.neg());
            if (expNeg >= 0) e.intoArray(a, expNeg + i);
            g.div(e.add(1f)).mul(FloatVector.fromArray(F, a, up + i)).intoArray(a, act + i);
        }
    }

    @Override
    public void softmax(float[] a, int n) {
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i += LANES) m = m.max(FloatVector.fromArray(F, a, i));
        float max = m.reduceLanes(VectorOperators.MAX);
        FloatVector sum = FloatVector.zero(F);
        for (int i = 0; i < n; i += LANES) {
            FloatVector e = exp(FloatVector.fromArray(F, a, i).sub(max));
            e.intoArray(a, i);
            sum = sum.add(e);
        }
        int at = padded(n);
        sum.intoArray(a, at);
        float total = 0;
        for (int i = at; i < at + LANES; i++) total += a[i];
        float inv = 1f / total;
        for (int i = 0; i < n; i += LANES)
            FloatVector.fromArray(F, a, i).mul(inv).intoArray(a, i);
    }

    /** {@link Exp#exp} on every lane, step for step. */
    static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(Exp.LOW).min(Exp.HIGH);
        FloatVector t = c.mul(Exp.LOG2E).add(Exp.ROUNDER);
        FloatVector n = t.sub(Exp.ROUNDER);
        IntVector bits = (IntVector) t.reinterpretAsInts();
        IntVector scale = bits.sub(Float.floatToRawIntBits(Exp.ROUNDER) - 127).lanewise(VectorOperators.LSHL, 23);
        FloatVector r = n.fma(MINUS_LN2_HI, c);
        r = n.fma(MINUS_LN2_LO, r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, P2);
        p = p.fma(r, P3);
        p = p.fma(r, P4);
        p = p.fma(r, P5);
        FloatVector y = p.fma(r.mul(r), r).add(1f).mul(scale.reinterpretAsFloats());
        y = y.blend(0f, x.compare(VectorOperators.LT, Exp.LOW));
        return y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, Exp.HIGH));
    }

    @Override
    public void scaleByWeight(float[] x, float[] w, float s, float[] out, int n) {
        for (int i = 0; i < n; i += LANES)
            FloatVector.fromArray(F, w, i)
                    .mul(FloatVector.fromArray(F, x, i).mul(s))
                    .intoArray(out, i);
    }

    @Override
    public void rotate(float[] a, int off, int half, float[] cos, float[] sin, int base, float sign) {
        int i = 0;
        for (; i + LANES <= half; i += LANES) {
            FloatVector x = FloatVector.fromArray(F, a, off + i), y = FloatVector.fromArray(F, a, off + half + i);
            FloatVector cs = FloatVector.fromArray(F, cos, base + i),
                    sn = FloatVector.fromArray(F, sin, base + i).mul(sign);
            x.mul(cs).sub(y.mul(sn)).intoArray(a, off + i);
            y.mul(cs).add(x.mul(sn)).intoArray(a, off + half + i);
        }
        // A head narrower than a vector (or its remainder): the halves interleave within one vector, so plain Java.
        ElementwiseScalarKernel.rotateFrom(i, a, off, half, cos, sin, base, sign);
    }

    @Override
    public void scores(float[] q, int qOff, float[] kT, int stride, int from, int n, int hd, float scale, float[] s) {
        for (int i = 0; i < n; i += LANES) {
            FloatVector acc = FloatVector.zero(F);
            for (int d = 0; d < hd; d++)
                acc = FloatVector.fromArray(F, kT, d * stride + from + i)
                        .fma(FloatVector.broadcast(F, q[qOff + d]), acc);
            acc.mul(scale).intoArray(s, i);
        }
    }

    @Override
    public void weightedValues(float[] p, int n, float[] v, int from, int hd, float[] out, int outOff) {
        int k = 0;
        for (; k + LANES <= hd; k += LANES) {
            FloatVector acc = FloatVector.zero(F);
            for (int i = 0; i < n; i++)
                acc = FloatVector.fromArray(F, v, (from + i) * hd + k).fma(FloatVector.broadcast(F, p[i]), acc);
            acc.intoArray(out, outOff + k);
        }
        for (; k < hd; k++) {
            float acc = 0;
            for (int i = 0; i < n; i++) acc = Math.fma(p[i], v[(from + i) * hd + k], acc);
            out[outOff + k] = acc;
        }
    }

    @Override
    public String describe() {
        return "Vector API, " + F.vectorBitSize() + "-bit";
    }
}
