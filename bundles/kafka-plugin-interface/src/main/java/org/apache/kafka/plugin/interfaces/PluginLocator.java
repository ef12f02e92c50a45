package org.apache.kafka.plugin.interfaces;

/**
 * What a KIP-30-patched broker loads (by the class name in {@code plugin.locator.classname}) to get its
 * coordination services. Getters called before {@link #startup(String)} or after {@link #close()} throw
 * {@link IllegalStateException}.
 */
public interface PluginLocator {
    /**
     * Reads the plugin's configuration and connects to the store.
     *
     * @param configFile path of the plugin's properties file ({@code plugin.configuration.file})
     */
    void startup(String configFile);

    /** The membership client of {@code group}; the same instance for the same group. */
    GroupMembershipClient getGroupMembership(String group);

    /** The election client of {@code service}; the same instance for the same service. */
    LeaderElectionClient getLeaderElection(String service);

    Storage getStorage();

    ListenerRegistry getListenerRegistry();

    /** Closes every client it handed out and the connection to the store. */
    void close();
}
