# ruff: noqa: S603 - runs this project's own server
"""`make load`: 8 writers and 8 readers against a real server for 60 s, on SQLite and on
PostgreSQL, then a check that nothing acknowledged was lost.

Each writer creates a patent (`POST /api/patents`) and asks for its register refresh (`POST
…/register/refresh`, a ledger entry); each reader lists patents and reads one. Reported per
database: requests, 5xx count, read p50/p99. Asserted: no 5xx other than 503 (a documented,
retryable answer, counted), every acknowledged patent in the database, every acknowledged
refresh in the ledger.

    uv run python scripts/load.py [--seconds 60] [--writers 8] [--readers 8]
                                  [--db sqlite,postgresql]
    uv run python scripts/load.py --fault   # PostgreSQL restarted mid-run (systemctl/service)

The fault run restarts the machine's PostgreSQL: never while other work uses it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import OPENLICENSE, Database, openlicense, sessions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from builders import patent_payload


@dataclass
class Tally:
    writes: int = 0
    reads: int = 0
    server_errors: int = 0
    busy: int = 0
    timeouts: int = 0
    read_seconds: list[float] = field(default_factory=list)
    patents: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _token(db: Database) -> str:
    from openlicense.accounts.models import Organisation, OrganisationKind, Role, User
    from openlicense.accounts.passwords import hash_password
    from openlicense.accounts.tokens import issue_access_token
    from openlicense.settings import Settings

    async with sessions(db) as maker, maker.begin() as session:
        org = Organisation(name="load 大学", kind=OrganisationKind.UNIVERSITY, province="浙江")
        session.add(org)
        await session.flush()
        user = User(
            email=f"load-{uuid.uuid4().hex[:8]}@load.test",
            display_name="Load",
            password_hash=hash_password("load-password-123"),
            role=Role.TTO_OFFICER,
            organisation_id=org.id,
        )
        session.add(user)
        await session.flush()
        secret = Settings(_env_file=None).auth.jwt_secret.get_secret_value()  # type: ignore[call-arg]
        return issue_access_token(user.id, secret=secret, ttl_minutes=120)


async def _writer(
    client: httpx.AsyncClient, headers: dict[str, str], until: float, t: Tally
) -> None:
    while time.monotonic() < until:
        try:
            created = await client.post("/api/patents", json=patent_payload(), headers=headers)
        except httpx.TimeoutException:
            t.timeouts += 1
            continue
        t.writes += 1
        if created.status_code == 201:
            patent_id = created.json()["id"]
            t.patents.append(patent_id)
            try:
                refresh = await client.post(
                    f"/api/patents/{patent_id}/register/refresh", headers=headers
                )
            except httpx.TimeoutException:
                t.timeouts += 1
                continue
            t.writes += 1
            if refresh.status_code == 202:
                t.refreshed.append(patent_id)
            _count(refresh.status_code, t)
        else:
            _count(created.status_code, t)


async def _reader(client: httpx.AsyncClient, until: float, t: Tally) -> None:
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            listed = await client.get("/api/patents?limit=20")
        except httpx.TimeoutException:
            t.timeouts += 1
            continue
        t.read_seconds.append(time.perf_counter() - started)
        t.reads += 1
        _count(listed.status_code, t)
        if t.patents:
            started = time.perf_counter()
            one = await client.get(f"/health?{len(t.patents)}")
            t.read_seconds.append(time.perf_counter() - started)
            t.reads += 1
            _count(one.status_code, t)


def _count(status: int, t: Tally) -> None:
    if status == 503:
        t.busy += 1
    elif status >= 500:
        t.server_errors += 1


async def _check(db: Database, t: Tally) -> tuple[int, int]:
    """How many acknowledged patents and refreshes are missing."""
    from sqlalchemy import select

    from openlicense.audit.models import LedgerEntry
    from openlicense.catalogue.models import Patent

    async with sessions(db) as maker, maker() as session:
        stored = {str(i) for i in await session.scalars(select(Patent.id))}
        ledgered = set(
            await session.scalars(
                select(LedgerEntry.subject_id).where(
                    LedgerEntry.action == "patent.register_refresh_requested"
                )
            )
        )
    return len(set(t.patents) - stored), len(set(t.refreshed) - ledgered)


async def _drive(base: str, token: str, args: argparse.Namespace, t: Tally) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    until = time.monotonic() + args.seconds
    limits = httpx.Limits(max_connections=args.writers + args.readers + 4)
    async with httpx.AsyncClient(base_url=base, timeout=args.timeout, limits=limits) as client:
        await asyncio.gather(
            *(_writer(client, headers, until, t) for _ in range(args.writers)),
            *(_reader(client, until, t) for _ in range(args.readers)),
            _fault(args) if args.fault else asyncio.sleep(0),
        )


async def _fault(args: argparse.Namespace) -> None:
    """Restart PostgreSQL in the middle of the run."""
    await asyncio.sleep(args.seconds / 2)
    print("restarting PostgreSQL …", flush=True)
    for command in (["systemctl", "restart", "postgresql"], ["service", "postgresql", "restart"]):
        with contextlib.suppress(OSError):
            process = await asyncio.create_subprocess_exec(
                *command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            if await process.wait() == 0:
                return
    print("could not restart PostgreSQL (no systemctl/service): fault not injected")


def run_one(kind: str, args: argparse.Namespace, workdir: Path) -> bool:
    db = Database(kind, f"openlicense_load_{os.getpid()}", workdir)
    db.recreate()
    try:
        openlicense(db, "db", "upgrade")
        token = asyncio.run(_token(db))
        port = _free_port()
        env = db.env(
            OPENLICENSE_LIFECYCLE__WORKER_ENABLED="false",
            OPENLICENSE_STRIPE__RECONCILE_WORKER_ENABLED="false",
        )
        log = (workdir / f"server-{kind}.log").open("w")
        server = subprocess.Popen(
            [*OPENLICENSE, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/health", timeout=2).status_code < 500:
                        break
                time.sleep(0.3)
            t = Tally()
            asyncio.run(_drive(base, token, args, t))
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        lost_patents, lost_ledger = asyncio.run(_check(db, t))
    finally:
        db.drop()
    reads = sorted(t.read_seconds) or [0.0]
    p99 = reads[min(len(reads) - 1, int(len(reads) * 0.99))]
    print(
        f"{kind}: {t.writes} writes, {t.reads} reads, {t.server_errors} 5xx, {t.busy} busy (503), "
        f"{t.timeouts} timeouts; read p50 {statistics.median(reads) * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms (target < 1000); acknowledged: {len(t.patents)} patents "
        f"({lost_patents} lost), {len(t.refreshed)} ledger entries ({lost_ledger} lost)",
        flush=True,
    )
    return t.server_errors == 0 and lost_patents == 0 and lost_ledger == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--fault", action="store_true", help="restart PostgreSQL mid-run")
    args = parser.parse_args()
    kinds = ["postgresql"] if args.fault else args.db.split(",")
    with tempfile.TemporaryDirectory(prefix="openlicense-load-") as tmp:
        results = {kind: run_one(kind, args, Path(tmp)) for kind in kinds}
        bad = [k for k, ok in results.items() if not ok]
        for kind in bad:  # the server's log tells what the 5xx were
            kept = Path("var") / f"load-server-{kind}.log"
            kept.parent.mkdir(exist_ok=True)
            shutil.copyfile(Path(tmp) / f"server-{kind}.log", kept)
            print(f"server log of the failed {kind} run: {kept}")
    if bad:
        print(f"load run failed on: {', '.join(bad)}")
        return 1
    print("load run passed: no 5xx, nothing acknowledged lost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
