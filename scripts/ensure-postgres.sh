#!/usr/bin/env bash
# Make sure a local PostgreSQL (Debian package) is installed, running, and has the test role.
# Idempotent; used by `make test`. Needs root (or passwordless sudo) the first time.
set -euo pipefail

cd "$(dirname "$0")/.."
# A server that already answers at OPENLICENSE_TEST_POSTGRES_URL (another host, a container, a
# managed database) is used as is: nothing to install, start or create.
if [ -x .venv/bin/python ] && .venv/bin/python scripts/postgres_answers.py; then
  echo "PostgreSQL answers at ${OPENLICENSE_TEST_POSTGRES_URL:-the default test URL}"
  exit 0
fi

ROLE="${OPENLICENSE_PG_ROLE:-openlicense}"
PASSWORD="${OPENLICENSE_PG_PASSWORD:-openlicense}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo -n"; fi

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "==> installing PostgreSQL (Debian package)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  VERSION="$(ls /usr/lib/postgresql | sort -V | tail -1)"
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^${VERSION} main$"; then
    $SUDO pg_createcluster "$VERSION" main
  fi
  echo "==> starting PostgreSQL ${VERSION}"
  $SUDO pg_ctlcluster "$VERSION" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -n -u postgres "$@"; fi
}

if ! as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname='${ROLE}'" | grep -q 1; then
  echo "==> creating role ${ROLE}"
  as_postgres psql -q -c "CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}' CREATEDB"
fi
pg_isready -h 127.0.0.1 -p 5432
