package io.kafkacassandra.broker;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import kafka.server.KafkaConfig;
import kafka.server.KafkaServer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.metrics.KafkaYammerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * A released Kafka broker (ZooKeeper mode, {@link KafkaServer}) in this JVM, as {@code kafka.Kafka} runs it, but
 * without owning the process: Kafka's calls to exit or halt the JVM stop this broker instead (or fail the start in
 * progress), and are logged; no JVM shutdown hook is added.
 *
 * <p>Kafka keeps static state (the exit procedures, the Yammer metrics registry), so there is one broker per class
 * loader: in Karaf, per bundle, whose private class path holds Kafka. Kafka loads configured classes through the
 * thread context class loader and its threads inherit the creator's, so every call into Kafka runs with
 * {@code kafkaLoader} as context loader.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    /** How long {@link #close()} waits for Kafka's shutdown, which can wait for ever for a ZooKeeper that is gone. */
    static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);

    private final KafkaConfig config;
    private final ClassLoader kafkaLoader;
    private KafkaServer server;
    private volatile Thread starter; // the thread in start(), read by Kafka's threads that ask to exit
    private boolean closed;

    /**
     * @param serverProperties the keys of Kafka's {@code server.properties}; refused at once if Kafka refuses them
     * @throws org.apache.kafka.common.config.ConfigException for a configuration Kafka refuses
     */
    public EmbeddedKafkaBroker(Properties serverProperties, ClassLoader kafkaLoader) {
        this.kafkaLoader = kafkaLoader;
        this.config = withContextLoader(() -> KafkaConfig.fromProps(serverProperties, false));
        Exit.setExitProcedure((status, message) -> refuseToEnd("exit", status, message));
        Exit.setHaltProcedure((status, message) -> refuseToEnd("halt", status, message));
        Exit.setShutdownHookAdder((name, hook) -> {}); // the container, not the JVM, stops the broker
    }

    public int brokerId() {
        return config.brokerId();
    }

    /**
     * Starts the broker: registers it in ZooKeeper, opens its listeners; returns once it serves. A start that fails
     * (ZooKeeper not reachable within {@code zookeeper.connection.timeout.ms}, a log directory Kafka refuses) leaves
     * nothing running and may be tried again.
     *
     * @throws IllegalStateException if the broker is running or closed
     */
    public synchronized void start() {
        if (closed || server != null) {
            throw new IllegalStateException("broker " + brokerId() + (closed ? " is closed" : " was already started"));
        }
        starter = Thread.currentThread();
        try {
            server = withContextLoader(() -> {
                KafkaServer s = new KafkaServer(config, Time.SYSTEM, Option.empty(), false);
                try {
                    s.startup();
                } catch (RuntimeException | Error e) {
                    try {
                        s.shutdown(); // already done by startup's own failure path; a no-op then
                    } catch (RuntimeException | Error again) {
                        e.addSuppressed(again);
                    }
                    throw e;
                }
                return s;
            });
        } catch (RuntimeException | Error e) {
            forgetMetrics();
            throw e;
        } finally {
            starter = null;
        }
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Stops the broker with a controlled shutdown (its leaderships move first), waiting at most
     * {@link #SHUTDOWN_WAIT}; a broker never started is only marked closed, so that no later {@link #start()} runs
     * it.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (server == null) {
            return;
        }
        KafkaServer s = server;
        server = null;
        Thread stopping = new Thread(
                () -> {
                    try {
                        withContextLoader(() -> {
                            s.shutdown();
                            s.awaitShutdown();
                            return null;
                        });
                    } catch (RuntimeException | Error e) {
                        LOG.error("Kafka broker {} failed to shut down", brokerId(), e);
                    }
                },
                "kafka-cassandra-broker-" + brokerId() + "-shutdown");
        stopping.setDaemon(true);
        stopping.start();
        try {
            stopping.join(SHUTDOWN_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopping.isAlive()) {
            LOG.error(
                    "Kafka broker {} did not shut down within {} s (its ZooKeeper may be gone); left to finish alone",
                    brokerId(),
                    SHUTDOWN_WAIT.toSeconds());
        } else {
            forgetMetrics();
        }
    }

    /**
     * Kafka registers some gauges (the {@code KafkaServer} type's) once per registry and never removes them: a next
     * start would report these. The {@code Delayed*} meters are kept: Scala objects hold them for the class loader's
     * life, and a removed meter would stay stopped.
     */
    private static void forgetMetrics() {
        var registry = KafkaYammerMetrics.defaultRegistry();
        registry.allMetrics().keySet().stream()
                .filter(name -> !name.getType().startsWith("Delayed"))
                .toList()
                .forEach(registry::removeMetric);
    }

    private void refuseToEnd(String what, int status, String message) {
        boolean failsTheStart = Thread.currentThread() == starter;
        LOG.error(
                "Kafka broker {} asked to {} the JVM with status {} ({}); {} instead",
                brokerId(),
                what,
                status,
                message,
                failsTheStart ? "failing its start" : "stopping the broker");
        if (!failsTheStart) { // from another thread (a failed log directory, say): close waits for a start, if any
            Thread stopper = new Thread(this::close, "kafka-cassandra-broker-" + brokerId() + "-stop");
            stopper.setDaemon(true);
            stopper.start();
        }
        throw new IllegalStateException("broker " + brokerId() + ": " + message);
    }

    private <T> T withContextLoader(Callable<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(kafkaLoader);
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
