"""`make bench-search`: the catalogue search benchmark (issue 4), end to end.

1. migrate a fresh SQLite database and seed N patents (default 100,000) with the demo generator;
2. build the search index from the database (`openlicense search reindex` code path) — timed;
3. serve the API with uvicorn in a subprocess (real HTTP on 127.0.0.1);
4. run a fixed mix of ≥ 500 queries (Chinese keyword, English keyword, typo, filter only,
   facets, sorted, deep page) through the HTTP API, then the same queries directly against the
   engine, one at a time;
5. run ≥ 500 suggest-as-you-type requests (`GET /api/search/suggest`: Chinese prefixes of
   1–4 characters, English prefixes, IPC codes, university names) through the HTTP API;
6. print indexing time, p50/p95/p99 for each, and the API overhead ratio; write JSON to
   var/bench/search-<engine>.json.

    uv run python scripts/bench_search.py                  # embedded engine, 100k patents
    uv run python scripts/bench_search.py --patents 20000 --queries 600
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _query_mix():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "bench_engine", ROOT / "scripts" / "bench_engine.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.query_mix


def params_for(query) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The HTTP query string that means the same as `query` (viewer = anonymous)."""
    out: list[tuple[str, str]] = []
    for name, value in query.model_dump(exclude={"viewer_organisation_id"}).items():
        if value is None or value == [] or value == "":
            continue
        if isinstance(value, list):
            out += [(name, str(v)) for v in value]
        elif isinstance(value, bool):
            out.append((name, "true" if value else "false"))
        else:
            out.append((name, str(value)))
    return out


def suggest_mix(count: int, seed: int = 5) -> list[str]:
    """Prefixes as a user types them: the start of keywords, title words, university names,
    English words of titles and IPC codes of the demo vocabulary, 1–6 characters long."""
    import random

    from openlicense.seed import data

    rng = random.Random(seed)  # noqa: S311 - a reproducible mix, not secrets
    sources: list[str] = []
    for vocab in data.FIELDS.values():
        sources += list(vocab.keywords)
        sources += [s.zh for s in (*vocab.materials, *vocab.devices, *vocab.methods)]
        sources += [w for s in (*vocab.materials, *vocab.devices) for w in s.en.split()]
        sources += list(vocab.ipc)
    sources += [u.name for u in data.UNIVERSITIES]
    out = []
    for _ in range(count):
        text = rng.choice(sources).replace(" ", "")
        size = rng.randint(1, 4) if not text.isascii() else rng.randint(2, 6)
        out.append(text[:size])
    return out


def summary(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "mean_ms": statistics.fmean(ordered),
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
    }


async def prepare(env: dict[str, str], patents: int) -> tuple[float, float]:
    os.environ.update(env)
    from openlicense.app import make_document_source, make_search_engine as make_engine
    from openlicense.db import sqlalchemy_config
    from openlicense.db.migrate import alembic_commands
    from openlicense.search.reindex import reindex
    from openlicense.seed.generate import seed
    from openlicense.settings import Settings

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    await asyncio.to_thread(alembic_commands(settings).upgrade, "head")
    config = sqlalchemy_config(settings)
    maker = config.create_session_maker()
    started = time.perf_counter()
    await seed(maker, patents=patents, today=datetime.date(2026, 11, 23))
    seeded = time.perf_counter() - started
    engine = make_engine(settings)
    started = time.perf_counter()
    count = await reindex(maker, engine, make_document_source(), today=datetime.date(2026, 11, 23))
    indexed = time.perf_counter() - started
    await engine.close()
    await config.get_engine().dispose()
    print(
        f"seeded {patents} patents in {seeded:.1f} s; indexed {count} documents in {indexed:.1f} s"
    )
    return seeded, indexed


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """Our own server on `port`, which must be free: another server answering /health there
    (another worktree's, say) would be measured instead."""
    import socket

    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is already in use: pick another with --port")
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "openlicense.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(command, env={**os.environ, **env})  # noqa: S603 - our own server
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit("the API server exited")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the API did not start")


