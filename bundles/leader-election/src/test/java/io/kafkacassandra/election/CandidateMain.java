package io.kafkacassandra.election;

import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.SessionFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A candidate in a JVM of its own, as a broker would be: args are host, port, keyspace, poll ms, service,
 * candidate. It prints {@code LEADER <epoch>} when it leads and {@code LOST} when it stops, and runs until its
 * standard input closes (or it is killed).
 */
public final class CandidateMain {
    public static void main(String[] args) throws Exception {
        CassandraSettings settings = CassandraSettings.builder()
                .contactPoints(List.of(new InetSocketAddress(args[0], Integer.parseInt(args[1]))))
                .keyspace(args[2])
                .leaseTtl(Duration.ofSeconds(2))
                .pollPeriod(Duration.ofMillis(Long.parseLong(args[3])))
                .createSchema(false)
                .build();
        String service = args[4];
        String candidate = args[5];
        try (var session = SessionFactory.open(settings);
                CassandraLeaderElection election = new CassandraLeaderElection(session, settings, service)) {
            election.addListener(leader -> {
                if (leader.equals(java.util.Optional.of(candidate))) {
                    System.out.println("LEADER "
                            + election.heldLeadership(candidate)
                                    .map(l -> l.epoch())
                                    .orElse(-1L));
                } else {
                    System.out.println("LOST " + leader.orElse("-"));
                }
                System.out.flush();
            });
            election.nominate(candidate);
            System.out.println("READY");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }
}
