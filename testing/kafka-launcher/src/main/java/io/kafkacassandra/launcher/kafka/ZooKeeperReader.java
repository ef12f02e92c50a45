package io.kafkacassandra.launcher.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/** Reads what the brokers wrote to the ZooKeeper service, as an operator's zkCli would. */
public final class ZooKeeperReader implements AutoCloseable {
    private static final Pattern BROKER_ID = Pattern.compile("\"brokerid\"\\s*:\\s*(\\d+)");

    private final ZooKeeper zookeeper;

    public ZooKeeperReader(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        zookeeper = new ZooKeeper(connectString, 30_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(60, TimeUnit.SECONDS)) {
            zookeeper.close();
            throw new IllegalStateException("cannot connect to " + connectString);
        }
    }

    public long sessionId() {
        return zookeeper.getSessionId();
    }

    public List<String> children(String path) throws Exception {
        sync(path);
        return zookeeper.getChildren(path, false);
    }

    /** Catches this client's instance up with every write acknowledged before: the brokers may be on another. */
    private void sync(String path) throws InterruptedException {
        CountDownLatch synced = new CountDownLatch(1);
        zookeeper.sync(path, (rc, p, ctx) -> synced.countDown(), null);
        if (!synced.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no answer to sync within 30 s");
        }
    }

    public Stat stat(String path) throws Exception {
        Stat stat = statOrNull(path);
        if (stat == null) {
            throw new IllegalStateException(path + " does not exist");
        }
        return stat;
    }

    public Stat statOrNull(String path) throws Exception {
        sync(path);
        return zookeeper.exists(path, false);
    }

    public boolean exists(String path) throws Exception {
        return statOrNull(path) != null;
    }

    /** The broker id in {@code /controller}, or null while there is no controller. */
    public Integer controllerOrNull() throws Exception {
        try {
            sync("/controller");
            String data = new String(zookeeper.getData("/controller", false, null), StandardCharsets.UTF_8);
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
        sync("/controller_epoch");
        return Integer.parseInt(
                new String(zookeeper.getData("/controller_epoch", false, null), StandardCharsets.UTF_8).trim());
    }

    @Override
    public void close() {
        try {
            zookeeper.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
