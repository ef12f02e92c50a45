package io.kafkacassandra.session.internal;

import io.kafkacassandra.session.CassandraSettings;
import java.nio.charset.StandardCharsets;

/** Checks on the strings callers hand the services: ids, names and values. */
public final class Text {
    /** Longest member id, candidate id, group or service name. */
    public static final int MAX_ID_LENGTH = 255;

    private Text() {}

    /**
     * Validates an id or a name: 1 to {@value #MAX_ID_LENGTH} characters, no control character, well-formed
     * UTF-16.
     */
    public static String id(String what, String id) {
        if (id == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(
                    what + " must have 1 to " + MAX_ID_LENGTH + " characters, had " + id.length() + ": " + preview(id));
        }
        requirePrintable(what, id);
        return id;
    }

    /**
     * Validates a stored value: not null, well-formed UTF-16 (a lone surrogate would be silently replaced when
     * encoded, so the value read back would differ), at most {@code maxBytes} bytes of UTF-8. Control
     * characters are allowed: values are opaque text.
     */
    public static String value(String what, String value, int maxBytes) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null (use delete to remove a key)");
        }
        requireWellFormed(what, value);
        // Cheap bound first: UTF-8 needs at most 3 bytes per UTF-16 unit.
        if ((long) value.length() * 3 > maxBytes) {
            int bytes = value.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxBytes) {
                throw new IllegalArgumentException(what + " is " + bytes + " bytes of UTF-8, more than the limit of "
                        + maxBytes + " (" + CassandraSettings.MAX_VALUE_BYTES + ")");
            }
        }
        return value;
    }

    static void requirePrintable(String what, String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw new IllegalArgumentException(what + " contains the control character U+"
                        + String.format("%04X", (int) text.charAt(i)) + " at index " + i + ": " + preview(text));
            }
        }
        requireWellFormed(what, text);
    }

    private static void requireWellFormed(String what, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " contains a lone surrogate U+"
                        + String.format("%04X", (int) c) + " at index " + i + ": it cannot be stored as UTF-8");
            }
        }
    }

    /** A short, printable rendering of a possibly long or hostile string, for error messages. */
    public static String preview(String text) {
        StringBuilder sb = new StringBuilder("'");
        int limit = Math.min(text.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('\'');
        if (text.length() > limit) {
            sb.append("... (").append(text.length()).append(" characters)");
        }
        return sb.toString();
    }
}
