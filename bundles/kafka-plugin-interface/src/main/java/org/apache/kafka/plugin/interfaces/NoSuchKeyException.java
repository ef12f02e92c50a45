package org.apache.kafka.plugin.interfaces;

/** {@link Storage#update} (or another call that needs the key) of a key that does not exist. */
public class NoSuchKeyException extends CoordinationException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public NoSuchKeyException(String key) {
        super("no such key: " + key);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
