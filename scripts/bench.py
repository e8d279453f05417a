"""`make bench`: the request path of issue 10, measured against a bare Litestar handler.

For each database (SQLite file, PostgreSQL database — both created fresh) and each size (2k, 20k
and 100k patents by default; the data set grows between sizes, `seed` is incremental):
1. migrate, seed to N patents, reindex;
2. serve the app (`uvicorn openlicense.app:create_app --factory`, one worker) next to the bare
   handler (`scripts/bare_app.py`, same uvicorn settings);
3. drive both with `wrk` in interleaved rounds (bare, app, bare, app …) on `GET /health`,
   `GET /api/patents/{id}` (random published ids, `wrk/detail.lua`) and `GET /api/patents`
   (20 a page, following `next_cursor` when the API gives one, else offset paging,
   `wrk/list.lua`): rps and p99 per round, medians, and the median of the per-round ratios
   app / bare.
On PostgreSQL at the largest size, then:
4. licence acceptances by 16 SMEs at once (`wrk/accept.lua`, distinct published declarations,
   an Idempotency-Key each): 201s per second; afterwards no declaration accepted twice by the
   same organisation, and `openlicense audit verify` clean;
5. `/health` p99 while 4 contract PDFs render and 8 logins run, against `/health` alone.
Finally the growth of the list and detail p99 from the smallest to the largest size.

Writes var/bench/bench-<date>.json and var/bench/bench-latest.json; prints the table
(`--markdown` prints it again from the JSON, for docs/performance.md).

    uv run python scripts/bench.py                      # the full run (about 30 minutes)
    uv run python scripts/bench.py --smoke              # 2k patents, short rounds (CI)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from bench_drivers import acceptance_run, health_under_load
from bench_report import ENDPOINTS, growth, markdown, targets
from benchlib import (
    ROOT,
    VAR,
    WRK,
    Database,
    machine,
    median,
    openlicense,
    sessions,
    update_doc,
    write_json,
    wrk,
)

SERVER_FLAGS = ["--host", "127.0.0.1", "--no-access-log", "--log-level", "warning"]


class Server:
    """A uvicorn process on a free port, stopped on exit."""

    def __init__(self, target: list[str], env: dict[str, str], port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "uvicorn", *target, "--port", str(port), *SERVER_FLAGS]
        self.log = VAR / f"server-{port}.log"  # the app logs each PDF's font subsetting
        VAR.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own servers
                command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )

    def wait_ready(self) -> None:
        for _ in range(600):
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"server on port {self.port} exited, see {self.log}")
            time.sleep(0.1)
        raise SystemExit(f"server on port {self.port} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def first_reads(url: str, ids: list[str], args: argparse.Namespace, which: str) -> dict[str, Any]:
    """Before the detail rounds, read every benchmarked patent once (16 at a time); before the
    list rounds, walk the list pages once (one client). These reads find no copy in memory and
    go to the database (the app keeps published documents and public pages in memory,
    catalogue/service/published.py), so their rate is the cold read path; the rounds then
    measure the warm one, as a running service serves its popular listings."""

    async def details(client: httpx.AsyncClient) -> dict[str, Any]:
        gate = asyncio.Semaphore(args.connections)

        async def one(path: str) -> int:
            async with gate:
                return (await client.get(path)).status_code

        started = time.perf_counter()
        statuses = await asyncio.gather(*(one(f"/api/patents/{i}") for i in ids))
        return {
            "detail_statuses": {str(c): statuses.count(c) for c in sorted(set(statuses))},
            "detail_reads": len(ids),
            "detail_rps": round(len(ids) / (time.perf_counter() - started), 1),
        }

    async def pages(client: httpx.AsyncClient) -> dict[str, Any]:
        started, cursor, walked = time.perf_counter(), None, 0
        for _ in range(args.pages):
            params = {"limit": "20", **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/api/patents", params=params)).json()
            walked += 1
            cursor = page.get("next_cursor")
            if not cursor:
                break
        return {
            "list_pages": walked,
            "list_rps_one_client": round(walked / (time.perf_counter() - started), 1),
        }

    async def run() -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            return await (details(client) if which == "detail" else pages(client))

    result = asyncio.run(run())
    print(f"   first reads (database, no copy yet): {result}", flush=True)
    return result


def published_ids(db: Database, count: int = 2000) -> list[str]:
    from sqlalchemy import func, select

    from openlicense.catalogue.models import ListingStatus, Patent

    async def run() -> list[str]:
        async with sessions(db) as maker, maker() as session:
            query = (
                select(Patent.id)
                .where(Patent.listing_status == ListingStatus.PUBLISHED)
                .order_by(func.random())
                .limit(count)
            )
            return [str(i) for i in await session.scalars(query)]

    return asyncio.run(run())


def endpoint_rounds(
    bare: Server,
    app: Server,
    path: str,
    script: Path | None,
    env: dict[str, str],
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Interleaved rounds (bare, app, bare, app …) after a short warm-up of each."""
    for server in (bare, app):
        wrk(server.url + path, duration=1, connections=args.connections, script=script, env=env)
    runs: dict[str, list[dict[str, Any]]] = {"bare": [], "app": []}
    for _ in range(args.rounds):
        for name, server in (("bare", bare), ("app", app)):
            run = wrk(
                server.url + path,
                duration=args.duration,
                connections=args.connections,
                script=script,
                env=env,
            )
            run.pop("raw")
            runs[name].append(run)
    ratios = [a["rps"] / b["rps"] for a, b in zip(runs["app"], runs["bare"], strict=True)]
    return {
        "bare": _medians(runs["bare"]),
        "app": _medians(runs["app"]),
        "ratio": round(median(ratios), 3),
        "rounds": runs,
    }


