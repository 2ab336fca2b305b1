package t2j.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTripsValuesWithTheirJavaTypes() {
        String text = "{\"a\":1,\"b\":[true,null,\"x\\n\\\"y\\u00e9\"],\"c\":{\"d\":-2.5e3,\"e\":12345678901234}}";
        Map<String, Object> m = Json.parseObject(text, "t");
        assertEquals(1L, m.get("a"));
        assertEquals(
                List.of(true, "x\n\"yé"),
                ((List<?>) m.get("b"))
                        .stream().filter(java.util.Objects::nonNull).toList());
        assertEquals(-2500.0, ((Map<?, ?>) m.get("c")).get("d"));
        assertEquals(12345678901234L, ((Map<?, ?>) m.get("c")).get("e"));
        assertEquals(m, Json.parseObject(Json.write(m), "again"));
    }

    @Test
    void errorsNameSourceLineAndColumn() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\n  \"a\": [1, 2,,]\n}", "cfg.json"));
        assertTrue(e.getMessage().startsWith("cfg.json: invalid JSON at line 2, column 14"), e.getMessage());
        e = assertThrows(JsonException.class, () -> Json.parse("{\"k\":1,\"k\":2}", "h"));
        assertTrue(e.getMessage().contains("duplicate key \"k\""), e.getMessage());
        e = assertThrows(JsonException.class, () -> Json.parse("[1] x", "t"));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
        e = assertThrows(JsonException.class, () -> Json.parse("\"abc", "t"));
        assertTrue(e.getMessage().contains("unterminated string"), e.getMessage());
    }

    @Test
    void writesUnorderedMapsWithSortedKeysAndOrderedOnesAsGiven() {
        // Map.of's iteration order changes from one JVM run to the next; the written text must not.
        assertEquals(
                "{\"a\":1,\"b\":{\"x\":true,\"y\":false},\"c\":2}",
                Json.write(Map.of("c", 2, "a", 1, "b", Map.of("y", false, "x", true))));
        Map<String, Object> kept = new java.util.LinkedHashMap<>();
        kept.put("z", 1);
        kept.put("a", 2);
        assertEquals("{\"z\":1,\"a\":2}", Json.write(kept));
    }
}
