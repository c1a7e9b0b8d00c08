#!/usr/bin/env bash
# scripts/infra/postgres.sh — make the local PostgreSQL usable by the CRM services.
#
# Usage: scripts/infra/postgres.sh ensure
#
#   ensure  Start the local Debian PostgreSQL cluster if it is not answering,
#           wait (max 30s) until it accepts connections, then create — if
#           missing — the service databases and the application role
#           `crm_app`, and grant it DML-only rights.
#
# Privilege model: migrations run as the superuser `postgres` and own every
# table; the services connect as `crm_app`, which is LOGIN, NOSUPERUSER and
# NOBYPASSRLS (so row-level security for tenant isolation applies to it) and
# can only SELECT/INSERT/UPDATE/DELETE. crm_app never owns tables.
#
# Environment: PGHOST (default 127.0.0.1), PGPORT (default 5432).
# Connects as `psql -U postgres` (trust auth on the dev/CI machine).
# Idempotent: safe to run any number of times.
set -euo pipefail

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
export PGHOST PGPORT

DATABASES=(crm_customer crm_sales crm_analytics crm_platform crm_integration)
APP_ROLE=crm_app
APP_PASSWORD=crm_app
READY_TIMEOUT_S=30

log() { printf '[postgres] %s\n' "$*"; }
die() { printf '[postgres] ERROR: %s\n' "$*" >&2; exit 1; }

is_ready() { pg_isready -q -h "$PGHOST" -p "$PGPORT" >/dev/null 2>&1; }

# psql as the superuser; stop on the first error, no ~/.psqlrc, quiet output.
psql_su() { psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U postgres "$@"; }

start_cluster() {
  case "$PGHOST" in
    127.0.0.1 | localhost | ::1 | /*) ;;
    *) die "not answering at $PGHOST:$PGPORT, and it is not local, so not starting it" ;;
  esac
  # Newest installed major version that has a `main` cluster.
  local version=""
  if [[ -d /etc/postgresql ]]; then
    version="$(find /etc/postgresql -mindepth 2 -maxdepth 2 -type d -name main -printf '%h\n' 2>/dev/null \
      | xargs -r -n1 basename | sort -V | tail -n1)"
  fi
  [[ -n "$version" ]] || die "no PostgreSQL cluster found under /etc/postgresql/*/main; install/create one first (e.g. apt-get install postgresql)"
  log "not running; starting cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start \
    || is_ready || die "pg_ctlcluster $version main start failed (see /var/log/postgresql/postgresql-$version-main.log)"
}

wait_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT_S))
  until is_ready; do
    ((SECONDS < deadline)) || die "not accepting connections at $PGHOST:$PGPORT after ${READY_TIMEOUT_S}s"
    sleep 0.5
  done
  log "accepting connections at $PGHOST:$PGPORT"
}

ensure_role() {
  log "ensuring role $APP_ROLE (LOGIN NOSUPERUSER NOBYPASSRLS)"
  psql_su -d postgres <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
    CREATE ROLE $APP_ROLE LOGIN PASSWORD '$APP_PASSWORD' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  ELSE
    ALTER ROLE $APP_ROLE LOGIN PASSWORD '$APP_PASSWORD' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END
\$\$;
SQL
}

ensure_database() {
  local db="$1"
  local exists
  exists="$(psql_su -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")"
  if [[ "$exists" == 1 ]]; then
    log "database $db exists"
  else
    log "creating database $db"
    # Tolerate a concurrent run having created it in the meantime.
    psql_su -d postgres -c "CREATE DATABASE $db OWNER postgres" \
      || [[ "$(psql_su -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" == 1 ]] \
      || die "could not create database $db"
  fi
}

grant_privileges() {
  local db="$1"
  log "granting $APP_ROLE DML rights in $db"
  psql_su -d postgres -c "GRANT CONNECT ON DATABASE $db TO $APP_ROLE"
  psql_su -d "$db" <<SQL
GRANT USAGE ON SCHEMA public TO $APP_ROLE;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO $APP_ROLE;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO $APP_ROLE;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO $APP_ROLE;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO $APP_ROLE;
SQL
}

cmd_ensure() {
  if ! command -v pg_isready >/dev/null || ! command -v psql >/dev/null; then
    die "pg_isready/psql not found (install postgresql-client)"
  fi
  if is_ready; then
    log "already running at $PGHOST:$PGPORT"
  else
    start_cluster
  fi
  wait_ready
  ensure_role
  local db
  for db in "${DATABASES[@]}"; do
    ensure_database "$db"
    grant_privileges "$db"
  done
  log "ready: ${DATABASES[*]} (app role $APP_ROLE)"
}

case "${1:-}" in
  ensure) cmd_ensure ;;
  *) echo "usage: $0 ensure" >&2; exit 2 ;;
esac
