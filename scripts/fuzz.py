# ruff: noqa: S310, S603, S607 - runs this project's own commands against a local server
"""`make fuzz`: schemathesis over the OpenAPI spec of a real server, with a fixed seed, as each
role (anonymous, TTO officer, enterprise member, auditor, admin).

Checks: no server error (5xx other than the documented 503), every status code documented, every
response body matching its schema. Exit status 0 only when all runs pass.

    uv run python scripts/fuzz.py [--examples N] [--seed S] [--database-url URL]

A fresh SQLite database in a temporary directory unless `--database-url` is given (it is
migrated, and one organisation and user per role is added).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _actors(database_url: str) -> dict[str, str]:
    """One organisation and user per role; role → access token."""
    from openlicense.accounts.models import ROLE_FOR_KIND, Organisation, OrganisationKind, User
    from openlicense.accounts.passwords import hash_password
    from openlicense.accounts.tokens import issue_access_token
    from openlicense.db import session_maker, sqlalchemy_config
    from openlicense.settings import Settings

    settings = Settings(database={"url": database_url})  # type: ignore[arg-type]
    config = sqlalchemy_config(settings)
    sessions = session_maker(config)
    tokens: dict[str, str] = {}
    async with sessions.begin() as session:
        for kind in OrganisationKind:
            org = Organisation(name=f"fuzz {kind.value}", kind=kind, province="浙江")
            session.add(org)
            await session.flush()
            user = User(
                email=f"fuzz-{kind.value}-{uuid.uuid4().hex[:6]}@fuzz.test",
                display_name=f"Fuzz {kind.value}",
                password_hash=hash_password("fuzz-password-123"),
                role=ROLE_FOR_KIND[kind],
                organisation_id=org.id,
            )
            session.add(user)
            await session.flush()
            tokens[ROLE_FOR_KIND[kind].value] = issue_access_token(
                user.id,
                secret=settings.auth.jwt_secret.get_secret_value(),
                ttl_minutes=240,
            )
    await config.get_engine().dispose()
    return tokens


def _wait(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=7, help="cases per operation and role")
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--min-cases", type=int, default=2000, help="fail below this total")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="openlicense-fuzz-") as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/fuzz.sqlite3"
        env = {
            **os.environ,
            "OPENLICENSE_DATABASE__URL": url,
            "OPENLICENSE_DATA_DIR": tmp,
            "OPENLICENSE_LIFECYCLE__WORKER_ENABLED": "false",
            "OPENLICENSE_STRIPE__RECONCILE_WORKER_ENABLED": "false",
        }
        os.environ.update(env)
        subprocess.run(["openlicense", "db", "upgrade"], check=True, env=env, cwd=ROOT)
        tokens = asyncio.run(_actors(url))
        port = _free_port()
        server = subprocess.Popen(
            ["openlicense", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(tmp) / "server.log", "w"),  # noqa: SIM115 - closed with the dir
        )
        try:
            base = f"http://127.0.0.1:{port}"
            try:
                _wait(f"{base}/health")
            except SystemExit:
                print((Path(tmp) / "server.log").read_text()[-4000:])
                raise
            failed = []
            cases = 0
            for role, token in [("anonymous", None), *sorted(tokens.items())]:
                print(f"--- fuzzing as {role}", flush=True)
                command = [
                    "st",
                    "--config-file",
                    str(ROOT / "scripts" / "fuzz-schemathesis.toml"),
                    "run",
                    f"{base}/schema/openapi.json",
                    "--url",
                    base,
                    "--include-path-regex",
                    "^/api/",
                    "--checks",
                    CHECKS,
                    "--max-examples",
                    str(args.examples),
                    "--seed",
                    str(args.seed),
                    "--phases",
                    "examples,fuzzing",
                    "--workers",
                    "2",
                    "--request-timeout",
                    "30",
                ]
                if token:
                    command += ["--header", f"Authorization: Bearer {token}"]
                run = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
                print(run.stdout[-6000:], run.stderr[-2000:], sep="\n", flush=True)
                found = re.search(r"(\d+) generated", run.stdout)
                cases += int(found.group(1)) if found else 0
                if run.returncode != 0:
                    failed.append(role)
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(f"{cases} cases in all")
        if cases < args.min_cases:
            failed.append(f"too few cases ({cases} < {args.min_cases})")
        if failed:
            log = (Path(tmp) / "server.log").read_text()[-4000:]
            print(f"fuzzing failed as: {', '.join(failed)}\n--- server log (tail)\n{log}")
            return 1
    print("fuzzing passed for every role")
    return 0


if __name__ == "__main__":
    sys.exit(main())
