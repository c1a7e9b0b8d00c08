#!/usr/bin/env bash
# Benchmarks against real PostgreSQL, Redis and Kafka (started if needed), in sequence:
#   1. bench/board-read.ts  — the pipeline board read (500 deals) through the gateway
#   2. bench/fanout.ts      — 1,000 graphql-ws subscribers, 20 deal moves/s, commit -> receipt
#   3. bench/write-path.ts  — moveDeal mutations/s with the outbox and Kafka on
#   4. bench/search.ts      — global search over 100,000 contacts, 50 req/s open loop (BENCH_SEARCH_CONTACTS, BENCH_SEARCH_RATE)
#   5. bench/csv-import.ts  — CSV import of 100,000 contacts with 5% duplicates (BENCH_IMPORT_ROWS)
#   6. bench/web-to-lead.ts — 1,000 public form posts, 10 in flight, with assignment and scoring rules (BENCH_POSTS, BENCH_CONCURRENCY)
#   7. bench/deals-forecast.ts — deal list page, groups and forecast over 20,000 deals (BENCH_DEALS, BENCH_REQUESTS)
#   8. bench/web-app.ts     — web bundle size (gzip) and the board's time to interactive with 500 deals in headless Chromium (BENCH_RUNS)
# Each is bounded (under a minute of load) and stops by itself. Prints figures; record them in
# docs/benchmarks.md with this command. Knobs: BENCH_DEALS, BENCH_SECONDS, BENCH_SUBSCRIBERS,
# BENCH_TENANTS, BENCH_RATE, BENCH_CONNECTIONS (see each script).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
bash scripts/infra/up.sh >/dev/null
source scripts/lib/real-env.sh
pnpm db:migrate >/dev/null
export NODE_ENV=production LOG_LEVEL="${LOG_LEVEL:-silent}"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
pnpm exec tsx bench/board-read.ts
pnpm exec tsx bench/fanout.ts
pnpm exec tsx bench/write-path.ts
pnpm exec tsx bench/search.ts
pnpm exec tsx bench/csv-import.ts
pnpm exec tsx bench/web-to-lead.ts
pnpm exec tsx bench/deals-forecast.ts
pnpm exec tsx bench/web-app.ts
