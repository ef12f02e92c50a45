package io.kafkacassandra.faults;

/** Runs every check over the histories of a run. */
final class HistoryChecker {
    private HistoryChecker() {}

    static Findings check(Histories histories, CheckSettings settings) {
        Findings findings = new Findings();
        StorageCheck storage = new StorageCheck(histories, findings);
        storage.run();
        new LeadershipCheck(histories, findings, settings).run();
        new LeaderToldCheck(histories, findings).run();
        new MembershipCheck(histories, findings, settings).run();
        new WatchCheck(histories, findings, storage.versionOfValue()).run();
        new FencingCheck(histories, findings).run();
        new KafkaCheck(histories, findings).run();
        return findings;
    }
}
