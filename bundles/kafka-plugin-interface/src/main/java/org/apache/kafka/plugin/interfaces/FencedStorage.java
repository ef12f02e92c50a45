package org.apache.kafka.plugin.interfaces;

import java.util.Optional;

/**
 * {@link VersionedStorage} whose writes a leader can fence with its {@link Leadership}, as Kafka's controller
 * conditions every ZooKeeper write on the controller epoch.
 *
 * <p>Each namespace (the parent path of a key; {@code /a/b} for {@code /a/b/c}) keeps, per service, the highest
 * epoch of a fenced write that reached it. A fenced write is checked against it in the same atomic step as the
 * write itself: it is refused with {@link FencedOutException}, and changes nothing, once a write fenced by a
 * newer epoch of the same service has reached that namespace, however long its writer was paused. A deposed
 * leader's fenced write can therefore land after its successor took the post, but never after its successor's
 * first fenced write (or {@link #fence}) in that namespace.
 *
 * <p>So a new leader calls {@link #fence} on each namespace it will write before it acts on what it reads
 * there, and fences every write that must not come from a deposed leader. Unfenced writes ignore fences.
 * Fences of different services are independent. Everything else is as in {@link VersionedStorage}.
 */
public interface FencedStorage extends VersionedStorage {
    /** Raises the fence of {@code namespace} to the epoch of {@code leadership} without writing a key. */
    void fence(String namespace, Leadership leadership);

    /** {@link #put(String, String)}, refused if a newer epoch of the leadership's service fenced the namespace. */
    void put(String key, String data, Leadership leadership);

    /** {@link #update(String, String)}, fenced like {@link #put(String, String, Leadership)}. */
    void update(String key, String data, Leadership leadership);

    /** {@link #compareAndSet(String, long, String)}, fenced like {@link #put(String, String, Leadership)}. */
    Optional<Long> compareAndSet(String key, long expectedVersion, String data, Leadership leadership);

    /** {@link #delete(String)}, fenced like {@link #put(String, String, Leadership)}. */
    boolean delete(String key, Leadership leadership);

    /** {@link #compareAndDelete(String, long)}, fenced like {@link #put(String, String, Leadership)}. */
    boolean compareAndDelete(String key, long expectedVersion, Leadership leadership);
}
