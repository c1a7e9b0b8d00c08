#!/usr/bin/env bash
# scripts/infra/up.sh — bring up everything the CRM services need locally:
# PostgreSQL (databases + crm_app role), Redis, and a single-node Kafka broker.
# Idempotent: already-running services are left as they are.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$here/postgres.sh" ensure
"$here/redis.sh" ensure
"$here/kafka.sh" start
