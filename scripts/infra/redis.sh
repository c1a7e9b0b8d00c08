#!/usr/bin/env bash
# scripts/infra/redis.sh — make sure the local Redis is up for the CRM services.
#
# Usage: scripts/infra/redis.sh ensure
#
#   ensure  If `redis-cli ping` on 127.0.0.1:6379 does not answer PONG, start a
#           daemonized, non-persistent redis-server (no RDB, no AOF) and wait
#           (max 15s) for PONG. Does nothing if Redis is already up.
#
# Environment: REDIS_HOST (default 127.0.0.1), REDIS_PORT (default 6379).
# Idempotent: safe to run any number of times.
set -euo pipefail

REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_DIR=/var/lib/redis
REDIS_LOG_DIR=/var/log/redis
READY_TIMEOUT_S=15

log() { printf '[redis] %s\n' "$*"; }
die() { printf '[redis] ERROR: %s\n' "$*" >&2; exit 1; }

is_ready() { [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

start_redis() {
  case "$REDIS_HOST" in
    127.0.0.1 | localhost | ::1) ;;
    *) die "no PONG from $REDIS_HOST:$REDIS_PORT, and it is not local, so not starting it" ;;
  esac
  command -v redis-server >/dev/null || die "redis-server not found (install redis-server)"
  mkdir -p "$REDIS_DIR" "$REDIS_LOG_DIR"
  log "not running; starting redis-server on port $REDIS_PORT"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
    --save "" --appendonly no --dir "$REDIS_DIR" --logfile "$REDIS_LOG_DIR/ci.log"
}

cmd_ensure() {
  command -v redis-cli >/dev/null || die "redis-cli not found (install redis-tools)"
  if is_ready; then
    log "already running at $REDIS_HOST:$REDIS_PORT"
    return 0
  fi
  start_redis
  local deadline=$((SECONDS + READY_TIMEOUT_S))
  until is_ready; do
    ((SECONDS < deadline)) || die "no PONG from $REDIS_HOST:$REDIS_PORT after ${READY_TIMEOUT_S}s (see $REDIS_LOG_DIR/ci.log)"
    sleep 0.2
  done
  log "ready at $REDIS_HOST:$REDIS_PORT"
}

case "${1:-}" in
  ensure) cmd_ensure ;;
  *) echo "usage: $0 ensure" >&2; exit 2 ;;
esac
