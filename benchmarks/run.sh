#!/usr/bin/env bash
# Runs the benchmarks, kafka-cassandra beside ZooKeeper + Curator, and writes docs/benchmarks.md.
# Usage: ./benchmarks/run.sh [--size full|smoke] [--topologies 1,3] [--workloads storage,election,...] [--out FILE]
#          [--changes-period-ms N] (kafka-cassandra's change feed period; default the plugin's)
#        BENCHMARKS_AGENT_JVM_OPTIONS="..." adds JVM options to every agent process (a profiler, a flight recording)
#        ./benchmarks/run.sh --kafka [--size full|smoke] [--topologies 1,3] [--out FILE] [--tail-read-period-ms N]
#          Kafka 3.9 brokers on the ZooKeeper service beside Kafka on ZooKeeper; writes docs/benchmarks-kafka.md.
# Needs only Java 17 and Maven: Cassandra and ZooKeeper come from Maven Central and run in child JVMs on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f benchmarks/target/classpath.txt ] || [ -n "$(find bundles testing itests benchmarks -name '*.java' -newer benchmarks/target/classpath.txt 2>/dev/null | head -1)" ]; then
  mvn -B -ntp -q install -DskipTests -pl benchmarks -am
fi
main=io.kafkacassandra.benchmarks.BenchmarkMain
if [ "${1:-}" = "--kafka" ]; then
  main=io.kafkacassandra.benchmarks.KafkaBenchmarkMain
  shift
fi
exec java -Xmx1g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  "$main" "$@"
