package io.kafkacassandra.faults;

import io.kafkacassandra.launcher.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** One incarnation of a broker: a {@link BrokerMain} JVM. */
final class BrokerProcess {
    final String name;
    final String broker;
    final ChildJvm jvm;

    private BrokerProcess(String name, String broker, ChildJvm jvm) {
        this.name = name;
        this.broker = broker;
        this.jvm = jvm;
    }

    static BrokerProcess start(Path directory, Path pluginProperties, String broker, int incarnation, long seed) {
        String name = broker + "." + incarnation;
        Path history = directory.resolve(name + ".history");
        ChildJvm jvm = ChildJvm.start(
                name,
                List.of(
                        "-Xmx128m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-Dorg.slf4j.simpleLogger.showDateTime=true"),
                BrokerMain.class.getName(),
                List.of(pluginProperties.toString(), name, broker, history.toString(), Long.toString(seed)),
                directory.resolve(name + ".log"));
        return new BrokerProcess(name, broker, jvm);
    }

    void awaitLine(String expected, long timeoutMillis) throws InterruptedException {
        jvm.awaitLine(expected, Duration.ofMillis(timeoutMillis));
    }

    void send(String line) {
        jvm.send(line);
    }

    boolean isAlive() {
        return jvm.isAlive();
    }

    void kill() throws InterruptedException {
        jvm.kill();
    }

    void pause() {
        jvm.pause();
    }

    void resume() {
        jvm.resume();
    }

    boolean awaitExit(long timeoutMillis) throws InterruptedException {
        return jvm.awaitExit(Duration.ofMillis(timeoutMillis));
    }
}