def _medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "rps": round(median([r["rps"] for r in runs]), 1),
        "p50_ms": round(median([r["p50_ms"] for r in runs]), 2),
        "p99_ms": round(median([r["p99_ms"] for r in runs]), 2),
        "errors": sum(r["errors"] for r in runs),
    }


def prepare(db: Database, patents: int, *, fresh: bool) -> dict[str, float]:
    if fresh:
        db.recreate()
        openlicense(db, "db", "upgrade")
    seeded = openlicense(db, "seed", "--patents", str(patents))
    # Today's lifecycle pass (listings of ended patents closed, overdue notices …) once before
    # the app starts, as a running service has done it already: not in the app's first rounds.
    openlicense(db, "jobs", "run")
    indexed = openlicense(db, "search", "reindex")
    return {"seed_s": round(seeded.wall_s, 1), "index_s": round(indexed.wall_s, 1)}


def bench_size(
    db: Database, patents: int, bare: Server, args: argparse.Namespace, *, fresh: bool
) -> dict[str, Any]:
    print(f"\n== {db.kind}, {patents:,} patents: preparing", flush=True)
    result: dict[str, Any] = {"prepare": prepare(db, patents, fresh=fresh)}
    app = Server(["openlicense.app:create_app", "--factory"], db.env(), args.port_app)
    try:
        app.wait_ready()
        ids = db.workdir / f"ids-{db.name}.txt"
        ids.write_text("\n".join(published_ids(db)) + "\n")
        env = {"IDS": str(ids), "PAGES": str(args.pages), "CONNECTIONS": str(args.connections)}
        for name, (path, script) in ENDPOINTS.items():
            if name in ("detail", "list"):  # just before their rounds, see first_reads
                cold = first_reads(app.url, ids.read_text().split(), args, name)
                result.setdefault("first_reads", {}).update(cold)
            lua = WRK / script if script else None
            result[name] = endpoint_rounds(bare, app, path, lua, env, args)
            r = result[name]
            print(
                f"   {name:8} app {r['app']['rps']:8.1f} rps p99 {r['app']['p99_ms']:7.1f} ms"
                f" | bare {r['bare']['rps']:8.1f} rps | ratio {r['ratio']}",
                flush=True,
            )
        if db.kind == "postgresql" and patents == max(args.sizes) and not args.no_acceptance:
            result["acceptance"] = acceptance_run(db, app.url, args)
            result["health_under_load"] = health_under_load(db, app.url, args, wrk)
    finally:
        app.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="2000,20000,100000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk round")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--pages", type=int, default=50, help="list pages browsed in a row")
    parser.add_argument("--smes", type=int, default=16)
    parser.add_argument("--accept-duration", type=float, default=10)
    parser.add_argument("--no-acceptance", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="2k patents, 1 short round")
    parser.add_argument("--port-app", type=int, default=18731)
    parser.add_argument("--port-bare", type=int, default=18732)
    parser.add_argument(
        "--update-docs",
        action="store_true",
        help="with --markdown: write the tables into docs/performance.md",
    )
    parser.add_argument(
        "--markdown",
        nargs="?",
        const=str(VAR / "bench-latest.json"),
        help="print the tables of a result file (default: the latest)",
    )
    args = parser.parse_args()
    if args.markdown:
        text = markdown(json.loads(Path(args.markdown).read_text()))
        if args.update_docs:
            update_doc("request-path", text)
        print(text)
        return
    if args.smoke:
        args.sizes, args.rounds, args.duration, args.accept_duration = "2000", 1, 3, 3
    args.sizes = [int(s) for s in str(args.sizes).split(",")]
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `make bench` installs it (apt-get install wrk)")
    result = run(args)
    stamp = result["machine"]["date"][:10]
    write_json(f"bench-{stamp}{'-smoke' if args.smoke else ''}.json", result)
    path = write_json("bench-smoke.json" if args.smoke else "bench-latest.json", result)
    print("\n" + markdown(result))
    print(f"\nwritten to {path}")


def run(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="openlicense-bench-"))
    started = machine()
    result: dict[str, Any] = {
        "machine": started,
        "settings": {k: v for k, v in vars(args).items() if k != "markdown"},
        "server": "uvicorn, 1 worker, " + " ".join(SERVER_FLAGS),
        "client": f"wrk -t1 -c{args.connections}, {args.rounds} rounds of {args.duration} s",
        "databases": {},
    }
    bare = Server(
        ["bare_app:app", "--app-dir", str(ROOT / "scripts")], dict(os.environ), args.port_bare
    )
    try:
        bare.wait_ready()
        for kind in args.databases.split(","):
            db = Database(kind, f"bench_{kind}", workdir)
            sizes: dict[str, Any] = {}
            try:
                for n, patents in enumerate(sorted(args.sizes)):
                    sizes[str(patents)] = bench_size(db, patents, bare, args, fresh=n == 0)
            finally:
                db.drop()
            result["databases"][kind] = {"sizes": sizes, "growth": growth(sizes)}
    finally:
        bare.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    result["loadavg_after"] = machine()["loadavg"]
    result["targets"] = targets(result)
    return result


if __name__ == "__main__":
    main()
