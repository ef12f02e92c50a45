package org.apache.kafka.plugin.interfaces;

/** {@link Storage#put} of a key that already exists. */
public class KeyExistsException extends CoordinationException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public KeyExistsException(String key) {
        super("key already exists: " + key);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
