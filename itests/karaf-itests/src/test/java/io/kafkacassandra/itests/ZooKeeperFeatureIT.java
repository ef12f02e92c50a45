package io.kafkacassandra.itests;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.EnumSet;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The feature kafka-cassandra-zookeeper in a Karaf of its own: installed, it serves ZooKeeper clients on the
 * configured port from the Cassandra connection of kafka-cassandra-core, its health is on JMX and in
 * kafka-cassandra:status, and kafka-cassandra:zk shows its tree; a new port in its configuration moves it there
 * without a restart; uninstalled, it stops serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ZooKeeperFeatureIT extends KarafTestSupport {
    private static final String ZK_PID = "io.kafkacassandra.zookeeper";
    // chosen where config() runs (outside Karaf); the test reads it back from the configuration inside Karaf
    private static final int PORT = freePort();

    @Configuration
    @Override
    public Option[] config() {
        Option[] base = super.config();
        Option[] all = java.util.Arrays.copyOf(base, base.length + 2);
        all[base.length + 1] = editConfigurationFilePut("etc/" + ZK_PID + ".cfg", "tickTime", "2000");
        // before the feature's own configuration file is installed, which then leaves it as it is
        all[base.length] = editConfigurationFilePut("etc/" + ZK_PID + ".cfg", "clientPort", Integer.toString(PORT));
        return options(all);
    }

    @Test
    public void theFeatureServesZooKeeperClientsAndFollowsItsConfiguration() throws Exception {
        features.installFeature("kafka-cassandra-zookeeper", EnumSet.noneOf(FeaturesService.Option.class));
        org.osgi.service.cm.Configuration configuration = configurationAdmin.getConfiguration(ZK_PID, "?");
        int port =
                Integer.parseInt(configuration.getProperties().get("clientPort").toString());
        awaitWord(port, "ruok", "imok");
        assertTrue(fourLetters(port, "srvr").contains("Zookeeper version: 3.8.4"));

        String status = awaitCommand("kafka-cassandra:zk status"); // the port opens just before start() returns
        assertTrue(status, status.contains("serving on 127.0.0.1:" + port) && status.contains("last zxid 0x"));
        String ls = execute("kafka-cassandra:zk ls /");
        assertTrue(ls, ls.lines().anyMatch("zookeeper"::equals));
        String stat = execute("kafka-cassandra:zk stat /zookeeper");
        assertTrue(stat, stat.contains("czxid = 0x0") && stat.contains("numChildren = "));
        String missing = failure("kafka-cassandra:zk get /no/such/node");
        assertTrue(missing, missing.contains("no node /no/such/node"));
        String bad = failure("kafka-cassandra:zk ls no-slash");
        assertTrue(bad, bad.contains("Path must start with / character"));
        String health = execute("kafka-cassandra:status");
        assertTrue(health, health.contains("Health of ZooKeeper zookeeper: "));

        int moved = freePort();
        Dictionary<String, Object> properties = configuration.getProperties();
        properties.put("clientPort", Integer.toString(moved));
        configuration.update(properties);
        awaitWord(moved, "ruok", "imok");
        awaitClosed(port);

        features.uninstallFeature("kafka-cassandra-zookeeper");
        awaitClosed(moved);
    }

    /** Runs the command until it succeeds, at most {@link #WAIT_MS}; what it printed. */
    private String awaitCommand(String command) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (true) {
            try {
                return execute(command);
            } catch (IllegalStateException notYet) {
                if (System.currentTimeMillis() > deadline) {
                    throw notYet;
                }
                Thread.sleep(200);
            }
        }
    }

    /** What a command that must fail said (Karaf's session hands the command's exception to its caller). */
    private String failure(String command) {
        try {
            return "no failure: " + execute(command);
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static void awaitWord(int port, String word, String answer) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        String last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                last = fourLetters(port, word);
                if (last.equals(answer)) {
                    return;
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(200);
        }
        fail("port " + port + " did not answer " + word + " with " + answer + " within " + WAIT_MS + " ms: " + last);
    }

    private static String fourLetters(int port, String word) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
