#!/usr/bin/env bash
# Sourced by start.sh, test.sh and bench.sh: makes sure this checkout can run.
# Installs pnpm 10 with npm when missing (corepack's signature check fails on some machines),
# installs dependencies from the lockfile, and generates Prisma clients and resolver types.
# Nothing here downloads a binary outside the npm registry.

PNPM_VERSION="10.34.9"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"

log() { printf '\033[1m==>\033[0m %s\n' "$*"; }

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version 2>/dev/null)" != 10.* ]]; then
  log "installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" --no-fund --no-audit >/dev/null
fi

log "installing dependencies"
pnpm install --frozen-lockfile --prefer-offline --reporter=silent

log "generating Prisma clients and GraphQL types"
pnpm exec turbo run generate --output-logs=errors-only >/dev/null
