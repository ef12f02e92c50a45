package io.kafkacassandra.zookeeper.internal;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.server.SessionTracker;

/**
 * ZooKeeper's sessions as this instance sees them. Which sessions exist is what the log says: a session exists
 * from its {@code createSession} transaction ({@link #commitSession}) to its {@code closeSession}
 * ({@link #removeSession}), on every instance alike (the map is the database's, so snapshots carry it). Whether a
 * session is alive is not decided here: the instance its client is connected to keeps a row in
 * {@code zk_sessions} ({@link SessionLeases}), and the one elected reaper closes sessions whose row has expired.
 * So this tracker expires nothing by itself; it remembers when each session was last heard of here.
 *
 * <p>Session ids are random 56-bit numbers under a top byte of 1 (ZooKeeper reserves 0xFF for TTL owners): an
 * instance that restarts cannot reuse the ids of its previous life, as ZooKeeper's time-based ids could.
 */
public final class CassandraSessionTracker implements SessionTracker {
    private final Map<Long, Integer> committed; // the database's sessions with their timeouts
    private final Map<Long, Integer> created = new ConcurrentHashMap<>(); // created here, not yet committed
    private final Map<Long, Long> lastHeard = new ConcurrentHashMap<>(); // session -> System.nanoTime()
    private final Set<Long> closing = ConcurrentHashMap.newKeySet();
    private final Set<Long> ownedHere = ConcurrentHashMap.newKeySet(); // last created or claimed in this one's batch
    private final SecureRandom random = new SecureRandom();
    private final SessionCreationHook onCreate;

    /** Called with a new session's id and timeout before its creation is logged (to write its liveness row). */
    public interface SessionCreationHook {
        void created(long sessionId, int timeoutMs);
    }

    CassandraSessionTracker(Map<Long, Integer> committed, SessionCreationHook onCreate) {
        this.committed = committed;
        this.onCreate = onCreate;
    }

    @Override
    public long createSession(int sessionTimeout) {
        long id;
        do {
            id = (1L << 56) | (random.nextLong() & 0x00FF_FFFF_FFFF_FFFFL);
        } while (committed.containsKey(id) || created.putIfAbsent(id, sessionTimeout) != null);
        lastHeard.put(id, System.nanoTime());
        try {
            onCreate.created(id, sessionTimeout);
        } catch (RuntimeException e) {
            created.remove(id);
            lastHeard.remove(id);
            throw e;
        }
        return id;
    }

    @Override
    public boolean trackSession(long id, int to) {
        created.putIfAbsent(id, to);
        return true;
    }

    @Override
    public boolean commitSession(long id, int to) {
        committed.put(id, to);
        created.remove(id);
        return true;
    }

    /** A request or ping of the session arrived here: it is alive as long as it goes on being heard. */
    @Override
    public boolean touchSession(long sessionId, int sessionTimeout) {
        if (closing.contains(sessionId) || !exists(sessionId)) {
            return false;
        }
        lastHeard.put(sessionId, System.nanoTime());
        return true;
    }

    /**
     * The log's last {@code createSession} of the session (its creation, or a move: {@link SessionClaim}) was in
     * a batch of this instance ({@code here}) or of another; called in log order, before the position is applied.
     */
    void ownerLogged(long sessionId, boolean here) {
        if (here) {
            ownedHere.add(sessionId);
        } else {
            ownedHere.remove(sessionId);
        }
    }

    boolean isOwnedHere(long sessionId) {
        return ownedHere.contains(sessionId);
    }

    /** Its creation is applied (a session only created here and not yet logged is not). */
    boolean isCommitted(long sessionId) {
        return committed.containsKey(sessionId);
    }

    boolean exists(long sessionId) {
        return committed.containsKey(sessionId) || created.containsKey(sessionId);
    }

    /** When the session was last heard of here (System.nanoTime), or null. */
    Long lastHeard(long sessionId) {
        return lastHeard.get(sessionId);
    }

    Integer timeout(long sessionId) {
        Integer to = committed.get(sessionId);
        return to != null ? to : created.get(sessionId);
    }

    @Override
    public void setSessionClosing(long sessionId) {
        closing.add(sessionId);
    }

    /** Its close was prepared in a batch that lost its position: it is not closing until prepared again. */
    void clearClosing(long sessionId) {
        closing.remove(sessionId);
    }

    boolean isClosing(long sessionId) {
        return closing.contains(sessionId);
    }

    @Override
    public void shutdown() {}

    @Override
    public void removeSession(long sessionId) {
        committed.remove(sessionId);
        created.remove(sessionId);
        lastHeard.remove(sessionId);
        closing.remove(sessionId);
        ownedHere.remove(sessionId);
    }

    @Override
    public boolean isTrackingSession(long sessionId) {
        return exists(sessionId);
    }

    /** Called when a write is prepared here, on the state just before the position it is prepared for. */
    @Override
    public void checkSession(long sessionId, Object owner)
            throws KeeperException.SessionExpiredException, KeeperException.SessionMovedException,
                    KeeperException.UnknownSessionException {
        if (!exists(sessionId)) {
            throw new KeeperException.UnknownSessionException();
        }
        checkGlobalSession(sessionId, owner);
    }

    @Override
    public void checkGlobalSession(long sessionId, Object owner)
            throws KeeperException.SessionExpiredException, KeeperException.SessionMovedException {
        if (!exists(sessionId) || closing.contains(sessionId)) {
            throw new KeeperException.SessionExpiredException();
        }
        if (!ownedHere.contains(sessionId)) {
            // its client has moved to another instance since this write arrived (see SessionClaim)
            throw new KeeperException.SessionMovedException();
        }
    }

    @Override
    public void setOwner(long id, Object owner) {}

    @Override
    public void dumpSessions(PrintWriter pwriter) {
        pwriter.print("Session Sets (" + committed.size() + "):\n");
        committed.forEach((id, to) -> pwriter.print("0x" + Long.toHexString(id) + " timeout " + to + "\n"));
    }

    @Override
    public Map<Long, Set<Long>> getSessionExpiryMap() {
        return Collections.emptyMap();
    }

    @Override
    public long getLocalSessionCount() {
        return 0;
    }

    @Override
    public boolean isLocalSessionsEnabled() {
        return false;
    }

    @Override
    public Set<Long> globalSessions() {
        return Collections.unmodifiableSet(committed.keySet());
    }

    @Override
    public Set<Long> localSessions() {
        return Collections.emptySet();
    }
}
