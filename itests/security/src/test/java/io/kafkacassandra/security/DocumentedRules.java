package io.kafkacassandra.security;

import java.nio.charset.StandardCharsets;

/**
 * The input rules as README and the javadoc state them, written down again independently of the services'
 * validation code, as the oracle of the property tests.
 */
final class DocumentedRules {
    static final int MAX_KEY_LENGTH = 1024;
    static final int MAX_ID_LENGTH = 255;

    private DocumentedRules() {}

    /** An absolute path below the root: {@code /a/b}, no empty, {@code .} or {@code ..} segment, printable. */
    static boolean validKey(String key) {
        if (key == null || key.length() > MAX_KEY_LENGTH || !key.startsWith("/") || key.equals("/")) {
            return false;
        }
        for (String segment : key.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return printable(key);
    }

    /** The root or a path that would be a valid key. */
    static boolean validNamespace(String namespace) {
        return "/".equals(namespace) || validKey(namespace);
    }

    /** 1 to 255 printable characters. */
    static boolean validId(String id) {
        return id != null && !id.isEmpty() && id.length() <= MAX_ID_LENGTH && printable(id);
    }

    /** Any well-formed text (control characters included) of at most {@code maxBytes} bytes of UTF-8. */
    static boolean validValue(String value, int maxBytes) {
        return value != null && wellFormed(value) && value.getBytes(StandardCharsets.UTF_8).length <= maxBytes;
    }

    /** The namespace a valid key lives in. */
    static String namespaceOf(String key) {
        int slash = key.lastIndexOf('/');
        return slash == 0 ? "/" : key.substring(0, slash);
    }

    static String nameOf(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    private static boolean printable(String text) {
        return wellFormed(text) && text.codePoints().noneMatch(Character::isISOControl);
    }

    private static boolean wellFormed(String text) {
        return text.codePoints().noneMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
    }
}
