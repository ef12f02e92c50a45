package io.kafkacassandra.session;

/** A configuration value that cannot be used. The message names the key and the value (never a secret). */
public class SettingsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public SettingsException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The configuration key at fault. */
    public String key() {
        return key;
    }
}
