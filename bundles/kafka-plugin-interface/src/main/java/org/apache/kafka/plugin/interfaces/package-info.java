/**
 * KIP-30: pluggable coordination for Kafka brokers. The four high-level concerns that Kafka solved with
 * ZooKeeper, each behind its own interface: group membership ({@link GroupMembershipClient}), leader election
 * ({@link LeaderElectionClient}), key-value storage ({@link Storage}) and data-change listeners
 * ({@link ListenerRegistry}); a {@link PluginLocator} hands them to the broker.
 *
 * <p>The interfaces keep the names and the javadoc contract of the KIP (the Scala package {@code interface} is a
 * Java keyword, hence {@code interfaces}). The {@code Fenced}, {@code Versioned} and {@code LeaseAware}
 * extensions add what a coordination store needs to carry Kafka safely and what ZooKeeper, etcd and Curator
 * offer: fencing epochs, versions and compare-and-set, deletes, children, membership lease events.
 *
 * <p>Errors are unchecked and typed: {@link KeyExistsException}, {@link NoSuchKeyException},
 * {@link MemberIdConflictException}, {@link FencedOutException}, {@link StoreUnavailableException} (nothing
 * changed, retry) and {@link OutcomeUnknownException} (a write may have landed: read before acting), all under
 * {@link CoordinationException}; invalid arguments get an {@link IllegalArgumentException} that names the
 * argument and the rule it breaks.
 */
package org.apache.kafka.plugin.interfaces;
