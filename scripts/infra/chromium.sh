#!/usr/bin/env bash
# Headless Chromium for the web app's browser tests (clients/web/e2e), from Debian's own
# `chromium` package: playwright-core drives it at /usr/bin/chromium, and no browser build is
# ever downloaded. Idempotent: does nothing when Chromium is already installed.
set -euo pipefail

CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"

if [[ -x "$CHROMIUM_BIN" ]] && "$CHROMIUM_BIN" --version >/dev/null 2>&1; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium.sh: $CHROMIUM_BIN is missing and apt-get is not available; install Debian's chromium package" >&2
  exit 1
fi

sudo_cmd=()
if [[ "$(id -u)" != 0 ]]; then sudo_cmd=(sudo); fi

echo "==> installing chromium (Debian package)"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null

"$CHROMIUM_BIN" --version
