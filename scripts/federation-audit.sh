#!/usr/bin/env bash
# Runs the federation correctness suite graphql-hive/federation-gateway-audit against this
# product's gateway (gateway/src/federation-audit.ts: createGateway as in production, over
# each test suite's supergraph). Prints the suite's summary; per-suite results land in
# $AUDIT_DIR/gateways/crm-gateway/results.txt and its logs/ folder.
#
#   bash scripts/federation-audit.sh
#   AUDIT_DIR=/path/to/a/checkout bash scripts/federation-audit.sh   # no network needed
#
# AUDIT_DIR defaults to .cache/federation-gateway-audit, cloned from GitHub when missing.
# The audit's runtime dependencies come from the npm registry (`npm ci --omit=dev`: its dev
# dependencies are the other gateways, not needed here); it runs with this project's tsx.
# Uses ports 4000 and 4200: stop `npm start` first.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
AUDIT_DIR="${AUDIT_DIR:-$ROOT/.cache/federation-gateway-audit}"
AUDIT_REPO="${AUDIT_REPO:-https://github.com/graphql-hive/federation-gateway-audit}"

if [ ! -f "$AUDIT_DIR/package.json" ]; then
  echo "==> cloning $AUDIT_REPO into $AUDIT_DIR"
  git clone --depth 1 "$AUDIT_REPO" "$AUDIT_DIR"
fi
if [ ! -d "$AUDIT_DIR/node_modules" ]; then
  echo "==> installing the audit's dependencies"
  (cd "$AUDIT_DIR" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
fi
if [ ! -f "$AUDIT_DIR/node_modules/graphql/package.json" ]; then
  # graphql is a peer dependency the audit otherwise gets through its dev dependencies
  version="$(node -p "require('$AUDIT_DIR/package.json').overrides.graphql.replace(/^\\^/, '')")"
  (cd "$AUDIT_DIR/node_modules" && tgz="$(npm pack "graphql@$version" --silent)" && mkdir -p graphql && tar -xzf "$tgz" -C graphql --strip-components=1 && rm "$tgz")
fi
TSX="$ROOT/node_modules/.bin/tsx"
# the audit is written for Node 22
export NODE_OPTIONS="${NODE_OPTIONS:-} --import $ROOT/scripts/lib/promise-with-resolvers.mjs"
if [ ! -d "$ROOT/node_modules" ]; then
  echo "==> installing this project's dependencies"
  (cd "$ROOT" && pnpm install --frozen-lockfile && pnpm -s turbo run generate)
fi

GATEWAY_DIR="$AUDIT_DIR/gateways/crm-gateway"
mkdir -p "$GATEWAY_DIR"
cat > "$GATEWAY_DIR/gateway.json" <<JSON
{
  "name": "CRM gateway",
  "repository": "this repository",
  "website": "",
  "graphql": "http://127.0.0.1:4000/graphql",
  "health": "http://127.0.0.1:4000/ready"
}
JSON
cat > "$GATEWAY_DIR/run.sh" <<SH
cd "$AUDIT_DIR" && "$TSX" ./src/cli.ts supergraph --cwd ./gateways/crm-gateway --test \$1
exec "$TSX" "$ROOT/gateway/src/federation-audit.ts" "$GATEWAY_DIR/supergraph.graphql"
SH

cd "$AUDIT_DIR"
# each suite starts a fresh gateway process (tsx compiles it first): give it time to be ready
export GATEWAY_TIMEOUT="${GATEWAY_TIMEOUT:-60000}"
"$TSX" ./src/cli.ts test --cwd ./gateways/crm-gateway --run-script ./run.sh --reporter dot \
  --graphql http://127.0.0.1:4000/graphql --healthcheck http://127.0.0.1:4000/ready
echo "==> per-suite results: $GATEWAY_DIR/results.txt"
tail -4 "$GATEWAY_DIR/results.txt"
