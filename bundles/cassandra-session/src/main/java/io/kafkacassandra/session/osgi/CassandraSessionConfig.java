package io.kafkacassandra.session.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The session's configuration (PID {@value CassandraSessionComponent#PID}): the keys of plugin.properties, as
 * metatype describes them to Karaf's config commands and web console. Every value is validated by
 * {@link io.kafkacassandra.session.CassandraSettings}. Annotation values must be constants, so this cannot be
 * generated from {@link io.kafkacassandra.session.SettingKey}: SettingKeyTest checks that both declare the same keys,
 * defaults, ranges and password types.
 */
@ObjectClassDefinition(
        name = "kafka-cassandra: Cassandra session",
        description = "Where the coordination services find Cassandra, and their lease and poll timing.")
@interface CassandraSessionConfig {
    @AttributeDefinition(name = "Contact points", description = "host[:port], comma separated")
    String plugin_cassandra_contact_points() default "127.0.0.1";

    @AttributeDefinition(name = "Port", description = "Port of contact points that name none", min = "1", max = "65535")
    int plugin_cassandra_port() default 9042;

    @AttributeDefinition(name = "Local data center")
    String plugin_cassandra_local_datacenter() default "datacenter1";

    @AttributeDefinition(name = "Keyspace", description = "A CQL identifier: a letter, then letters, digits or _")
    String plugin_cassandra_keyspace() default "kafka_cluster_1";

    @AttributeDefinition(name = "Create schema", description = "Create the keyspace and tables if missing")
    boolean plugin_cassandra_schema_create() default true;

    @AttributeDefinition(
            name = "Replication",
            required = false,
            description = "SimpleStrategy:<factor> or NetworkTopologyStrategy:<dc>=<factor>,...; empty: 1 replica on"
                    + " a one-node cluster, 3 (at most the number of nodes) on a larger one")
    String plugin_cassandra_replication() default "";

    @AttributeDefinition(name = "User name", required = false)
    String plugin_cassandra_username();

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false)
    String plugin_cassandra_password();

    @AttributeDefinition(
            name = "Password file",
            required = false,
            description = "A file holding the password instead (config:list then shows the path, not the password)")
    String plugin_cassandra_password_file();

    @AttributeDefinition(name = "TLS")
    boolean plugin_cassandra_ssl_enabled() default false;

    @AttributeDefinition(name = "Trust store path", required = false)
    String plugin_cassandra_ssl_truststore_path();

    @AttributeDefinition(name = "Trust store password", type = AttributeType.PASSWORD, required = false)
    String plugin_cassandra_ssl_truststore_password();

    @AttributeDefinition(
            name = "Trust store password file",
            required = false,
            description = "A file holding the trust store password instead")
    String plugin_cassandra_ssl_truststore_password_file();

    @AttributeDefinition(name = "Key store path", required = false)
    String plugin_cassandra_ssl_keystore_path();

    @AttributeDefinition(name = "Key store password", type = AttributeType.PASSWORD, required = false)
    String plugin_cassandra_ssl_keystore_password();

    @AttributeDefinition(
            name = "Key store password file",
            required = false,
            description = "A file holding the key store password instead")
    String plugin_cassandra_ssl_keystore_password_file();

    @AttributeDefinition(name = "Verify host names")
    boolean plugin_cassandra_ssl_hostname_validation() default true;

    @AttributeDefinition(name = "Request timeout (ms)", min = "1", max = "600000")
    long plugin_cassandra_request_timeout_ms() default 5000;

    @AttributeDefinition(name = "Connect timeout (ms)", min = "1", max = "600000")
    long plugin_cassandra_connect_timeout_ms() default 5000;

    @AttributeDefinition(name = "Lease TTL (s)", min = "2", max = "3600")
    int plugin_cassandra_lease_ttl_seconds() default 5;

    @AttributeDefinition(
            name = "Lease renew period (ms)",
            min = "1",
            max = "3600000",
            description = "Shorter than the lease TTL - 1 s - the clock drift")
    long plugin_cassandra_le_renew_ttl_period_ms() default 500;

    @AttributeDefinition(name = "Poll period (ms)", min = "1", max = "3600000")
    long plugin_cassandra_lr_pull_period_ms() default 500;

    @AttributeDefinition(
            name = "Change feed period (ms)",
            min = "0",
            max = "60000",
            description = "0: no feed, listeners poll every poll period")
    long plugin_cassandra_changes_period_ms() default 25;

    @AttributeDefinition(name = "Namespace safety poll period with the feed on (ms)", min = "1", max = "3600000")
    long plugin_cassandra_lr_safety_poll_period_ms() default 10000;

    @AttributeDefinition(name = "Clock drift allowed (ms)", min = "0", max = "60000")
    long plugin_cassandra_clock_drift_ms() default 200;

    @AttributeDefinition(name = "Largest value (bytes)", min = "1", max = "16777216")
    int plugin_cassandra_value_max_bytes() default 1048576;
}
