#!/usr/bin/env bash
# Runs the whole test suite against real PostgreSQL, Redis and Kafka, starting them if needed.
# Ends with one line `N passed, N failed`; exits non-zero when anything failed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"

log "starting PostgreSQL, Redis and Kafka (if not running)"
bash scripts/infra/up.sh
log "headless Chromium for the browser tests (Debian package, if missing)"
bash scripts/infra/chromium.sh

source scripts/lib/real-env.sh
log "applying migrations"
pnpm db:migrate

log "type-checking and linting"
typecheck_status=0
{ pnpm exec turbo run typecheck --output-logs=errors-only && pnpm exec tsc -p tsconfig.json && pnpm lint; } || typecheck_status=$?

results="$repo_root/.test-results"
rm -rf "$results" && mkdir -p "$results"
run_status=0
log "unit, integration and end-to-end tests"
pnpm exec vitest run --project unit --project int --project e2e \
  --reporter=default --reporter=json --outputFile.json="$results/main.json" || run_status=$?
log "fault tests (restart shared services; run alone)"
pnpm exec vitest run --project fault --passWithNoTests \
  --reporter=default --reporter=json --outputFile.json="$results/fault.json" || run_status=$?

node scripts/lib/summarize-tests.mjs "$results"/*.json --typecheck "$typecheck_status" --status "$run_status"
