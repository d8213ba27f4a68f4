# shellcheck shell=bash
# Kafka for the integration tests of stats-sink/kafka (sourced by .ci/run; see README.md here).
#
# A single-node KRaft broker (broker and controller in one JVM) from Maven Central jars: the
# classpath of org.apache.kafka:kafka_2.13 is resolved from .ci/kafka/pom.xml by
# maven-dependency-plugin (cached in ~/.m2), its storage formatted with kafka.tools.StorageTool,
# and kafka.Kafka started on 127.0.0.1 with its data under $TANDEM_CI_WORK/kafka. Ready means its
# log says "Kafka Server started" (the port opens earlier than that).
#
# Exports:
#   TANDEM_IT_KAFKA_BOOTSTRAP  127.0.0.1:<port> of this shared broker
#   TANDEM_IT_KAFKA_CLASSPATH  the broker's classpath, for tests that run a broker of their own
#   TANDEM_IT_KAFKA_JAVA       the java binary to run it with (the one on PATH now: JDK 17)
# Tests that kill and restart a broker start their own from the last two; none touches this one.

# shellcheck source-path=SCRIPTDIR source=lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

tandem_kafka_dir="${TANDEM_CI_WORK}/kafka"
mkdir -p "${tandem_kafka_dir}"

tandem_kafka_start=$SECONDS
mvn -B -q -f .ci/kafka/pom.xml dependency:build-classpath \
    -Dmdep.outputFile="${tandem_kafka_dir}/classpath.txt" >"${tandem_kafka_dir}/resolve.log" 2>&1 || {
    cat "${tandem_kafka_dir}/resolve.log" >&2
    echo "could not resolve the Kafka broker's classpath" >&2
    return 1
}
TANDEM_IT_KAFKA_CLASSPATH=$(cat "${tandem_kafka_dir}/classpath.txt")
if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
    TANDEM_IT_KAFKA_JAVA="${JAVA_HOME}/bin/java"
else
    TANDEM_IT_KAFKA_JAVA=$(readlink -f "$(command -v java)")
fi
# C1 only and the serial collector: a test broker starts in about a third of the time.
tandem_kafka_jvm=(-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)

tandem_kafka_port=$(tandem_free_port)
tandem_kafka_controller_port=$(tandem_free_port)
while [[ "${tandem_kafka_controller_port}" == "${tandem_kafka_port}" ]]; do
    tandem_kafka_controller_port=$(tandem_free_port)
done
cat >"${tandem_kafka_dir}/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${tandem_kafka_controller_port}
listeners=PLAINTEXT://127.0.0.1:${tandem_kafka_port},CONTROLLER://127.0.0.1:${tandem_kafka_controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:${tandem_kafka_port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=${tandem_kafka_dir}/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
EOF

# A cluster id is 16 random bytes, base64url without padding. One in 64 starts with '-', which the
# tool would take for an option after a separate -t: hence --cluster-id=ID.
tandem_kafka_cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
"${TANDEM_IT_KAFKA_JAVA}" "${tandem_kafka_jvm[@]}" -cp "${TANDEM_IT_KAFKA_CLASSPATH}" kafka.tools.StorageTool \
    format --cluster-id="${tandem_kafka_cluster_id}" -c "${tandem_kafka_dir}/server.properties" \
    >"${tandem_kafka_dir}/format.log" 2>&1 </dev/null || {
    tail -n 30 "${tandem_kafka_dir}/format.log" >&2
    echo "formatting the Kafka broker's storage failed" >&2
    return 1
}

"${TANDEM_IT_KAFKA_JAVA}" "${tandem_kafka_jvm[@]}" -cp "${TANDEM_IT_KAFKA_CLASSPATH}" kafka.Kafka \
    "${tandem_kafka_dir}/server.properties" >"${tandem_kafka_dir}/broker.log" 2>&1 </dev/null &
tandem_kafka_pid=$!
SERVICE_PIDS+=("${tandem_kafka_pid}")

tandem_await_ready "the Kafka broker" "${tandem_kafka_pid}" 90 "${tandem_kafka_dir}/broker.log" \
    grep -q "Kafka Server started" "${tandem_kafka_dir}/broker.log" || return 1

export TANDEM_IT_KAFKA_BOOTSTRAP="127.0.0.1:${tandem_kafka_port}"
export TANDEM_IT_KAFKA_CLASSPATH TANDEM_IT_KAFKA_JAVA
echo "Kafka ${TANDEM_IT_KAFKA_BOOTSTRAP} ready in $((SECONDS - tandem_kafka_start)) s (pid ${tandem_kafka_pid}, log ${tandem_kafka_dir}/broker.log)"
