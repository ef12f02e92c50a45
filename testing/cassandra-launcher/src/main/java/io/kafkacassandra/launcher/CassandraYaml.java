package io.kafkacassandra.launcher;

import java.nio.file.Path;
import java.util.stream.Collectors;

/** Renders a node's {@code cassandra.yaml} and {@code logback.xml}. */
final class CassandraYaml {
    private CassandraYaml() {}

    static String render(NodeSettings s) {
        Path dir = s.directory();
        StringBuilder y = new StringBuilder();
        y.append("cluster_name: '").append(s.clusterName()).append("'\n");
        y.append("num_tokens: 1\n");
        y.append("initial_token: '").append(s.initialToken()).append("'\n");
        // Every node owns a fixed token of a new, empty cluster: nothing to stream, so no bootstrap wait.
        y.append("auto_bootstrap: false\n");
        y.append("partitioner: org.apache.cassandra.dht.Murmur3Partitioner\n");
        y.append("endpoint_snitch: SimpleSnitch\n");
        y.append("data_file_directories:\n  - ").append(dir.resolve("data")).append('\n');
        y.append("commitlog_directory: ").append(dir.resolve("commitlog")).append('\n');
        y.append("saved_caches_directory: ").append(dir.resolve("saved_caches")).append('\n');
        y.append("hints_directory: ").append(dir.resolve("hints")).append('\n');
        y.append("cdc_raw_directory: ").append(dir.resolve("cdc_raw")).append('\n');
        y.append("commitlog_sync: periodic\n");
        y.append("commitlog_sync_period: 10000ms\n");
        y.append("seed_provider:\n");
        y.append("  - class_name: org.apache.cassandra.locator.SimpleSeedProvider\n");
        y.append("    parameters:\n");
        y.append("      - seeds: \"")
                .append(s.seeds().stream().map(a -> a + ":" + s.storagePort()).collect(Collectors.joining(",")))
                .append("\"\n");
        y.append("listen_address: ").append(s.address()).append('\n');
        y.append("rpc_address: ").append(s.address()).append('\n');
        y.append("storage_port: ").append(s.storagePort()).append('\n');
        y.append("start_native_transport: true\n");
        y.append("native_transport_port: ").append(s.nativePort()).append('\n');
        // Linearizable lightweight transactions in two round trips (5.0 still defaults to v1), and a
        // server that refuses, rather than logs, any linearizability violation it detects.
        y.append("paxos_variant: ").append(s.paxosVariant()).append('\n');
        y.append("paxos_on_linearizability_violations: fail\n");
        // Small footprint: several nodes share two cores.
        y.append("concurrent_reads: 8\n");
        y.append("concurrent_writes: 8\n");
        y.append("concurrent_counter_writes: 4\n");
        y.append("concurrent_compactors: 1\n");
        y.append("memtable_allocation_type: heap_buffers\n");
        y.append("auto_snapshot: false\n");
        y.append("disk_failure_policy: stop\n");
        y.append("commit_failure_policy: stop\n");
        if (s.authentication()) {
            y.append("authenticator: PasswordAuthenticator\n");
            y.append("authorizer: CassandraAuthorizer\n");
            y.append("role_manager: CassandraRoleManager\n");
            y.append("roles_validity: 0ms\n");
            y.append("permissions_validity: 0ms\n");
        } else {
            y.append("authenticator: AllowAllAuthenticator\n");
            y.append("authorizer: AllowAllAuthorizer\n");
        }
        NodeSettings.ClientTls tls = s.clientTls();
        if (tls != null) {
            y.append("client_encryption_options:\n");
            y.append("  enabled: true\n");
            y.append("  optional: false\n");
            y.append("  keystore: ").append(tls.keystore()).append('\n');
            y.append("  keystore_password: ").append(tls.keystorePassword()).append('\n');
            y.append("  require_client_auth: ").append(tls.requireClientAuth()).append('\n');
            if (tls.truststore() != null) {
                y.append("  truststore: ").append(tls.truststore()).append('\n');
                y.append("  truststore_password: ")
                        .append(tls.truststorePassword())
                        .append('\n');
            }
        }
        return y.toString();
    }

    static String logback(Path logDirectory) {
        return """
                <configuration scan="false">
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s/system.log</file>
                    <encoder>
                      <pattern>%%-5level [%%thread] %%date{ISO8601} %%F:%%L - %%msg%%n</pattern>
                    </encoder>
                  </appender>
                  <root level="INFO">
                    <appender-ref ref="FILE"/>
                  </root>
                </configuration>
                """.formatted(logDirectory);
    }
}
