package io.kafkacassandra.shell;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** Looks up the kafka-cassandra services by their {@code service} / {@code group} property. */
final class Services {
    private Services() {
    }

    /** Every service of {@code type}, by the value of {@code property}. */
    static <T> Map<String, T> byProperty(BundleContext context, Class<T> type, String property) {
        Map<String, T> found = new TreeMap<>();
        for (ServiceReference<T> ref : references(context, type, null)) {
            Object name = ref.getProperty(property);
            T service = context.getService(ref);
            if (name != null && service != null) {
                found.put(name.toString(), service);
            }
        }
        return found;
    }

    static <T> T one(BundleContext context, Class<T> type) {
        ServiceReference<T> ref = context.getServiceReference(type);
        T service = ref == null ? null : context.getService(ref);
        if (service == null) {
            throw new IllegalStateException("no " + type.getSimpleName() + " service: is the feature kafka-cassandra"
                    + " installed and its configuration (io.kafkacassandra.cassandra) valid? See kafka-cassandra:status");
        }
        return service;
    }

    private static <T> List<ServiceReference<T>> references(BundleContext context, Class<T> type, String filter) {
        try {
            Collection<ServiceReference<T>> refs = context.getServiceReferences(type, filter);
            return new ArrayList<>(refs);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
