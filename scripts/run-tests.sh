#!/usr/bin/env bash
# The test command of the README: lint and types first (cheap, and a type error is a bug), then
# the whole suite (each DB test on SQLite and PostgreSQL). Pytest's exit code 5 means it collected
# no tests: treat it as the failure it is. Arguments go to pytest.
set -uo pipefail
UV="${UV:-$(scripts/ensure-uv.sh)}"
"$UV" run --locked ruff check src tests scripts migrations || exit 1
"$UV" run --locked mypy || exit 1
"$UV" run --locked pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing the run" >&2
  exit 1
fi
exit "$status"
