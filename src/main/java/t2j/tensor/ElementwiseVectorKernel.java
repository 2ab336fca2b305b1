package t2j.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
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
    // Double work (AdamW, sums of squares) reads floats a half-width vector at a time, so lanes match one for one.
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FH =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int DLANES = D.length();
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
        weightedValuesFrom(0, p, n, v, from, hd, out, outOff);
    }

    /** Columns {@code [k0, hd)} of {@link #weightedValues}. */
    private static void weightedValuesFrom(
            int k0, float[] p, int n, float[] v, int from, int hd, float[] out, int outOff) {
        int k = k0;
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

    /** Four vectors: {@link #scoresOfTwo} computes whole passes of four blocks of keys. */
    @Override
    public int scoreSpan(int n) {
        int pass = 4 * LANES;
        return (n + pass - 1) / pass * pass;
    }

    /**
     * A score is one chain of FMAs over {@code d}, each waiting for the last, so a single chain is bound by the FMA's
     * latency; and a prefill's keys outgrow L1, so each key read should serve more than one score. Here two queries
     * times four blocks of keys make eight chains, each still summed over {@code d} in order (the bits of {@link
     * #scores}), every key vector loaded once for both queries. A pass covers four blocks even where fewer are needed:
     * it takes as long, being latency-bound. Vectors stay in this method's locals: passed to a helper, C2 boxes them
     * and the loop runs several times slower.
     */
    @Override
    public void scoresOfTwo(
            float[] q,
            int qOff,
            int qOff2,
            float[] kT,
            int stride,
            int from,
            int n,
            int hd,
            float scale,
            float[] s,
            float[] s2) {
        for (int o = 0; o < n; o += 4 * LANES) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int d = 0, at = from + o; d < hd; d++, at += stride) {
                FloatVector k0 = FloatVector.fromArray(F, kT, at), k1 = FloatVector.fromArray(F, kT, at + LANES);
                FloatVector k2 = FloatVector.fromArray(F, kT, at + 2 * LANES),
                        k3 = FloatVector.fromArray(F, kT, at + 3 * LANES);
                FloatVector x = FloatVector.broadcast(F, q[qOff + d]), y = FloatVector.broadcast(F, q[qOff2 + d]);
                a0 = k0.fma(x, a0);
                a1 = k1.fma(x, a1);
                a2 = k2.fma(x, a2);
                a3 = k3.fma(x, a3);
                b0 = k0.fma(y, b0);
                b1 = k1.fma(y, b1);
                b2 = k2.fma(y, b2);
                b3 = k3.fma(y, b3);
            }
            a0.mul(scale).intoArray(s, o);
            a1.mul(scale).intoArray(s, o + LANES);
            a2.mul(scale).intoArray(s, o + 2 * LANES);
            a3.mul(scale).intoArray(s, o + 3 * LANES);
            b0.mul(scale).intoArray(s2, o);
            b1.mul(scale).intoArray(s2, o + LANES);
            b2.mul(scale).intoArray(s2, o + 2 * LANES);
            b3.mul(scale).intoArray(s2, o + 3 * LANES);
        }
    }

    /**
     * As {@link #scoresOfTwo}: two queries times four blocks of the output make eight chains over the keys they share,
     * each in order of the keys, every value vector loaded once for both; then the second query's own keys.
     */
    @Override
    public void weightedValuesOfTwo(
            float[] p, int n, float[] p2, int n2, float[] v, int from, int hd, float[] out, int outOff, int outOff2) {
        int k = 0;
        for (; k + 4 * LANES <= hd; k += 4 * LANES) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            int i = 0, at = from * hd + k;
            for (; i < n; i++, at += hd) {
                FloatVector v0 = FloatVector.fromArray(F, v, at), v1 = FloatVector.fromArray(F, v, at + LANES);
                FloatVector v2 = FloatVector.fromArray(F, v, at + 2 * LANES),
                        v3 = FloatVector.fromArray(F, v, at + 3 * LANES);
                FloatVector x = FloatVector.broadcast(F, p[i]), y = FloatVector.broadcast(F, p2[i]);
                a0 = v0.fma(x, a0);
                a1 = v1.fma(x, a1);
                a2 = v2.fma(x, a2);
                a3 = v3.fma(x, a3);
                b0 = v0.fma(y, b0);
                b1 = v1.fma(y, b1);
                b2 = v2.fma(y, b2);
                b3 = v3.fma(y, b3);
            }
            for (; i < n2; i++, at += hd) {
                FloatVector y = FloatVector.broadcast(F, p2[i]);
                b0 = FloatVector.fromArray(F, v, at).fma(y, b0);
                b1 = FloatVector.fromArray(F, v, at + LANES).fma(y, b1);
                b2 = FloatVector.fromArray(F, v, at + 2 * LANES).fma(y, b2);
                b3 = FloatVector.fromArray(F, v, at + 3 * LANES).fma(y, b3);
            }
            a0.intoArray(out, outOff + k);
            a1.intoArray(out, outOff + k + LANES);
            a2.intoArray(out, outOff + k + 2 * LANES);
            a3.intoArray(out, outOff + k + 3 * LANES);
            b0.intoArray(out, outOff2 + k);
            b1.intoArray(out, outOff2 + k + LANES);
            b2.intoArray(out, outOff2 + k + 2 * LANES);
            b3.intoArray(out, outOff2 + k + 3 * LANES);
        }
        for (; k + 2 * LANES <= hd; k += 2 * LANES) { // e.g. heads of 32 floats: two vectors, four chains
            FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0;
            int i = 0, at = from * hd + k;
            for (; i < n; i++, at += hd) {
                FloatVector v0 = FloatVector.fromArray(F, v, at), v1 = FloatVector.fromArray(F, v, at + LANES);
                FloatVector x = FloatVector.broadcast(F, p[i]), y = FloatVector.broadcast(F, p2[i]);
                a0 = v0.fma(x, a0);
                a1 = v1.fma(x, a1);
                b0 = v0.fma(y, b0);
                b1 = v1.fma(y, b1);
            }
            for (; i < n2; i++, at += hd) {
                FloatVector y = FloatVector.broadcast(F, p2[i]);
                b0 = FloatVector.fromArray(F, v, at).fma(y, b0);
                b1 = FloatVector.fromArray(F, v, at + LANES).fma(y, b1);
            }
            a0.intoArray(out, outOff + k);
            a1.intoArray(out, outOff + k + LANES);
            b0.intoArray(out, outOff2 + k);
            b1.intoArray(out, outOff2 + k + LANES);
        }
        if (k < hd) {
            // The columns past whole pairs of vectors, one query at a time.
            weightedValuesFrom(k, p, n, v, from, hd, out, outOff);
            weightedValuesFrom(k, p2, n2, v, from, hd, out, outOff2);
        }
    }

    @Override
    public void swigluBackward(float[] a, int gate, int up, int expNeg, int gAct, int dGate, int dUp, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int i = 0; i < n; i += LANES) {
            FloatVector z = FloatVector.fromArray(F, a, gate + i), u = FloatVector.fromArray(F, a, up + i);
            FloatVector ga = FloatVector.fromArray(F, a, gAct + i);
            FloatVector sig = one.div(FloatVector.fromArray(F, a, expNeg + i).add(1f));
            ga.mul(u).mul(sig).mul(z.mul(one.sub(sig)).add(1f)).intoArray(a, dGate + i);
            ga.mul(z).mul(sig).intoArray(a, dUp + i);
        }
    }

    @Override
    public void softmaxBackward(float[] g, float[] p, int n, int len) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i + LANES <= n; i += LANES)
            acc = acc.add(FloatVector.fromArray(F, g, i).mul(FloatVector.fromArray(F, p, i)));
        float dot = inLaneOrder(acc);
        for (; i < n; i++) dot += g[i] * p[i];
        for (i = 0; i < len; i += LANES)
            FloatVector.fromArray(F, p, i)
                    .mul(FloatVector.fromArray(F, g, i).sub(dot))
                    .intoArray(g, i);
    }

    @Override
    public void rmsNormBackward(float[] gh, float[] x, float[] w, float inv, float[] gx, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            FloatVector gn = FloatVector.fromArray(F, gh, i).mul(FloatVector.fromArray(F, w, i));
            acc = acc.add(gn.mul(FloatVector.fromArray(F, x, i).mul(inv)));
        }
        float dot = inLaneOrder(acc);
        for (; i < n; i++) dot += gh[i] * w[i] * (x[i] * inv);
        dot /= n;
        for (i = 0; i < n; i += LANES) {
            FloatVector gn = FloatVector.fromArray(F, gh, i).mul(FloatVector.fromArray(F, w, i));
            FloatVector y = FloatVector.fromArray(F, x, i).mul(inv);
            FloatVector.fromArray(F, gx, i).add(gn.sub(y.mul(dot)).mul(inv)).intoArray(gx, i);
        }
    }

    /** The lanes of {@code v} added first to last, so the bits do not depend on how the JIT reduces. */
    private static float inLaneOrder(FloatVector v) {
        float s = 0;
        for (int l = 0; l < LANES; l++) s += v.lane(l);
        return s;
    }

    @Override
    public void addScaledProduct(float[] gh, float[] x, float s, float[] out, int off, int n) {
        int i = 0;
        for (; i + LANES <= n; i += LANES)
            FloatVector.fromArray(F, out, off + i)
                    .add(FloatVector.fromArray(F, gh, i)
                            .mul(FloatVector.fromArray(F, x, i).mul(s)))
                    .intoArray(out, off + i);
        ElementwiseScalarKernel.addScaledProductFrom(i, gh, x, s, out, off, n);
    }

    @Override
    public void add(float[] a, float[] out, int n) {
        int i = 0;
        for (; i + LANES <= n; i += LANES)
            FloatVector.fromArray(F, out, i).add(FloatVector.fromArray(F, a, i)).intoArray(out, i);
        for (; i < n; i++) out[i] += a[i];
    }

    @Override
    public double sumOfSquares(float[] a, int n) {
        DoubleVector acc = DoubleVector.zero(D);
        int i = 0;
        for (; i + DLANES <= n; i += DLANES) {
            DoubleVector x = widen(a, i);
            acc = x.fma(x, acc); // the square of a float is exact in double: fma adds what mul then add would
        }
        double s = 0;
        for (int l = 0; l < DLANES; l++) s += acc.lane(l);
        return ElementwiseScalarKernel.sumOfSquaresFrom(i, a, n, s);
    }

    private static DoubleVector widen(float[] a, int i) {
        return (DoubleVector) FloatVector.fromArray(FH, a, i).convertShape(VectorOperators.F2D, D, 0);
    }

    private static FloatVector narrow(DoubleVector x) {
        return (FloatVector) x.convertShape(VectorOperators.D2F, FH, 0);
    }

    @Override
    public void adamw(float[] g, float[] w, float[] m, float[] v, int mOff, int n, Elementwise.AdamW k) {
        double b1 = k.beta1(), b2 = k.beta2(), c1 = 1 - b1, c2 = 1 - b2;
        int i = 0;
        for (; i + DLANES <= n; i += DLANES) {
            int j = mOff + i;
            DoubleVector gi = widen(g, i).mul(k.gradScale());
            FloatVector mf = narrow(widen(m, j).mul(b1).add(gi.mul(c1)));
            FloatVector vf = narrow(widen(v, j).mul(b2).add(gi.mul(c2).mul(gi)));
            mf.intoArray(m, j);
            vf.intoArray(v, j);
            DoubleVector md = (DoubleVector) mf.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector vd = (DoubleVector) vf.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector x = widen(w, i);
            DoubleVector step =
                    md.div(k.bias1()).div(vd.div(k.bias2()).sqrt().add(k.eps())).add(x.mul(k.decay()));
            narrow(x.sub(step.mul(k.lr()))).intoArray(w, i);
        }
        ElementwiseScalarKernel.adamwFrom(i, g, w, m, v, mOff, n, k);
    }

    @Override
    public String describe() {
        return "Vector API, " + F.vectorBitSize() + "-bit";
    }
}
