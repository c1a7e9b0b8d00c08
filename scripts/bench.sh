#!/usr/bin/env bash
# Benchmarks against real PostgreSQL, Redis and Kafka (started if needed). Prints figures;
# record them in docs/benchmarks.md with this command.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
bash scripts/infra/up.sh >/dev/null
source scripts/lib/real-env.sh
pnpm db:migrate >/dev/null
LOG_LEVEL=silent pnpm exec tsx bench/board-read.ts