def suggest_through_api(port: int, prefixes: list[str]) -> list[float]:
    latencies = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        for q in prefixes[:20]:  # warm-up (the first call builds the vocabulary)
            client.get("/api/search/suggest", params={"q": q})
        for q in prefixes:
            started = time.perf_counter()
            response = client.get("/api/search/suggest", params={"q": q})
            latencies.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return latencies


def through_api(port: int, mix) -> list[float]:  # type: ignore[no-untyped-def]
    latencies = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        for _, query in mix[:20]:  # warm-up
            client.get("/api/search/patents", params=params_for(query))
        for _, query in mix:
            started = time.perf_counter()
            response = client.get("/api/search/patents", params=params_for(query))
            latencies.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return latencies


async def direct(env: dict[str, str], mix) -> list[float]:  # type: ignore[no-untyped-def]
    os.environ.update(env)
    from openlicense.app import make_search_engine as make_engine
    from openlicense.settings import Settings

    engine = make_engine(Settings(_env_file=None))  # type: ignore[call-arg]
    await engine.ensure_index()
    for _, query in mix[:20]:
        await engine.search(query)
    latencies = []
    for _, query in mix:
        started = time.perf_counter()
        await engine.search(query)
        latencies.append((time.perf_counter() - started) * 1000)
    await engine.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--patents", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and index")
    args = parser.parse_args()
    if args.queries < 500:
        raise SystemExit("the benchmark runs at least 500 queries")

    workdir = Path(tempfile.mkdtemp(prefix="openlicense-bench-"))
    env = {
        "OPENLICENSE_DATABASE__URL": f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}",
        "OPENLICENSE_DATA_DIR": str(workdir),
        "OPENLICENSE_SEARCH__WORKER_ENABLED": "false",
        "OPENLICENSE_LIFECYCLE__WORKER_ENABLED": "false",
    }
    try:
        seeded, indexed = asyncio.run(prepare(env, args.patents))
        mix = _query_mix()(args.queries)
        args.port = args.port or free_port()
        server = serve(env, args.port)
        try:
            api = summary(through_api(args.port, mix))
            suggest = summary(suggest_through_api(args.port, suggest_mix(args.queries)))
        finally:
            server.terminate()
            server.wait(timeout=10)
        engine = summary(asyncio.run(direct(env, mix)))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    kinds = sorted({label for label, _ in mix})
    result = {
        "patents": args.patents,
        "queries": len(mix),
        "query_kinds": kinds,
        "seed_s": round(seeded, 1),
        "index_s": round(indexed, 1),
        "api": api,
        "engine": engine,
        "suggest_api": suggest,
        "api_overhead_ratio_p50": api["p50_ms"] / engine["p50_ms"] if engine["p50_ms"] else None,
        "api_overhead_ratio_p99": api["p99_ms"] / engine["p99_ms"] if engine["p99_ms"] else None,
        "machine": f"{os.cpu_count()} cores",
        "date": datetime.date.today().isoformat(),
    }
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "search-embedded.json").write_text(json.dumps(result, indent=2))
    print(f"\nindexing {args.patents} patents: {indexed:.1f} s (target ≤ 60 s)")
    print(
        f"{'':10} {'p50':>8} {'p95':>8} {'p99':>8}   (ms, {len(mix)} queries: {', '.join(kinds)})"
    )
    for name, s in (("API", api), ("engine", engine), ("suggest API", suggest)):
        print(f"{name:12} {s['p50_ms']:8.2f} {s['p95_ms']:8.2f} {s['p99_ms']:8.2f}")
    print(
        f"API overhead ratio: p50 ×{result['api_overhead_ratio_p50']:.2f}, "
        f"p99 ×{result['api_overhead_ratio_p99']:.2f}"
        f"   (targets: API p99 ≤ 50 ms, suggest p99 ≤ 20 ms)"
    )


if __name__ == "__main__":
    main()
