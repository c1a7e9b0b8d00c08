#!/usr/bin/env bash
# scripts/infra/kafka.sh — single-node Apache Kafka broker (KRaft, no ZooKeeper)
# for local development and CI, without Docker.
#
# Usage: scripts/infra/kafka.sh fetch | start | stop [--wipe] | status
#
#   fetch         Resolve the broker jars + runtime deps from Maven Central (via
#                 scripts/infra/kafka/pom.xml) into
#                 $KAFKA_CACHE_DIR/<version>/libs. Skipped when already done.
#   start         fetch if needed, write config, format storage on first run,
#                 start the broker in the background and wait (max 60s) until it
#                 really serves metadata. If something already listens on the
#                 broker port it is treated as running.
#   stop [--wipe] Stop the broker started by this script (pid file) and wait for
#                 it to exit; no-op if not running. --wipe also deletes the data dir.
#   status        Print "running"/"not running"; exit 0/1.
#
# Broker: PLAINTEXT://127.0.0.1:9092 (clients), CONTROLLER 127.0.0.1:9093,
# combined broker+controller, node.id=1, auto topic creation on, 3 partitions.
#
# Kafka is pinned to 3.9.x: the services use kafkajs 2.2.4 and Kafka 4.x dropped
# protocol versions kafkajs needs. Keep KAFKA_VERSION in sync with kafka/pom.xml.
#
# Environment:
#   KAFKA_CACHE_DIR  jar cache       (default $HOME/.cache/crm-kafka)
#   KAFKA_DATA_DIR   logs/config/pid (default /tmp/crm-kafka-data)
#   KAFKA_HEAP_OPTS  broker heap     (default "-Xms256m -Xmx512m")
#   JAVA             java binary     (default: java on PATH)
# Idempotent: every command is safe to run twice.
set -euo pipefail

readonly KAFKA_VERSION=3.9.1
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly POM="$SCRIPT_DIR/kafka/pom.xml"

readonly CACHE_DIR="${KAFKA_CACHE_DIR:-$HOME/.cache/crm-kafka}/$KAFKA_VERSION"
readonly LIBS_DIR="$CACHE_DIR/libs"
readonly FETCH_MARKER="$LIBS_DIR/.fetch-complete"

readonly DATA_DIR="${KAFKA_DATA_DIR:-/tmp/crm-kafka-data}"
readonly LOG_DIRS="$DATA_DIR/kraft-logs"
readonly CONFIG_FILE="$DATA_DIR/server.properties"
readonly LOG4J_FILE="$DATA_DIR/log4j.properties"
readonly TOOLS_LOG4J_FILE="$DATA_DIR/tools-log4j.properties"
readonly CLIENT_CONFIG_FILE="$DATA_DIR/readiness-client.properties"
readonly BROKER_LOG="$DATA_DIR/server.log"
readonly STDOUT_LOG="$DATA_DIR/kafka.out"
readonly PID_FILE="$DATA_DIR/kafka.pid"
# Outside DATA_DIR so that `stop --wipe` does not delete it.
readonly LOCK_FILE="${DATA_DIR%/}.lock"

readonly HOST=127.0.0.1
readonly BROKER_PORT=9092
readonly CONTROLLER_PORT=9093
# Fixed cluster id (base64 of 16 bytes) so formatted storage is reproducible.
readonly CLUSTER_ID=Y3JtLWxvY2FsLWthZmthMQ

readonly START_TIMEOUT_S=60
readonly STOP_TIMEOUT_S=30

JAVA="${JAVA:-java}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
# Short-lived CLI JVMs (format, readiness check): small heap, fast startup.
readonly TOOL_JVM_OPTS=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true)

log() { printf '[kafka] %s\n' "$*"; }
die() { printf '[kafka] ERROR: %s\n' "$*" >&2; exit 1; }

# True if something accepts TCP connections on host:port.
port_open() { (exec 3<>"/dev/tcp/$1/$2") >/dev/null 2>&1; }

# Serialise start/stop/wipe of the same broker (fd 9; never inherited by the JVM).
lock_broker() {
  exec 9>"$LOCK_FILE"
  flock 9
}

