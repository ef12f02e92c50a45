package io.kafkacassandra.session.internal;

/** The KIP's {@code init(context)}: the services are configured by their constructors and take no context. */
public final class Contexts {
    private Contexts() {}

    public static void requireNone(Object context, Object service) {
        if (context != null) {
            throw new IllegalArgumentException(service.getClass().getSimpleName() + " is configured by its"
                    + " constructor; init takes no context (null), got "
                    + context.getClass().getName());
        }
    }
}
