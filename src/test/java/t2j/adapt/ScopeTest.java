package t2j.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Weights change only inside a scope, one scope per model at a time, and closing it gives the base weights back. */
class ScopeTest {
    private final WorldFixture f = new WorldFixture();
    private final String base = f.model.weights().fingerprint();

    @Test
    void closingRestoresTheBaseWeightsExactlyEvenAfterAFailure() {
        try (Scope s = f.pool.use(Mixture.of("hi"))) {
            assertNotEquals(base, f.model.weights().fingerprint());
            assertTrue(Scope.isOpen(f.model));
            s.compose(Mixture.perExpert(Map.of("hi", 0.5, "lo", 0.5)));
            assertEquals(Mixture.perExpert(Map.of("hi", 0.5, "lo", 0.5)), s.mixture());
        }
        assertEquals(base, f.model.weights().fingerprint());
        assertFalse(Scope.isOpen(f.model));
        assertThrows(ArithmeticException.class, () -> {
            try (Scope s = f.pool.use(Mixture.of("lo"))) {
                throw new ArithmeticException("boom");
            }
        });
        assertEquals(base, f.model.weights().fingerprint());
    }

    @Test
    void nestedAndOverlappingScopesAreRefusedWithTheOpenersPlace() {
        ExpertPool second = new ExpertPool(f.model, f.dec, f.experts);
        try (Scope outer = f.pool.use(Mixture.of("hi"))) {
            String m = assertThrows(IllegalStateException.class, () -> f.pool.use(Mixture.of("lo")))
                    .getMessage();
            assertTrue(m.contains("already open") && m.contains("nested or overlapping") && m.contains("ScopeTest"), m);
            // Another pool over the same model is the same model: refused too.
            assertThrows(IllegalStateException.class, second::use);
            String fp = f.model.weights().fingerprint();
            assertNotEquals(base, fp);
            // The refused attempts left the outer scope's weights alone.
            outer.compose(Mixture.of("hi"));
            assertEquals(fp, f.model.weights().fingerprint());
        }
        try (Scope s = second.use()) {
            assertEquals(base, f.model.weights().fingerprint());
        }
    }

    @Test
    void aClosedScopeCannotComposeAndABadMixtureDoesNotHoldTheModel() {
        Scope s = f.pool.use();
        s.close();
        s.close(); // twice is harmless
        String m = assertThrows(IllegalStateException.class, () -> s.compose(Mixture.of("hi")))
                .getMessage();
        assertTrue(m.contains("closed"), m);
        assertThrows(IllegalArgumentException.class, () -> f.pool.use(Mixture.of("nope")));
        assertFalse(Scope.isOpen(f.model));
        assertEquals(base, f.model.weights().fingerprint());
    }

    @Test
    void anExpertsZAppliedAloneEqualsItsOneHotMixtureBitForBit() {
        float[][] viaMixture;
        float[][] viaZ;
        int[] ids = {1, 5, 9, 3};
        try (Scope s = f.pool.use(Mixture.of("mid"))) {
            viaMixture = f.model.logits(ids);
            s.composeZ(f.experts.get("mid").z());
            viaZ = f.model.logits(ids);
        }
        for (int i = 0; i < ids.length; i++)
            org.junit.jupiter.api.Assertions.assertArrayEquals(viaMixture[i], viaZ[i], 0f);
        assertEquals(base, f.model.weights().fingerprint());
    }
}
