package io.kafkacassandra.listeners.osgi;

import io.kafkacassandra.listeners.ReconnectingListenerRegistry;
import io.kafkacassandra.session.CassandraConnection;
import org.apache.kafka.plugin.interfaces.ListenerRegistry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** The listener registry service; its registrations survive a replaced Cassandra session. */
@Component(service = ListenerRegistry.class, immediate = true)
public final class ListenerRegistryComponent extends ReconnectingListenerRegistry {
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
