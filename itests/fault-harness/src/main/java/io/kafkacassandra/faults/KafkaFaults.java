package io.kafkacassandra.faults;

import io.kafkacassandra.launcher.kafka.KafkaBroker;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The nemesis's faults of the Kafka workload. A random of its own, so that a seed aims the other faults where it
 * did before the Kafka workload existed.
 */
final class KafkaFaults {
    private static final Duration BROKER_START = Duration.ofSeconds(180);

    private final KafkaWorkload kafka;
    private final Random random;

    KafkaFaults(KafkaWorkload kafka, long seed) {
        this.kafka = kafka;
        this.random = new Random(seed ^ 0x6b61666b61L);
    }

    /**
     * SIGKILL of one service instance, held a session timeout and 4 s (long enough for every session it served to
     * expire, were sessions tied to it), then a restart. The clients move to the other instance.
     */
    Event.Fault killInstance() throws InterruptedException {
        int instance = 1 + random.nextInt(2);
        long start = System.nanoTime();
        kafka.instances().kill(instance);
        Thread.sleep(KafkaWorkload.SESSION_TIMEOUT.toMillis() + 4_000);
        kafka.instances().restart(instance);
        return new Event.Fault(
                Nemesis.Kind.KILL_ZK_INSTANCE.name(), "instance-" + instance, start, System.nanoTime(), "-");
    }

    /**
     * SIGKILL of the controller broker; its restart waits until its registration has gone with its session (Kafka
     * refuses to start on a registration of another session), then until it has started.
     */
    Event.Fault killController() throws Exception {
        int id = kafka.controller();
        if (id < 0) {
            return null;
        }
        int epoch = kafka.controllerEpoch();
        KafkaBroker broker = kafka.broker(id);
        long start = System.nanoTime();
        broker.kill();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (registered(id) && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        broker.start();
        String note = "epoch " + epoch;
        try {
            broker.awaitStarted(BROKER_START);
        } catch (IllegalStateException e) {
            note += ", not started again within " + BROKER_START.toSeconds() + " s";
        }
        return new Event.Fault(
                Nemesis.Kind.KILL_KAFKA_CONTROLLER.name(), "kafka-" + id, start, System.nanoTime(), note);
    }

    /**
     * SIGSTOP of the controller broker (a GC pause past its session) until another broker has become controller
     * under a higher epoch (at most a minute), then SIGCONT: the paused one learns it lost its session.
     */
    Event.Fault pauseController() throws Exception {
        int id = kafka.controller();
        if (id < 0) {
            return null;
        }
        int epoch = kafka.controllerEpoch();
        KafkaBroker broker = kafka.broker(id);
        long start = System.nanoTime();
        String note = "epoch " + epoch;
        broker.pause();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                Integer now = controllerOrNull();
                if (now != null && now != id) {
                    int newer = kafka.controllerEpoch();
                    if (newer > epoch) {
                        note += " -> " + newer + " under kafka-" + now;
                        break;
                    }
                }
                Thread.sleep(250);
            }
        } finally {
            broker.resume();
        }
        return new Event.Fault(
                Nemesis.Kind.PAUSE_KAFKA_CONTROLLER.name(), "kafka-" + id, start, System.nanoTime(), note);
    }

    private boolean registered(int id) {
        try {
            return kafka.registered(id);
        } catch (Exception e) {
            return true; // cannot tell yet: ask again
        }
    }

    private Integer controllerOrNull() {
        try {
            int id = kafka.controllerNow();
            return id < 0 ? null : id;
        } catch (Exception e) {
            return null;
        }
    }
}
