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
        String note = kafka.reviveDead();
        int instance = 1 + random.nextInt(2);
        long start = System.nanoTime();
        kafka.instances().kill(instance);
        Thread.sleep(KafkaWorkload.SESSION_TIMEOUT.toMillis() + 4_000);
        try {
            kafka.instances().restart(instance);
        } catch (IllegalStateException e) {
            note = join(note, "not serving again: " + e.getMessage());
        }
        return new Event.Fault(
                Nemesis.Kind.KILL_ZK_INSTANCE.name(), "instance-" + instance, start, System.nanoTime(), dash(note));
    }

    /**
     * SIGKILL of the controller broker; its restart waits until its registration has gone with its session (Kafka
     * refuses to start on a registration of another session), then until it has started.
     */
    Event.Fault killController() throws Exception {
        Aim aim = aimAtController();
        if (aim == null) {
            return null;
        }
        int id = aim.id();
        KafkaBroker broker = kafka.broker(id);
        long start = System.nanoTime();
        broker.kill();
        String note = aim.note();
        try { // the kill happened: whatever fails from here on goes into the note, not out of the fault
            kafka.awaitUnregistered(id, Duration.ofSeconds(60));
            broker.start();
            broker.awaitStarted(BROKER_START);
        } catch (RuntimeException e) {
            note = join(note, "not started again: " + e.getMessage());
        }
        return new Event.Fault(
                Nemesis.Kind.KILL_KAFKA_CONTROLLER.name(), "kafka-" + id, start, System.nanoTime(), clean(note));
    }

    /**
     * SIGSTOP of the controller broker (a GC pause past its session) until another broker has become controller
     * under a higher epoch (at most a minute), then SIGCONT: the paused one learns it lost its session.
     */
    Event.Fault pauseController() throws Exception {
        Aim aim = aimAtController();
        if (aim == null) {
            return null;
        }
        int id = aim.id();
        int epoch = aim.epoch();
        KafkaBroker broker = kafka.broker(id);
        long start = System.nanoTime();
        String note = aim.note();
        broker.pause();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String moved = null;
            while (moved == null && System.nanoTime() < deadline) {
                Thread.sleep(250);
                moved = movedFrom(id, epoch);
            }
            note = join(note, moved == null ? "no other controller within 60 s" : moved);
        } finally {
            broker.resume();
        }
        return new Event.Fault(
                Nemesis.Kind.PAUSE_KAFKA_CONTROLLER.name(), "kafka-" + id, start, System.nanoTime(), clean(note));
    }

    /** The controller a fault aims at, the epoch read before it, and what was revived first. */
    private record Aim(int id, int epoch, String revived) {
        String note() {
            return join("epoch " + epoch, revived);
        }
    }

    /**
     * Starts any dead broker again, then reads the epoch and the controller (in that order: if the post moves in
     * between, the epoch is no newer than the controller's); null if there is no controller to aim at.
     */
    private Aim aimAtController() throws Exception {
        String revived = kafka.reviveDead();
        int epoch = kafka.controllerEpoch();
        int id = kafka.controller();
        return id < 0 ? null : new Aim(id, epoch, revived);
    }

    /** "-> E' under kafka-N" once another broker controls under a higher epoch; null until then or unreadable. */
    private String movedFrom(int id, int epoch) {
        try {
            int now = kafka.controllerNow();
            if (now < 0 || now == id) {
                return null;
            }
            int newer = kafka.controllerEpoch();
            return newer > epoch ? "-> " + newer + " under kafka-" + now : null;
        } catch (Exception e) {
            return null; // an instance or the ring slow: ask again
        }
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + ", " + b;
    }

    private static String dash(String note) {
        return note.isEmpty() ? "-" : clean(note);
    }

    /** A history field holds no tab nor line break. */
    private static String clean(String note) {
        return note.replaceAll("[\\t\\r\\n]", " ");
    }
}
