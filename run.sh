#!/usr/bin/env bash
# The main job on an embedded default: builds what is missing, starts a local single-node Cassandra
# (data kept in data/cassandra between runs), then the kafka-cassandra Karaf distribution connected to it,
# with the ZooKeeper service (127.0.0.1:2181) and a Kafka 3.9 broker (localhost:9092) on it, and leaves you at
# the Karaf console. Leaving the console (logout or Ctrl-D) stops Karaf and Cassandra.
# Needs only Java 17 and Maven.
#
#   ./run.sh                 the Karaf console
#   ./run.sh --walkthrough   a short scripted, non-interactive walk-through: three candidate processes, a
#                            leader elected, the leader killed (SIGKILL), a new leader elected; then Karaf: a
#                            topic created, records produced and consumed through its broker, a second broker
#                            process joining the same cluster, the election seen and a configuration change
#                            noticed. Exits 0 only if each step happened.
set -euo pipefail
cd "$(dirname "$0")"
version=0.1.0-SNAPSHOT
launcher=testing/cassandra-launcher/target/cassandra-launcher-$version.jar
karaf=karaf-assembly/target/assembly
kafka_classpath=testing/kafka-launcher/target/classes/io/kafkacassandra/launcher/kafka/kafka.classpath
if [ ! -f "$launcher" ] || [ ! -x "$karaf/bin/karaf" ] || [ ! -f plugin-jar/target/plugin.jar ] \
    || [ ! -f "$kafka_classpath" ]; then
  echo "Building kafka-cassandra (first run only)..."
  mvn -B -ntp -q install -DskipTests
fi
mkdir -p data "$karaf/deploy"
# The ZooKeeper service and a Kafka broker on it (localhost:9092): installed by Karaf's deployer once it has booted.
cat > "$karaf/deploy/kafka-cassandra-broker.xml" <<'FEATURES'
<features name="kafka-cassandra-run" xmlns="http://karaf.apache.org/xmlns/features/v1.6.0">
  <feature name="kafka-cassandra-run" version="1.0.0" install="auto">
    <feature>kafka-cassandra-broker</feature>
  </feature>
</features>
FEATURES
# await_line FILE FIRST_LINE REGEX SECONDS [PID]: waits until a line of FILE from FIRST_LINE on matches REGEX;
# fails after SECONDS, or at once if PID (the process writing FILE) has ended.
await_line() {
  local end=$((SECONDS + $4))
  while [ $SECONDS -lt $end ]; do
    # (grep reads to the end: with -q it could close the pipe early, which pipefail counts as a failure)
    [ -f "$1" ] && tail -n +"$2" "$1" | grep -E "$3" > /dev/null && return 0
    [ -z "${5:-}" ] || kill -0 "$5" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}
log=data/cassandra-launcher.log
java -cp "$launcher" io.kafkacassandra.launcher.LocalCassandraMain data/cassandra > "$log" 2>&1 &
cassandra=$!
trap 'echo "Stopping Cassandra..."; kill $cassandra 2>/dev/null; wait $cassandra 2>/dev/null || true' EXIT
trap 'exit 1' INT TERM
echo "Starting Cassandra (log: $log)..."
await_line "$log" 1 "CASSANDRA READY" 120 $cassandra || { cat "$log"; echo "Cassandra did not start" >&2; exit 1; }
echo "Cassandra is up on 127.0.0.1:9042."

if [ "${1:-}" != "--walkthrough" ]; then
  echo "Starting Karaf with feature kafka-cassandra..."
  "$karaf/bin/karaf" "$@"
  exit 0
fi

# --- the walk-through -------------------------------------------------------------------------------------
walk=data/walkthrough
rm -rf "$walk" && mkdir -p "$walk"
cat > "$walk/plugin.properties" <<'PROPS'
plugin.cassandra.contact.points=127.0.0.1:9042
plugin.cassandra.keyspace=kafka_cluster_1
plugin.cassandra.lr.pull.period.ms=250
PROPS
classpath="plugin-jar/target/plugin.jar:$(ls plugin-jar/target/broker-libs/*.jar | tr '\n' ':')"
declare -A pids
for n in 1 2 3; do
  # walkthrough/DemoCandidate.java is no part of any artifact: Java's source launcher compiles it at start.
  java -cp "$classpath" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    walkthrough/DemoCandidate.java "$walk/plugin.properties" walkthrough "broker-$n" > "$walk/broker-$n.log" 2>&1 &
  pids[$n]=$!
