#!/usr/bin/env bash
# Starts the whole product on embedded defaults: PGlite databases under .data/, an in-process
# event bus and an in-memory cache — nothing else needs to be installed or running.
# Migrates, seeds a demo tenant, starts the five subgraphs, the gateway and the web app,
# and prints the URLs and demo credentials. Ctrl-C stops everything.
# Set DATABASE_URL_<DOMAIN>, KAFKA_BROKERS and REDIS_URL to run against real services instead.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"

log "building the web app"
pnpm --filter @crm/web build >/dev/null

exec pnpm exec tsx packages/stack/src/main.ts
