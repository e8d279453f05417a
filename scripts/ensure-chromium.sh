#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (tests/web), which Playwright
# drives through `executable_path` — never a downloaded browser build (no `playwright install`).
# Idempotent; needs root (or passwordless sudo) only when the package is missing.
set -euo pipefail

BROWSER="/usr/lib/chromium/chromium"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo -n"; fi

if [ ! -x "$BROWSER" ]; then
  echo "==> installing chromium (Debian package)" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [ ! -x "$BROWSER" ]; then
  echo "error: chromium is installed but ${BROWSER} is missing" >&2
  exit 1
fi
"$BROWSER" --version
