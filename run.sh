#!/usr/bin/env bash
# The main job on an embedded default: builds what is missing, starts a local single-node Cassandra
# (data kept in data/cassandra between runs), then the kafka-cassandra Karaf distribution connected to it,
# and leaves you at the Karaf console. Leaving the console (logout or Ctrl-D) stops Karaf and Cassandra.
# Needs only Java 17 and Maven.
set -euo pipefail
cd "$(dirname "$0")"
version=0.1.0-SNAPSHOT
launcher=itests/cassandra-launcher/target/cassandra-launcher-$version.jar
karaf=karaf-assembly/target/assembly
if [ ! -f "$launcher" ] || [ ! -x "$karaf/bin/karaf" ]; then
  echo "Building kafka-cassandra (first run only)..."
  mvn -B -ntp -q install -DskipTests
fi
mkdir -p data
log=data/cassandra-launcher.log
java -cp "$launcher" io.kafkacassandra.launcher.LocalCassandraMain data/cassandra > "$log" 2>&1 &
cassandra=$!
trap 'echo "Stopping Cassandra..."; kill $cassandra 2>/dev/null; wait $cassandra 2>/dev/null || true' EXIT
echo "Starting Cassandra (log: $log)..."
for _ in $(seq 1 240); do
  if grep -q "CASSANDRA READY" "$log"; then break; fi
  if ! kill -0 $cassandra 2>/dev/null; then cat "$log"; echo "Cassandra did not start" >&2; exit 1; fi
  sleep 0.5
done
grep -q "CASSANDRA READY" "$log" || { cat "$log"; echo "Cassandra did not start in 120 s" >&2; exit 1; }
echo "Cassandra is up on 127.0.0.1:9042. Starting Karaf with feature kafka-cassandra..."
"$karaf/bin/karaf" "$@"
