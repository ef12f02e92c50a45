package io.kafkacassandra.session.internal;

/**
 * A validated storage key: a {@code /}-separated absolute path such as {@code /brokers/topics/orders}. Its
 * namespace is the parent path ({@code /brokers/topics}) and its name the last segment ({@code orders}).
 *
 * <p>Rules, each enforced with an {@link IllegalArgumentException} that names the rule: starts with {@code /};
 * is not {@code /} itself; no empty segment ({@code //}), no trailing {@code /}; no {@code .} or {@code ..}
 * segment; no control character; well-formed UTF-16 (no lone surrogate, which could not be stored); at most
 * {@value #MAX_LENGTH} characters.
 */
public record KeyPath(String namespace, String name) {
    public static final int MAX_LENGTH = 1024;

    /** Parses and validates a key. */
    public static KeyPath of(String key) {
        checkPath("key", key);
        if (key.equals("/")) {
            throw new IllegalArgumentException("key must name an entry below a namespace, '/' is the root namespace");
        }
        int slash = key.lastIndexOf('/');
        return new KeyPath(slash == 0 ? "/" : key.substring(0, slash), key.substring(slash + 1));
    }

    /** Validates a namespace: the root {@code /} or a path with the same rules as a key. */
    public static String namespace(String namespace) {
        checkPath("namespace", namespace);
        return namespace;
    }

    /** The key this path stands for. */
    public String key() {
        return namespace.equals("/") ? "/" + name : namespace + "/" + name;
    }

    private static void checkPath(String what, String path) {
        if (path == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (path.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    what + " is longer than " + MAX_LENGTH + " characters: " + Text.preview(path));
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException(what + " must start with '/': " + Text.preview(path));
        }
        if (path.equals("/")) {
            return;
        }
        if (path.endsWith("/")) {
            throw new IllegalArgumentException(what + " must not end with '/': " + Text.preview(path));
        }
        Text.requirePrintable(what, path);
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException(what + " has an empty segment ('//'): " + Text.preview(path));
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(what + " has a '" + segment + "' segment: " + Text.preview(path));
            }
        }
    }
}
