#!/usr/bin/env bash
# Print the path of a `uv` to use, installing one if needed — without `pip install --user`, which
# Debian 12/13's system Python refuses (PEP 668, "externally-managed-environment"): uv goes into a
# private virtual environment under .tools/ in the repository. Idempotent and quiet.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v uv >/dev/null 2>&1; then
  command -v uv
  exit 0
fi
for candidate in "$HOME/.local/bin/uv" ".tools/uv/bin/uv"; do
  if [ -x "$candidate" ]; then
    echo "$candidate"
    exit 0
  fi
done
echo "==> installing uv into .tools/uv (a private virtual environment)" >&2
python3 -m venv .tools/uv >&2 || {
  echo "error: python3 -m venv failed; on Debian install it with: sudo apt-get install python3-venv" >&2
  exit 1
}
.tools/uv/bin/python -m pip install --quiet --disable-pip-version-check uv >&2
echo ".tools/uv/bin/uv"
