package io.kafkacassandra.broker;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaServer;
import kafka.zk.KafkaZkClient;
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
    /**
     * Starts and stops of this class loader's brokers not finished yet: a start waits for them, as Kafka's static
     * state (exit procedures, metrics) and the broker's ports and log directories are not to be shared.
     */
    private static final Set<CompletableFuture<Void>> UNFINISHED = ConcurrentHashMap.newKeySet();

    private final KafkaConfig config;
    private final ClassLoader kafkaLoader;
    /** Held by start() and close(); close() waits for it at most about SHUTDOWN_WAIT. */
    private final ReentrantLock lifecycle = new ReentrantLock();

    private KafkaServer server; // under lifecycle
    private volatile KafkaServer starting; // the server in startup(), for close() to end a start that is stuck
    private volatile Thread starter; // the thread in start(), read by Kafka's threads that ask to exit
    private volatile boolean closed;
    private volatile boolean interruptedByClose;
    /** How close() closes a stuck start's ZooKeeper client; tests replace it. */
    private final Consumer<KafkaZkClient> clientCloser;

    /** The start's client that a close() closed, if any (Kafka's exit procedure may run a second close()). */
    private final AtomicReference<KafkaZkClient> closedClient = new AtomicReference<>();

    /**
     * @param serverProperties the keys of Kafka's {@code server.properties}; refused at once if Kafka refuses them
     * @throws org.apache.kafka.common.config.ConfigException for a configuration Kafka refuses
     */
    public EmbeddedKafkaBroker(Properties serverProperties, ClassLoader kafkaLoader) {
        this(serverProperties, kafkaLoader, KafkaZkClient::close);
    }

    /** Tests only: {@code clientCloser} closes a stuck start's ZooKeeper client. */
    EmbeddedKafkaBroker(Properties serverProperties, ClassLoader kafkaLoader, Consumer<KafkaZkClient> clientCloser) {
        this.kafkaLoader = kafkaLoader;
        this.clientCloser = clientCloser;
        this.config = withContextLoader(() -> KafkaConfig.fromProps(serverProperties, false));
    }

    public int brokerId() {
        return config.brokerId();
    }

    /**
     * Starts the broker: registers it in ZooKeeper, opens its listeners; returns once it serves. A start that fails
     * (ZooKeeper not reachable within {@code zookeeper.connection.timeout.ms}, a log directory Kafka refuses, a
     * {@link #close()} meanwhile, an earlier broker of this class loader still stopping) leaves nothing running;
     * one that failed may be tried again.
     *
     * @throws IllegalStateException if the broker is running or closed
     */
    public void start() {
        awaitEarlierBrokers();
        lifecycle.lock();
        CompletableFuture<Void> done = unfinished();
        try {
            if (closed || server != null) {
                throw new IllegalStateException(
                        "broker " + brokerId() + (closed ? " is closed" : " was already started"));
            }
            // Installed here, not before: an earlier broker's lingering start or stop must not reach this one.
            Exit.setExitProcedure((status, message) -> refuseToEnd("exit", status, message));
            Exit.setHaltProcedure((status, message) -> refuseToEnd("halt", status, message));
            Exit.setShutdownHookAdder((name, hook) -> {}); // the container, not the JVM, stops the broker
            starter = Thread.currentThread();
            KafkaServer started;
            try {
                started = withContextLoader(() -> {
                    KafkaServer s = new KafkaServer(config, Time.SYSTEM, Option.empty(), false);
                    starting = s;
                    if (closed) { // close() set it before it could see this start
                        throw new IllegalStateException("broker " + brokerId() + " was closed while it started");
                    }
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
                starting = null; // from here close() leaves this start alone
            }
            if (closed) { // closed meanwhile (and its close() may have given up waiting): stopped here
                stop(started);
                throw new IllegalStateException("broker " + brokerId() + " was closed while it started");
            }
            server = started;
        } finally {
            starter = null;
            if (interruptedByClose) {
                Thread.interrupted(); // the caller's thread is not to stay interrupted
            }
            lifecycle.unlock();
            finished(done);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops the broker with a controlled shutdown (its leaderships move first), waiting at most
     * {@link #SHUTDOWN_WAIT}; a broker never started is only marked closed, so that no later {@link #start()} runs
     * it.
     *
     * <p>A start in progress is waited for, then stopped, unless its ZooKeeper is gone: Kafka retries its ZooKeeper
     * requests until ZooKeeper answers, so that start would never return. Such a start (its ZooKeeper client not
     * connected at two looks a second apart) is ended: its ZooKeeper client is closed, or, while it is still
     * connecting (or creating its chroot) and has no client to close, its thread is interrupted; no log has been
     * loaded then. A start still waiting for a connection a look after its client was closed is interrupted too:
     * see endStart. A start still running after {@link #SHUTDOWN_WAIT} is left: it stops its broker when it returns,
     * and the next broker's start waits for it.
     */
    @Override
    public void close() {
        closed = true;
        long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
        boolean interrupted = false;
        int lostLooks = 0;
        try {
            while (true) {
                try {
                    if (lifecycle.tryLock(1, TimeUnit.SECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // closing goes on; the flag is restored at the end
                    continue;
                }
                KafkaServer inStart = starting;
                lostLooks = inStart != null && zooKeeperLost(inStart) ? lostLooks + 1 : 0;
                if (lostLooks >= 2) {
                    endStart(inStart);
                }
                if (System.nanoTime() > deadline) {
                    LOG.error(
                            "Kafka broker {} is still starting or stopping after {} s; left to finish alone",
                            brokerId(),
                            SHUTDOWN_WAIT.toSeconds());
                    return;
                }
            }
            try {
                KafkaServer s = server;
                server = null;
                if (s != null) {
                    stop(s);
                }
            } finally {
                lifecycle.unlock();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Whether a start waits for a ZooKeeper it has lost. Before its client exists the start is connecting, or
     * creating its chroot with a client of its own: a healthy one takes milliseconds, so two looks a second apart
     * that find none mean it waits. ({@code zkClient} is a plain field of Kafka's, written by the starting thread:
     * a look may miss it, and the next one sees it.)
     */
    private static boolean zooKeeperLost(KafkaServer inStart) {
        KafkaZkClient zk = inStart.zkClient();
        return zk == null || !zk.currentZooKeeper().getState().isConnected();
    }

    /**
     * Ends a start that waits for a lost ZooKeeper: closes its client, whose closing fails the start's next request
     * or wakes its wait for a connection. Interrupts the start's thread instead while it has no client (it connects,
     * or creates its chroot with a client of its own), or if it still waits for a connection a look after its client
     * was closed: ZooKeeper's client delivers its Closed event before its state reads CLOSED, so Kafka's wait for a
     * connection, woken by that event, can still see the connection as alive, wait again, and never be woken after.
     * Anywhere else (loading its logs, say, which a closed client does not end) the start is left to finish.
     */
    private void endStart(KafkaServer inStart) {
        KafkaZkClient zk = inStart.zkClient();
        Thread thread = starter;
        if (zk != null && closedClient.getAndSet(zk) != zk) {
            LOG.warn(
                    "Kafka broker {} is closed while its start waits for a lost ZooKeeper: its ZooKeeper client is"
                            + " closed to end the start",
                    brokerId());
            try {
                withContextLoader(() -> {
                    clientCloser.accept(zk);
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.warn("Kafka broker {}: closing the ZooKeeper client of its start failed", brokerId(), e);
            }
        } else if (thread != null) {
            if (zk == null) {
                LOG.warn(
                        "Kafka broker {} is closed while it waits to reach ZooKeeper: its start is interrupted",
                        brokerId());
            } else {
                StackTraceElement[] stack = thread.getStackTrace();
                if (!waitsForConnection(stack)) {
                    return;
                }
                Throwable where = new Throwable("the start's thread, where it waits");
                where.setStackTrace(stack);
                LOG.warn(
                        "Kafka broker {}: its start still waits for a connection after its ZooKeeper client was"
                                + " closed: interrupted",
                        brokerId(),
                        where);
            }
            interruptedByClose = true;
            thread.interrupt();
        }
    }

    /** Whether a thread with this stack waits in Kafka's wait for a ZooKeeper connection. */
    static boolean waitsForConnection(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().startsWith("kafka.zookeeper.ZooKeeperClient")
                    && frame.getMethodName().contains("waitUntilConnected")) {
                return true;
            }
        }
        return false;
    }

    /** A controlled shutdown on a thread of its own, waited for at most SHUTDOWN_WAIT. */
    private void stop(KafkaServer s) {
        CompletableFuture<Void> done = unfinished();
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
                    } finally {
                        forgetMetrics();
                        finished(done);
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
        }
    }

    private static CompletableFuture<Void> unfinished() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        UNFINISHED.add(done);
        return done;
    }

    private static void finished(CompletableFuture<Void> done) {
        UNFINISHED.remove(done);
        done.complete(null);
    }

    /** Waits up to SHUTDOWN_WAIT for the starts and stops of earlier brokers (a restart after a timed-out stop). */
    private void awaitEarlierBrokers() {
        long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
        for (CompletableFuture<Void> earlier : List.copyOf(UNFINISHED)) {
            try {
                earlier.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("broker " + brokerId() + " not started: an earlier broker of this"
                        + " container is still starting or stopping after " + SHUTDOWN_WAIT.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("broker " + brokerId() + " not started: interrupted", e);
            } catch (ExecutionException e) {
                // never completed exceptionally
            }
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
