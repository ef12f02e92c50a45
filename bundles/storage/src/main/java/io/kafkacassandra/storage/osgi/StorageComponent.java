package io.kafkacassandra.storage.osgi;

import io.kafkacassandra.session.osgi.FollowingServiceComponent;
import io.kafkacassandra.storage.ReconnectingStorage;
import org.apache.kafka.plugin.interfaces.FencedStorage;
import org.apache.kafka.plugin.interfaces.Storage;
import org.apache.kafka.plugin.interfaces.VersionedStorage;
import org.osgi.service.component.annotations.Component;

/**
 * Registers a {@link ReconnectingStorage}: it follows the Cassandra session as it is replaced and stays
 * registered meanwhile.
 */
@Component(
        service = {},
        immediate = true)
public final class StorageComponent extends FollowingServiceComponent {
    public StorageComponent() {
        super(new ReconnectingStorage(), Storage.class, VersionedStorage.class, FencedStorage.class);
    }
}
