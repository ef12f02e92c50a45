package io.kafkacassandra.storage.osgi;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.storage.ReconnectingStorage;
import org.apache.kafka.plugin.interfaces.FencedStorage;
import org.apache.kafka.plugin.interfaces.Storage;
import org.apache.kafka.plugin.interfaces.VersionedStorage;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** The storage service; it follows the Cassandra session as it is replaced and stays registered meanwhile. */
@Component(service = {Storage.class, VersionedStorage.class, FencedStorage.class}, immediate = true)
public final class StorageComponent extends ReconnectingStorage {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindConnection(CassandraConnection connection) {
        connect(connection);
    }

    void unbindConnection(CassandraConnection connection) {
        disconnect(connection);
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
