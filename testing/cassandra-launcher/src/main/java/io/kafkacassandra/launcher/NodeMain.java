package io.kafkacassandra.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;

/**
 * Entry point of a node's child JVM. It ties the node's life to its parent: the parent holds the
 * write end of this process's standard input, so when the parent dies (even by SIGKILL) the pipe
 * closes and the node halts instead of living on as an orphan that holds ports and disk.
 */
public final class NodeMain {
    static final String DAEMON_CLASS = "org.apache.cassandra.service.CassandraDaemon";

    private NodeMain() {}

    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(NodeMain::haltWhenParentGoes, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Method main = Class.forName(DAEMON_CLASS).getMethod("main", String[].class);
        main.invoke(null, (Object) args);
    }

    private static void haltWhenParentGoes() {
        InputStream in = System.in;
        byte[] buffer = new byte[64];
        try {
            while (in.read(buffer) >= 0) {
                // the parent never writes; anything read is ignored
            }
        } catch (IOException closed) {
            // same as end of stream
        }
        System.err.println("parent process is gone: halting this Cassandra node");
        Runtime.getRuntime().halt(3);
    }
}
