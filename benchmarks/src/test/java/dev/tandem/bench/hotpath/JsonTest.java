package dev.tandem.bench.hotpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    @SuppressWarnings("unchecked")
    void readsWhatJmhWrites() {
        Object v = Json.parse(" [ {\"a\": 1.5e3, \"b\": [true, false, null], \"c\": \"x\\\"y\\u00e9\\n\", "
                + "\"d\": {}, \"e\": [], \"f\": \"NaN\", \"g\": -2} ] ");
        Map<String, Object> m = (Map<String, Object>) ((List<Object>) v).get(0);
        assertEquals(1500.0, m.get("a"));
        assertEquals(List.of(true, false), ((List<Object>) m.get("b")).subList(0, 2));
        assertNull(((List<Object>) m.get("b")).get(2));
        assertEquals("x\"y\u00e9\n", m.get("c"));
        assertTrue(((Map<String, Object>) m.get("d")).isEmpty());
        assertTrue(((List<Object>) m.get("e")).isEmpty());
        assertTrue(Double.isNaN(Json.number(m.get("f"))));
        assertEquals(-2.0, Json.number(m.get("g")));
    }

    @Test
    void rejectsWhatItDoesNotExpect() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1,}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\" 1}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[\"open"));
    }
}
