package t2j.svf;

/**
 * A dual number {@code v + d·ε} with {@code ε² = 0}: arithmetic on it carries a value and its exact derivative
 * with respect to one variable. What {@link ZMap.Elementwise} maps are written in.
 *
 * <p>At a kink (clamp, abs, min, max exactly at the corner) the derivative taken is the one from the right.
 */
public record Dual(double value, double derivative) {
    /** A number that does not depend on the variable. */
    public static Dual constant(double value) {
        return new Dual(value, 0);
    }

    /** The variable itself (derivative 1). */
    public static Dual variable(double value) {
        return new Dual(value, 1);
    }

    public Dual plus(Dual o) {
        return new Dual(value + o.value, derivative + o.derivative);
    }

    public Dual plus(double c) {
        return new Dual(value + c, derivative);
    }

    public Dual minus(Dual o) {
        return new Dual(value - o.value, derivative - o.derivative);
    }

    public Dual minus(double c) {
        return new Dual(value - c, derivative);
    }

    public Dual negate() {
        return new Dual(-value, -derivative);
    }

    public Dual times(Dual o) {
        return new Dual(value * o.value, derivative * o.value + value * o.derivative);
    }

    public Dual times(double c) {
        return new Dual(value * c, derivative * c);
    }

    public Dual div(Dual o) {
        return new Dual(value / o.value, (derivative * o.value - value * o.derivative) / (o.value * o.value));
    }

    public Dual div(double c) {
        return new Dual(value / c, derivative / c);
    }

    public Dual exp() {
        double e = Math.exp(value);
        return new Dual(e, derivative * e);
    }

    public Dual log() {
        return new Dual(Math.log(value), derivative / value);
    }

    public Dual sqrt() {
        double s = Math.sqrt(value);
        return new Dual(s, derivative / (2 * s));
    }

    public Dual pow(double p) {
        return new Dual(Math.pow(value, p), derivative * p * Math.pow(value, p - 1));
    }

    public Dual sigmoid() {
        double s = 1 / (1 + Math.exp(-value));
        return new Dual(s, derivative * s * (1 - s));
    }

    public Dual tanh() {
        double t = Math.tanh(value);
        return new Dual(t, derivative * (1 - t * t));
    }

    public Dual softplus() {
        return new Dual(
                Math.log1p(Math.exp(-Math.abs(value))) + Math.max(value, 0), derivative / (1 + Math.exp(-value)));
    }

    public Dual abs() {
        return value < 0 ? negate() : this;
    }

    /** {@code min(max(this, lo), hi)}: flat (derivative 0) outside [lo, hi). */
    public Dual clamp(double lo, double hi) {
        if (value < lo) return constant(lo);
        if (value >= hi) return constant(hi);
        return this;
    }

    public Dual min(double c) {
        return value >= c ? constant(c) : this;
    }

    public Dual max(double c) {
        return value < c ? constant(c) : this;
    }
}
