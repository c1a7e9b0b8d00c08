#!/usr/bin/env bash
# scripts/infra/down.sh — stop what up.sh started and owns: the Kafka broker.
# PostgreSQL and Redis are machine services shared with others; they are left
# running. Pass --wipe to also delete Kafka's data dir.
# Idempotent: a no-op when Kafka is not running.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$here/kafka.sh" stop "$@"
