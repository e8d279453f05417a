#!/usr/bin/env bash
# Run the whole suite (each DB test on SQLite and PostgreSQL). Pytest's exit code 5 means it
# collected no tests: treat it as the failure it is.
set -uo pipefail
UV="${UV:-$(scripts/ensure-uv.sh)}"
"$UV" run --locked pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing the run" >&2
  exit 1
fi
exit "$status"