done
karaf_pid=""
kafka2=""
# Candidates, the second broker and Karaf first (they release their leases while Cassandra is still up), then
# Cassandra.
stop_karaf() { # bin/karaf runs Karaf's JVM as its child: the JVM is stopped and waited for (its broker's
  # controlled shutdown may take up to a minute), then the script
  [ -n "$karaf_pid" ] || return 0
  local jvm; jvm=$(pgrep -P "$karaf_pid" java || true)
  [ -z "$jvm" ] || kill $jvm 2>/dev/null || true
  for _ in $(seq 1 150); do [ -n "$jvm" ] && kill -0 $jvm 2>/dev/null || break; sleep 0.5; done
  kill "$karaf_pid" 2>/dev/null || true
  wait "$karaf_pid" 2>/dev/null || true
  karaf_pid=""
}
trap 'for p in "${pids[@]}" $kafka2; do kill $p 2>/dev/null || true; done; stop_karaf; wait "${pids[@]}" $kafka2 2>/dev/null || true; echo "Stopping Cassandra..."; kill $cassandra 2>/dev/null; wait $cassandra 2>/dev/null || true' EXIT
trap 'exit 1' INT TERM

leads_now() { # prints the living candidate whose latest line tells its own leadership, and that line
  for n in "$@"; do
    last=$(grep "^broker-$n sees leader " "$walk/broker-$n.log" | tail -1)
    case "$last" in "broker-$n sees leader broker-$n "*) echo "$n $last"; return ;; esac
  done
}
await_leader() { # candidates...; waits up to 30 s for one of them to say, in its latest line, that it leads
  local end=$((SECONDS + 30)) l
  while [ $SECONDS -lt $end ]; do
    l=$(leads_now "$@"); if [ -n "$l" ]; then echo "${l%% *}"; return; fi; sleep 0.1
  done
  return 1
}
echo "1. Three candidates (broker-1..3, separate JVMs on plugin.jar) run for leader of 'walkthrough'."
first=$(await_leader 1 2 3) || { tail "$walk"/*.log; echo "no leader elected" >&2; exit 1; }
echo "2. Leader elected: $(grep "^broker-$first sees leader broker-$first " "$walk/broker-$first.log" | tail -1)"
others=$(for n in 1 2 3; do [ "$n" = "$first" ] || printf '%s ' "$n"; done)
killed_at=$(date +%s%N)
kill -9 "${pids[$first]}"
wait "${pids[$first]}" 2>/dev/null || true
unset 'pids[$first]'
echo "3. broker-$first killed with SIGKILL (no close, no resign)."
# shellcheck disable=SC2086
second=$(await_leader $others) || { tail "$walk"/*.log; echo "no new leader after the kill" >&2; exit 1; }
echo "4. New leader after $(( ($(date +%s%N) - killed_at) / 1000000 )) ms: $(grep "^broker-$second sees leader broker-$second " "$walk/broker-$second.log" | tail -1)"

echo "5. Karaf starts: kafka-cassandra, the ZooKeeper service (127.0.0.1:2181) and a Kafka broker on it."
# The console reads its commands from a pipe, fed once the feature has connected (not before: the commands
# would not be registered yet). "kafka-cassandra: connected to " is what CassandraSessionComponent logs once
# the session is open and the CassandraConnection registered (keep the two in step).
log="$karaf/data/log/karaf.log"
seen=$( [ -f "$log" ] && wc -l < "$log" || echo 0)
console_tail() { # the console's last lines, without the prompts that it redraws on a pipe
  tr '\r' '\n' < "$walk/karaf.out" | sed 's/\x1b\[[0-9;]*m//g' | grep -a -v -E '^(karaf@root\(\)> *)*$' | tail -n 40
}
console() { # command regex seconds: sends the command, prints the first new line of output matching regex
  local from out end=$((SECONDS + $3)); from=$(stat -c %s "$walk/karaf.out")
  send "$1"
  while [ $SECONDS -lt $end ]; do
    # (grep -m1 may close the pipe early: with pipefail, its output decides, not the pipeline's status)
    # (the last line may be a partial write: only lines followed by more output count)
    out=$(tail -c +$((from + 1)) "$walk/karaf.out" | tr '\r' '\n' | sed '$d' | grep -a -m1 -E "$2" || true)
    if [ -n "$out" ]; then echo "$out"; return 0; fi
    kill -0 $karaf_pid 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
send() { # one line to Karaf's console, if Karaf still runs
  kill -0 "$karaf_pid" 2>/dev/null || { console_tail; echo "Karaf stopped unexpectedly" >&2; exit 1; }
  echo "$1" >&3
}
mkfifo "$walk/karaf.in"
"$karaf/bin/karaf" < "$walk/karaf.in" > "$walk/karaf.out" 2>&1 &
karaf_pid=$!
exec 3> "$walk/karaf.in"
await_line "$log" $((seen + 1)) "kafka-cassandra: connected to " 120 $karaf_pid || {
  console_tail; tail -n 40 "$log" 2>/dev/null; echo "Karaf did not connect to Cassandra (in 120 s)" >&2; exit 1; }

echo "6. The Kafka broker inside Karaf (localhost:9092, on the ZooKeeper service of the same container):"
await_line "$log" $((seen + 1)) "\[KafkaServer id=1\] started" 180 $karaf_pid || {
  tail -n 40 "$log"; echo "the broker in Karaf did not start in 180 s" >&2; exit 1; }
kafka_cp=$(cat "$kafka_classpath")
# walkthrough/DemoKafkaClient.java: a plain Kafka client, compiled at start by Java's source launcher.
client() { java -cp "$kafka_cp" -Dlog4j.configuration="file:$PWD/$walk/log4j.properties" walkthrough/DemoKafkaClient.java "$@"; }
cat > "$walk/log4j.properties" <<'LOG4J'
log4j.rootLogger=WARN, out
log4j.appender.out=org.apache.log4j.ConsoleAppender
log4j.appender.out.layout=org.apache.log4j.PatternLayout
log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
LOG4J
# A topic of its own per run: data/ (Cassandra, and with it the cluster's metadata) is kept between runs.
client localhost:9092 topic "walkthrough-$(date +%s)" 5 > "$walk/client.log" 2>&1 || { cat "$walk/client.log"; echo "produce/consume through the broker failed" >&2; exit 1; }
grep -E "^(created|produced|consumed) " "$walk/client.log" | sed 's/^/   /'

echo "7. A second broker, a plain Kafka process (broker 2, 127.0.0.1:9093), joins the same cluster:"
cat > "$walk/broker-2.properties" <<PROPS
broker.id=2
listeners=PLAINTEXT://127.0.0.1:9093
log.dirs=$PWD/$walk/kafka-2
zookeeper.connect=127.0.0.1:2181/kafka
offsets.topic.replication.factor=1
num.network.threads=2
num.io.threads=2
PROPS
java -Xmx256m -cp "$kafka_cp" -Dlog4j.configuration="file:$PWD/$walk/log4j.properties" \
  kafka.Kafka "$walk/broker-2.properties" > "$walk/kafka-2.log" 2>&1 &
kafka2=$!
client localhost:9092 brokers 2 > "$walk/cluster.log" 2>&1 || { cat "$walk/cluster.log" "$walk/kafka-2.log"; echo "the second broker did not join" >&2; exit 1; }
grep "^cluster brokers " "$walk/cluster.log" | sed 's/^/   /'
# Registered is not started: a broker still starting refuses a shutdown and halts. Stopped once it serves.
await_line "$walk/kafka-2.log" 1 "\[KafkaServer id=2\] started" 60 $kafka2 || true # stopped either way
kill $kafka2 # SIGTERM: a controlled shutdown
wait $kafka2 2>/dev/null || true
kafka2=""

echo "8. Karaf's console sees the brokers, the election, then a configuration change:"
console "kafka-cassandra:zk ls /kafka/brokers/ids" "^1$" 30 | sed 's/^/   \/kafka\/brokers\/ids: /' \
  || { console_tail; echo "Karaf's console did not list broker 1" >&2; exit 1; }
# The candidates hold their leases on a loaded machine: the leader may have moved since step 4. Karaf must name
# the one that the candidates themselves say leads, with its epoch (read again if the two crossed a change).
agreed=""
agree_by=$((SECONDS + 60))
while [ -z "$agreed" ] && [ $SECONDS -lt $agree_by ]; do
  read -r now line <<< "$(leads_now $others)" || true
  seen_by_karaf=$(console "kafka-cassandra:leader walkthrough" "^walkthrough: " 30) || true
  if [ -n "${now:-}" ] && [ "$seen_by_karaf" = "walkthrough: leader broker-$now, epoch ${line##* }" ]; then
    agreed=$now
  else
    sleep 1
  fi
done
[ -n "$agreed" ] || { tail "$walk"/broker-*.log; console_tail;
  echo "Karaf's view of the election (${seen_by_karaf:-nothing}) is not the candidates' (${line:-no leader})" >&2; exit 1; }
echo "   $seen_by_karaf, as broker-$agreed itself says"
[ "$agreed" = "$second" ] || echo "   (the lease moved from broker-$second to broker-$agreed after step 4)"
# A value the configuration does not have yet (etc/ keeps the last run's change).
pull=250
grep -qE "^plugin.cassandra.lr.pull.period.ms *= *250 *$" "$karaf/etc/io.kafkacassandra.cassandra.cfg" && pull=300
send "config:property-set -p io.kafkacassandra.cassandra plugin.cassandra.lr.pull.period.ms $pull"
found=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
  # The session restarts with the new setting: asked again until the status shows it.
  if found=$(console "kafka-cassandra:status" "poll every $pull ms" 5); then break; fi
done
[ -n "$found" ] || { console_tail; echo "Karaf did not notice the configuration change" >&2; exit 1; }
echo "   after config:property-set: ${found# }"
send "logout"
exec 3>&-
for _ in $(seq 1 150); do kill -0 $karaf_pid 2>/dev/null || break; sleep 0.5; done # logout stops Karaf
stop_karaf
echo "Walk-through complete."
