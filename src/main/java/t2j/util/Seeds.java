package t2j.util;

/** Derives independent, reproducible seeds from one run seed, so a resumed run makes the same choices. */
public final class Seeds {
    private Seeds() {}

    /** A seed for {@code purpose} at {@code step} of a run seeded with {@code seed} (SplitMix64 finaliser). */
    public static long derive(long seed, String purpose, long step) {
        long z = seed * 0x9E3779B97F4A7C15L + purpose.hashCode() * 0xBF58476D1CE4E5B9L + step;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A standard normal draw (Box–Muller): {@code SplittableRandom} has no {@code nextGaussian} on Java 17. */
    public static double gaussian(java.util.SplittableRandom r) {
        double u = r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
