package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelConfigTest {
    @Test
    void defaultsWhenUnset() {
        assertEquals(new KernelConfig("", 0, 1000), KernelConfig.fromEnv(Map.of()));
    }

    @Test
    void readsSecondsAndClasspath() {
        KernelConfig config = KernelConfig.fromEnv(
                Map.of("T2J_TIMEOUT", "1.5", "T2J_INTERRUPT_GRACE", "0", "T2J_CLASSPATH", " lib/*.jar "));
        assertEquals(new KernelConfig("lib/*.jar", 1500, 0), config);
    }

    @Test
    void rejectsNonsenseNamingTheVariable() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> KernelConfig.fromEnv(Map.of("T2J_TIMEOUT", "30 SECONDS")));
        assertTrue(e.getMessage().contains("T2J_TIMEOUT"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelConfig.fromEnv(Map.of("T2J_INTERRUPT_GRACE", "-1")));
    }
}
