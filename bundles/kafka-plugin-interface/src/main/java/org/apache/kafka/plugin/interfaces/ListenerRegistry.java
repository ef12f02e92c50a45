package org.apache.kafka.plugin.interfaces;

/** A registry for async data change notifications. */
public interface ListenerRegistry {
    /**
     * Register permanent callback for data change event.
     *
     * @param key           the listenable data identifier
     * @param eventListener see {@link ValueChangeListener}
     */
    void addValueChangeListener(String key, ValueChangeListener eventListener);

    /**
     * Deregister permanent callback for data change event.
     *
     * @param key           the listenable data identifier
     * @param eventListener see {@link ValueChangeListener}
     */
    void removeValueChangeListener(String key, ValueChangeListener eventListener);

    /**
     * Register permanent callback for key-set change event.
     *
     * @param namespace     the listenable key-set identifier (e.g. parent path in Zookeeper, table name in Database etc)
     * @param eventListener see {@link KeySetChangeListener}
     */
    void addKeySetChangeListener(String namespace, KeySetChangeListener eventListener);

    /**
     * Deregister permanent callback for key-set change event.
     *
     * @param namespace     the listenable key-set identifier (e.g. parent path in Zookeeper, table name in Database etc)
     * @param eventListener see {@link KeySetChangeListener}
     */
    void removeKeySetChangeListener(String namespace, KeySetChangeListener eventListener);

    /**
     * Setup everything needed for concrete implementation.
     *
     * @param context implementation specific; see the implementation's documentation for what it accepts
     */
    void init(Object context);

    /** Release all acquired resources. */
    void close();
}
