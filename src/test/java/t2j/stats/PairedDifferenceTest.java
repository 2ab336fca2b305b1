package t2j.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PairedDifferenceTest {

    /** A wins on {@code aOnly} requests, B on {@code bOnly}, both right on {@code both}, both wrong on the rest. */
    private static boolean[][] outcomes(int n, int aOnly, int bOnly, int both) {
        boolean[] a = new boolean[n], b = new boolean[n];
        int i = 0;
        for (int k = 0; k < aOnly; k++, i++) a[i] = true;
        for (int k = 0; k < bOnly; k++, i++) b[i] = true;
        for (int k = 0; k < both; k++, i++) a[i] = b[i] = true;
        return new boolean[][] {a, b};
    }

    @Test
    void exactMcNemarMatchesTheBinomialTail() {
        // b = 10, c = 2: P(X <= 2) for Binomial(12, 1/2) = (1 + 12 + 66) / 4096.
        assertEquals(2 * 79.0 / 4096, PairedDifference.mcNemarExact(10, 2), 1e-12);
        assertEquals(2 * 79.0 / 4096, PairedDifference.mcNemarExact(2, 10), 1e-12);
        assertEquals(1.0, PairedDifference.mcNemarExact(5, 5), 1e-12);
        assertEquals(1.0, PairedDifference.mcNemarExact(0, 0), 1e-12);
        // Large counts stay finite: 150 vs 50 discordant requests is overwhelming evidence.
        double p = PairedDifference.mcNemarExact(150, 50);
        assertTrue(p > 0 && p < 1e-10, "p = " + p);
    }

    @Test
    void differenceIntervalAndTestOnPairedOutcomes() {
        boolean[][] o = outcomes(200, 30, 6, 40);
        PairedDifference d = PairedDifference.of(o[0], o[1]);
        assertEquals(0.12, d.delta(), 1e-12);
        assertEquals(30, d.aOnly());
        assertEquals(6, d.bOnly());
        assertTrue(d.lo() < 0.12 && 0.12 < d.hi(), d.toString());
        assertTrue(d.lo() > 0, "a clear win's interval excludes 0: " + d);
        assertTrue(d.significant(), d.toString());
        assertFalse(d.toString().contains("within noise"), d.toString());
        // The same request-level evidence, reversed, is a loss of the same size.
        PairedDifference back = PairedDifference.of(o[1], o[0]);
        assertEquals(-0.12, back.delta(), 1e-12);
        assertEquals(d.p(), back.p(), 1e-15);
    }

    @Test
    void aOneRequestDifferenceIsWithinNoise() {
        boolean[][] o = outcomes(200, 4, 3, 50);
        PairedDifference d = PairedDifference.of(o[0], o[1]);
        assertFalse(d.significant(), d.toString());
        assertTrue(d.lo() < 0 && d.hi() > 0, d.toString());
        assertTrue(d.toString().endsWith("within noise"), d.toString());
        PairedDifference same = PairedDifference.of(o[0], o[0]);
        assertEquals(0, same.lo(), 0);
        assertEquals(0, same.hi(), 0);
        assertEquals(1, same.p(), 0);
    }

    @Test
    void reproducibleAndRefusesUnpairedInput() {
        boolean[][] o = outcomes(150, 20, 9, 30);
        assertEquals(PairedDifference.of(o[0], o[1]), PairedDifference.of(o[0], o[1]));
        String m = assertThrows(
                        IllegalArgumentException.class, () -> PairedDifference.of(new boolean[3], new boolean[4]))
                .getMessage();
        assertTrue(m.contains("3 vs 4"), m);
    }

    @Test
    void wilsonIntervalOfAnAccuracy() {
        Proportion p = Proportion.of(3, 10);
        assertEquals(0.3, p.value(), 1e-12);
        assertEquals(0.1078, p.lo(), 1e-4);
        assertEquals(0.6032, p.hi(), 1e-4);
        Proportion none = Proportion.of(new boolean[20]);
        assertEquals(0, none.lo(), 0);
        assertTrue(none.hi() > 0.1 && none.hi() < 0.2, none.toString());
        assertThrows(IllegalArgumentException.class, () -> Proportion.of(5, 4));
    }
}
