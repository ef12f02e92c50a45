package io.kafkacassandra.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure logic: keys, namespaces, ids and values. */
class InputValidationTest {
    @Test
    void keysSplitIntoNamespaceAndName() {
        assertEquals(new KeyPath("/brokers/topics", "orders"), KeyPath.of("/brokers/topics/orders"));
        assertEquals(new KeyPath("/", "controller"), KeyPath.of("/controller"));
        assertEquals(
                "/brokers/topics/orders", KeyPath.of("/brokers/topics/orders").key());
        assertEquals("/controller", KeyPath.of("/controller").key());
        assertEquals(new KeyPath("/a", "b c é 日本"), KeyPath.of("/a/b c é 日本"));
        assertEquals("/", KeyPath.namespace("/"));
    }

    @Test
    void everyBrokenRuleIsNamed() {
        List<List<String>> cases = List.of(
                List.of("relative/key", "must start with '/'"),
                List.of("/a/", "must not end with '/'"),
                List.of("/a//b", "empty segment"),
                List.of("/a/../b", "'..' segment"),
                List.of("/a/./b", "'.' segment"),
                List.of("/a\u0001b", "control character U+0001"),
                List.of("/a\uD800", "lone surrogate"),
                List.of("/" + "x".repeat(KeyPath.MAX_LENGTH), "longer than 1024"));
        for (List<String> c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyPath.of(c.get(0)));
            assertTrue(e.getMessage().contains(c.get(1)), c.get(0) + " -> " + e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KeyPath.of("/"))
                .getMessage()
                .contains("root"));
        assertThrows(IllegalArgumentException.class, () -> KeyPath.of(null));
        assertThrows(IllegalArgumentException.class, () -> KeyPath.namespace("/a/"));
    }

    @Test
    void idsAndValues() {
        assertEquals("broker-1", Text.id("id", "broker-1"));
        assertThrows(IllegalArgumentException.class, () -> Text.id("id", ""));
        assertThrows(IllegalArgumentException.class, () -> Text.id("id", "x".repeat(256)));
        assertThrows(IllegalArgumentException.class, () -> Text.id("id", "a\u007Fb"));
        assertEquals("", Text.value("data", "", 10));
        assertEquals("\n\t\u0000", Text.value("data", "\n\t\u0000", 10), "values are opaque: control characters pass");
        assertEquals("日本", Text.value("data", "日本", 6));
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> Text.value("data", "日本語", 6));
        assertTrue(big.getMessage().contains("9 bytes"), big.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Text.value("data", "\uDC00", 10));
        assertTrue(Text.preview("a\nb" + "x".repeat(100)).startsWith("'a\\u000Ab"));
    }
}
