package t2j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Derived seeds are reproducible and distinct; the Gaussian draw is standard normal. */
class SeedsTest {
    @Test
    void aDerivedSeedDependsOnSeedPurposeAndStepAndOnNothingElse() {
        assertEquals(Seeds.derive(42, "rollout", 3), Seeds.derive(42, "rollout", 3));
        Set<Long> seen = new HashSet<>();
        for (long seed : new long[] {41, 42}) {
            for (String purpose : new String[] {"rollout", "epoch"}) {
                for (long step = 0; step < 100; step++) seen.add(Seeds.derive(seed, purpose, step));
            }
        }
        assertEquals(400, seen.size(), "no two (seed, purpose, step) share a derived seed");
        assertNotEquals(Seeds.derive(0, "epoch", 0), 0L, "seed 0 step 0 is not a degenerate zero");
    }

    @Test
    void gaussianDrawsHaveMeanZeroAndVarianceOne() {
        SplittableRandom r = new SplittableRandom(1);
        int n = 200_000;
        double sum = 0;
        double squares = 0;
        int beyondTwo = 0;
        for (int i = 0; i < n; i++) {
            double x = Seeds.gaussian(r);
            sum += x;
            squares += x * x;
            if (Math.abs(x) > 2) beyondTwo++;
        }
        // Standard errors at n = 200 000: mean 0.0022, variance 0.0032, share beyond 2σ (4.55 %) 0.00047.
        assertEquals(0, sum / n, 0.012);
        assertEquals(1, squares / n - (sum / n) * (sum / n), 0.016);
        assertEquals(0.0455, (double) beyondTwo / n, 0.0025);
    }
}
