#!/usr/bin/env bash
# Benchmarks against real PostgreSQL, Redis and Kafka (started if needed), in sequence:
#   1. bench/board-read.ts  — the pipeline board read (500 deals) through the gateway
#   2. bench/fanout.ts      — 1,000 graphql-ws subscribers, 20 deal moves/s, commit -> receipt
#   3. bench/write-path.ts  — moveDeal mutations/s with the outbox and Kafka on
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