# Pid of the broker this script started, if it is still alive (and still a Kafka JVM).
managed_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(<"$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

# ---------------------------------------------------------------- fetch ----

cmd_fetch() {
  if [[ -f "$FETCH_MARKER" ]]; then
    log "jars for Kafka $KAFKA_VERSION already in $LIBS_DIR"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (needed to download the Kafka jars)"
  mkdir -p "$CACHE_DIR"
  # Serialise concurrent fetches; the winner does the work, the others reuse it.
  exec 8>"$CACHE_DIR/.fetch.lock"
  flock 8
  if [[ -f "$FETCH_MARKER" ]]; then
    exec 8>&-
    log "jars for Kafka $KAFKA_VERSION already in $LIBS_DIR"
    return 0
  fi
  # Download into a temp dir, then move into place, so an interrupted fetch
  # never leaves a half-filled libs dir that looks complete.
  local tmp
  tmp="$(mktemp -d "$CACHE_DIR/libs.tmp.XXXXXX")"
  # shellcheck disable=SC2064  # expand $tmp now: it is local to this function
  trap "rm -rf '$tmp'" EXIT
  log "downloading Kafka $KAFKA_VERSION jars from Maven Central into $LIBS_DIR"
  # Maven's output goes to a log file (shown on failure): Debian's Maven 3.8
  # prints stray ANSI codes even in batch/quiet mode.
  local mvn_log="$CACHE_DIR/fetch.log"
  if ! mvn -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
      -DoutputDirectory="$tmp" -DincludeScope=runtime >"$mvn_log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$mvn_log" | grep -E 'ERROR|WARN' | head -n 40 >&2 || true
    die "maven could not resolve the Kafka jars (full log: $mvn_log)"
  fi
  [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] \
    || die "kafka_2.13-$KAFKA_VERSION.jar missing after download; is KAFKA_VERSION in sync with $POM?"
  date -u +%FT%TZ >"$tmp/.fetch-complete"
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
  trap - EXIT
  exec 8>&-
  log "fetched $(find "$LIBS_DIR" -name '*.jar' | wc -l) jars"
}

# ---------------------------------------------------------------- start ----

write_config() {
  mkdir -p "$DATA_DIR" "$LOG_DIRS"
  cat >"$CONFIG_FILE" <<PROPS
# Generated by scripts/infra/kafka.sh — edits are overwritten on start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$BROKER_PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$BROKER_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$LOG_DIRS
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
num.network.threads=2
num.io.threads=4
log.retention.hours=24
log.segment.bytes=67108864
PROPS

  cat >"$LOG4J_FILE" <<PROPS
# Generated by scripts/infra/kafka.sh — broker logging (reload4j / log4j 1.x syntax).
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$BROKER_LOG
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
PROPS

  cat >"$TOOLS_LOG4J_FILE" <<'PROPS'
# Generated by scripts/infra/kafka.sh — CLI tools only log warnings, to stderr.
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
PROPS

  # Fail fast in the readiness probe instead of the admin client's 60s default.
  cat >"$CLIENT_CONFIG_FILE" <<'PROPS'
request.timeout.ms=3000
default.api.timeout.ms=5000
PROPS
}

# Run a Kafka CLI class from the cached jars.
run_tool() {
  "$JAVA" "${TOOL_JVM_OPTS[@]}" -Dlog4j.configuration="file:$TOOLS_LOG4J_FILE" \
    -cp "$LIBS_DIR/*" "$@"
}

format_storage() {
  if [[ -f "$LOG_DIRS/meta.properties" ]]; then
    return 0
  fi
  log "formatting storage in $LOG_DIRS (cluster id $CLUSTER_ID)"
  run_tool kafka.tools.StorageTool format --ignore-formatted \
    -t "$CLUSTER_ID" -c "$CONFIG_FILE" >/dev/null \
    || die "storage format failed"
}

# Real readiness: the broker answers a metadata request (lists topics).
broker_serves_metadata() {
  timeout 20 "$JAVA" "${TOOL_JVM_OPTS[@]}" -Dlog4j.configuration="file:$TOOLS_LOG4J_FILE" \
    -cp "$LIBS_DIR/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$HOST:$BROKER_PORT" --command-config "$CLIENT_CONFIG_FILE" \
    --list >/dev/null 2>&1
}

# Make the broker create its __consumer_offsets topic now (a group lookup
# triggers it) rather than on the first consumer-group join, where clients
# such as kafkajs log "group coordinator is not available" and retry.
warm_up_group_coordinator() {
  [[ -d "$LOG_DIRS/__consumer_offsets-0" ]] && return 0
  log "creating __consumer_offsets (group coordinator warm-up)"
  timeout 20 "$JAVA" "${TOOL_JVM_OPTS[@]}" -Dlog4j.configuration="file:$TOOLS_LOG4J_FILE" \
    -cp "$LIBS_DIR/*" org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
    --bootstrap-server "$HOST:$BROKER_PORT" --command-config "$CLIENT_CONFIG_FILE" \
    --describe --group crm-infra-warmup >/dev/null 2>&1 || true
}

cmd_start() {
  local t0=$SECONDS pid
  lock_broker
  if pid="$(managed_pid)"; then
    log "already running (pid $pid) on $HOST:$BROKER_PORT"
    return 0
  fi
  if port_open "$HOST" "$BROKER_PORT"; then
    log "something is already listening on $HOST:$BROKER_PORT; treating it as running"
    return 0
  fi
  command -v "$JAVA" >/dev/null || die "java not found (Java 17 required)"

  cmd_fetch
  write_config
  format_storage

  log "starting broker (log: $BROKER_LOG)"
  rm -f "$PID_FILE"
  # setsid: own session, so the broker survives the calling shell/CI step.
  local heap_opts
  read -ra heap_opts <<<"$KAFKA_HEAP_OPTS"
  nohup setsid "$JAVA" "${heap_opts[@]}" \
    -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$LOG4J_FILE" -Dkafka.logs.dir="$DATA_DIR" \
    -cp "$LIBS_DIR/*" kafka.Kafka "$CONFIG_FILE" \
    >"$STDOUT_LOG" 2>&1 </dev/null 8>&- 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"

  local deadline=$((SECONDS + START_TIMEOUT_S))
  local waited_for="port $BROKER_PORT"
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      tail -n 30 "$BROKER_LOG" "$STDOUT_LOG" >&2 2>/dev/null || true
      die "broker exited during startup (see $BROKER_LOG and $STDOUT_LOG)"
    fi
    if port_open "$HOST" "$BROKER_PORT"; then
      waited_for="metadata"
      if broker_serves_metadata; then
        warm_up_group_coordinator
        log "ready on $HOST:$BROKER_PORT (pid $pid, took $((SECONDS - t0))s)"
        return 0
      fi
    fi
    sleep 1
  done
  die "broker (pid $pid) not ready after ${START_TIMEOUT_S}s waiting for $waited_for (see $BROKER_LOG); still running—use '$0 stop' to stop it"
}

# ----------------------------------------------------------------- stop ----

cmd_stop() {
  local wipe=false
  case "${1:-}" in
    "") ;;
    --wipe) wipe=true ;;
    *) die "usage: $0 stop [--wipe]" ;;
  esac

  lock_broker
  local pid
  if pid="$(managed_pid)"; then
    log "stopping broker (pid $pid)"
    kill -TERM "$pid"
    local deadline=$((SECONDS + STOP_TIMEOUT_S))
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        log "still alive after ${STOP_TIMEOUT_S}s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 1
        break
      fi
      sleep 0.5
    done
    log "stopped"
  else
    log "not running (no live broker from $PID_FILE)"
    if port_open "$HOST" "$BROKER_PORT"; then
      log "note: something else is listening on $HOST:$BROKER_PORT; not started by this script, left alone"
    fi
  fi
  rm -f "$PID_FILE"

  if $wipe; then
    log "wiping data dir $DATA_DIR"
    rm -rf "$DATA_DIR"
  fi
}

# --------------------------------------------------------------- status ----

cmd_status() {
  local pid
  if pid="$(managed_pid)"; then
    echo "running (pid $pid, $HOST:$BROKER_PORT, data $DATA_DIR)"
  elif port_open "$HOST" "$BROKER_PORT"; then
    echo "running (something listens on $HOST:$BROKER_PORT; not started by this script)"
  else
    echo "not running"
    return 1
  fi
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) shift; cmd_stop "$@" ;;
  status) cmd_status ;;
  *) echo "usage: $0 fetch | start | stop [--wipe] | status" >&2; exit 2 ;;
esac
