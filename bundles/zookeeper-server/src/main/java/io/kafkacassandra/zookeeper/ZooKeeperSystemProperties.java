package io.kafkacassandra.zookeeper;

import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.util.ServiceUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide settings of ZooKeeper's server classes, set before they are used: every instance of a service
 * must apply the log alike, and an embedded server must never end the JVM it shares (Karaf, a broker).
 */
final class ZooKeeperSystemProperties {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperSystemProperties.class);

    private ZooKeeperSystemProperties() {}

    static synchronized void apply() {
        // No admin server (it would need Jetty and a port). Four-letter words for monitoring and for people.
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.getProperties().putIfAbsent("zookeeper.4lw.commands.whitelist", "srvr,ruok,stat,conf,cons,mntr,envi");
        // The log's encoding depends on these: the same on every instance, whatever the host JVM says.
        ZooKeeperServer.setDigestEnabled(true);
        ZooKeeperServer.setCloseSessionTxnEnabled(true);
        ServiceUtils.setSystemExitProcedure(code -> LOG.error(
                "ZooKeeper's server asked to end the JVM with code {}; this instance stops working instead", code));
    }
}
