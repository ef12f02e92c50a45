package io.kafkacassandra.launcher.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Reads what the brokers wrote to the ZooKeeper service, as an operator's zkCli would. A session that expired (a
 * long stall of the service under faults) is replaced by a new one at the next read.
 */
public final class ZooKeeperReader implements AutoCloseable {
    private static final Pattern BROKER_ID = Pattern.compile("\"brokerid\"\\s*:\\s*(\\d+)");

    private final String connectString;
    private ZooKeeper zookeeper;
    private boolean closed;

    public ZooKeeperReader(String connectString) throws Exception {
        this.connectString = connectString;
        this.zookeeper = connect(connectString);
    }

    private static ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper client = new ZooKeeper(connectString, 30_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(60, TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException("cannot connect to " + connectString);
        }
        return client;
    }

    /** The client, a new one if the session of the last one expired (ZooKeeper's client then stays closed). */
    private synchronized ZooKeeper client() throws Exception {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (!zookeeper.getState().isAlive()) {
            zookeeper.close();
            zookeeper = connect(connectString);
        }
        return zookeeper;
    }

    /** The id of this reader's session (of a new one if the last expired). */
    public long sessionId() throws Exception {
        return client().getSessionId();
    }

    public List<String> children(String path) throws Exception {
        return synced(path).getChildren(path, false);
    }

    /**
     * The client, its instance caught up with every write acknowledged before (the brokers may be on another), for
     * the read that follows: on the same session, so that it is no older than the sync.
     */
    private ZooKeeper synced(String path) throws Exception {
        ZooKeeper client = client();
        CountDownLatch synced = new CountDownLatch(1);
        AtomicInteger code = new AtomicInteger();
        client.sync(
                path,
                (rc, p, ctx) -> {
                    code.set(rc);
                    synced.countDown();
                },
                null);
        if (!synced.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no answer to sync within 30 s");
        }
        if (code.get() != KeeperException.Code.OK.intValue()) {
            throw KeeperException.create(KeeperException.Code.get(code.get()), path);
        }
        return client;
    }

    public Stat stat(String path) throws Exception {
        Stat stat = statOrNull(path);
        if (stat == null) {
            throw new IllegalStateException(path + " does not exist");
        }
        return stat;
    }

    public Stat statOrNull(String path) throws Exception {
        return synced(path).exists(path, false);
    }

    public boolean exists(String path) throws Exception {
        return statOrNull(path) != null;
    }

    /** The broker id in {@code /controller}, or null while there is no controller. */
    public Integer controllerOrNull() throws Exception {
        try {
            String data = new String(synced("/controller").getData("/controller", false, null), StandardCharsets.UTF_8);
            Matcher m = BROKER_ID.matcher(data);
            if (!m.find()) {
                throw new IllegalStateException("unexpected /controller: " + data);
            }
            return Integer.parseInt(m.group(1));
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    public int controller() throws Exception {
        Integer id = controllerOrNull();
        if (id == null) {
            throw new IllegalStateException("no controller");
        }
        return id;
    }

    public int controllerEpoch() throws Exception {
        return Integer.parseInt(new String(
                        synced("/controller_epoch").getData("/controller_epoch", false, null), StandardCharsets.UTF_8)
                .trim());
    }

    @Override
    public synchronized void close() {
        closed = true;
        try {
            zookeeper.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
