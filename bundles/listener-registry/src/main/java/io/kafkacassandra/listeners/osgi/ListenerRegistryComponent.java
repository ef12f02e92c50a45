package io.kafkacassandra.listeners.osgi;

import io.kafkacassandra.listeners.ReconnectingListenerRegistry;
import io.kafkacassandra.session.osgi.FollowingServiceComponent;
import org.apache.kafka.plugin.interfaces.ListenerRegistry;
import org.osgi.service.component.annotations.Component;

/** Registers a {@link ReconnectingListenerRegistry}: its registrations survive a replaced Cassandra session. */
@Component(
        service = {},
        immediate = true)
public final class ListenerRegistryComponent extends FollowingServiceComponent {
    public ListenerRegistryComponent() {
        super(new ReconnectingListenerRegistry(), ListenerRegistry.class);
    }
}
