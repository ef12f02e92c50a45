package io.kafkacassandra.zookeeper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Random and mutated frames thrown at a running instance (a randomized property test, reproducible from the
 * printed seed, {@code -Dhostile.seed=S}): whatever a connection sends, the instance answers it as ZooKeeper does
 * or drops that connection, and a well-behaved client connected meanwhile keeps its session and gets every answer.
 */
class HostileFramesTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static final int TRIES = 300;

    private enum Kind {
        RANDOM_BYTES,
        HUGE_LENGTH,
        NEGATIVE_LENGTH,
        TRUNCATED_HANDSHAKE,
        FLIPPED_HANDSHAKE,
        REQUEST_BEFORE_HANDSHAKE,
        RANDOM_REQUEST_AFTER_HANDSHAKE,
        FOUR_LETTERS
    }

    private static CqlSession session;
    private static ZooKeeperService service;

    @BeforeAll
    static void start() {
        CassandraSettings settings = TestKeyspaces.settings(CASSANDRA.cluster()).build();
        session = TestKeyspaces.open(settings);
        service = ZooKeeperService.start(
                session, settings, ZooKeeperSettings.defaults().withClientPort(0));
    }

    @AfterAll
    static void stop() {
        service.close();
        session.close();
    }

    @Test
    void noFrameHarmsTheServerOrAnotherSession() throws Exception {
        long seed = Long.getLong("hostile.seed", System.nanoTime());
        System.out.println("HostileFramesTest seed " + seed);
        Random random = new Random(seed);
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper good = new ZooKeeper(service.connectString(), 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        try {
            assertTrue(connected.await(30, TimeUnit.SECONDS));
            long sessionId = good.getSessionId();
            good.create("/good", bytes("0"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            Map<Kind, Integer> sent = new EnumMap<>(Kind.class);
            for (int i = 1; i <= TRIES; i++) {
                Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
                sent.merge(kind, 1, Integer::sum);
                throwAt(kind, random);
                if (i % 25 == 0) {
                    good.setData("/good", bytes(Integer.toString(i)), -1);
                    assertArrayEquals(
                            bytes(Integer.toString(i)),
                            good.getData("/good", false, null),
                            "seed " + seed + ", after " + i + " frames");
                }
            }
            assertEquals(sessionId, good.getSessionId());
            assertEquals(ZooKeeper.States.CONNECTED, good.getState());
            assertEquals("imok", fourLetters("ruok"));
            System.out.println("HostileFramesTest sent " + sent);
        } finally {
            good.close();
        }
    }

    private static void throwAt(Kind kind, Random random) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(service.address(), 5000);
            socket.setSoTimeout(50);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] handshake = frame(new ConnectRequest(0, 0, 4000, 0, new byte[16]));
            switch (kind) {
                case RANDOM_BYTES -> out.write(randomBytes(random, 1 + random.nextInt(200)));
                case HUGE_LENGTH -> out.write(withLength(Integer.MAX_VALUE - random.nextInt(1000), random));
                case NEGATIVE_LENGTH -> out.write(withLength(-1 - random.nextInt(1000), random));
                case TRUNCATED_HANDSHAKE -> out.write(Arrays.copyOf(handshake, random.nextInt(handshake.length)));
                case FLIPPED_HANDSHAKE -> {
                    byte[] flipped = handshake.clone();
                    for (int f = 0; f <= random.nextInt(4); f++) {
                        flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                    out.write(flipped);
                }
                case REQUEST_BEFORE_HANDSHAKE ->
                    out.write(request(ZooDefs.OpCode.getData, new GetDataRequest("/good", false)));
                case RANDOM_REQUEST_AFTER_HANDSHAKE -> {
                    out.write(handshake);
                    drain(in);
                    int type = random.nextBoolean() ? random.nextInt(120) - 12 : random.nextInt();
                    ByteArrayOutputStream body = new ByteArrayOutputStream();
                    DataOutputStream data = new DataOutputStream(body);
                    data.writeInt(random.nextInt(1000)); // xid
                    data.writeInt(type);
                    data.write(randomBytes(random, random.nextInt(64)));
                    out.write(lengthPrefixed(body.toByteArray()));
                }
                case FOUR_LETTERS -> out.write(randomLetters(random).getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            drain(in);
        } catch (IOException closedByServer) {
            // the server dropped the connection: one of the two acceptable answers
        }
    }

    private static String fourLetters(String word) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(service.address(), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // whatever the server answers
            }
        } catch (SocketTimeoutException quiet) {
            // nothing more for now
        }
    }

    private static byte[] frame(Record record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        record.serialize(BinaryOutputArchive.getArchive(bytes), "request");
        return lengthPrefixed(bytes.toByteArray());
    }

    private static byte[] request(int type, Record body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryOutputArchive archive = BinaryOutputArchive.getArchive(bytes);
        new RequestHeader(1, type).serialize(archive, "header");
        body.serialize(archive, "request");
        return lengthPrefixed(bytes.toByteArray());
    }

    private static byte[] lengthPrefixed(byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(body.length);
        out.write(body);
        return bytes.toByteArray();
    }

    private static byte[] withLength(int length, Random random) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(length);
        out.write(randomBytes(random, random.nextInt(32)));
        return bytes.toByteArray();
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String randomLetters(Random random) {
        String[] words = {"ruok", "srvr", "stat", "conf", "cons", "mntr", "envi", "dump", "wchp", "kill"};
        if (random.nextBoolean()) {
            return words[random.nextInt(words.length)];
        }
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            c[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(c);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
