"""`make bench-pages`: server-side latency of the catalogue page and the patent page.

1. migrate a SQLite database and seed N patents (default 100,000) and demo licences, build the
   embedded search index (skipped when `--workdir` already holds them);
2. run the app in-process on one event loop (httpx's ASGI transport and the app's lifespan: the
   whole ASGI stack — middleware, session, CSRF, auth, the handler, the search engine, template
   rendering — but no TCP, so the time is the server's);
3. each run: a fixed mix of catalogue searches (Chinese and English words, a typo, filters,
   sorts, deep pages; facets always) and patent pages (some with the quote calculator), one at a
   time, plus `/health` as the bare-handler baseline;
4. print p50/p95/p99 per page and run, and the median over the runs; write JSON to
   var/bench/pages.json.

    uv run python scripts/bench_pages.py                       # 100k patents, 3 runs
    uv run python scripts/bench_pages.py --patents 20000 --runs 5 --workdir var/bench/pages
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TODAY = datetime.date(2026, 11, 23)
WORDS = ["石墨烯", "电池", "锂离子电池", "传感器", "催化剂", "复合材料", "玉米", "食品", "检测",
         "智能", "节能", "机器人", "battery", "graphene", "sensor", "catalyst", "harvester",
         "石墨稀", "baterry"]  # fmt: skip
FILTERS: list[list[tuple[str, str]]] = [
    [],
    [("fee_type", "STAGED")],
    [("fee_type", "FREE"), ("fee_type", "LUMP_SUM")],
    [("technology_field", "new_materials")],
    [("has_trial", "true")],
    [("price", "10k-100k")],
    [("sort", "newest")],
    [("sort", "price_asc")],
    [("page", "20")],
    [("province", "浙江"), ("sort", "expiry")],
]


def _settings(workdir: Path) -> Any:
    from openlicense.settings import (
        DatabaseSettings,
        LifecycleSettings,
        SearchSettings,
        Settings,
    )

    return Settings(
        database=DatabaseSettings(url=f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}"),
        data_dir=workdir,
        lifecycle=LifecycleSettings(worker_enabled=False),
        search=SearchSettings(worker_enabled=False),
        _env_file=None,  # type: ignore[call-arg]
    )


async def prepare(workdir: Path, patents: int) -> dict[str, float]:
    from openlicense.app import make_document_source, make_search_engine
    from openlicense.db import sqlalchemy_config
    from openlicense.db.migrate import alembic_commands
    from openlicense.search.reindex import reindex
    from openlicense.seed.generate import seed
    from openlicense.seed.licences import seed_licences

    settings = _settings(workdir)
    await asyncio.to_thread(alembic_commands(settings).upgrade, "head")
    config = sqlalchemy_config(settings)
    maker = config.create_session_maker()
    started = time.perf_counter()
    await seed(maker, patents=patents, today=TODAY)
    await seed_licences(maker, count=60, today=TODAY)
    seeded = time.perf_counter() - started
    engine = make_search_engine(settings)
    started = time.perf_counter()
    count = await reindex(maker, engine, make_document_source(), today=TODAY)
    indexed = time.perf_counter() - started
    await engine.close()
    await config.get_engine().dispose()
    print(f"seeded {patents} patents in {seeded:.1f} s; indexed {count} in {indexed:.1f} s")
    return {"seed_s": round(seeded, 1), "index_s": round(indexed, 1)}


async def numbers(workdir: Path, count: int) -> list[str]:
    """Application numbers of listed patents, most with an open licence (a fixed sample)."""
    from sqlalchemy import select

    from openlicense.catalogue.models import Declaration, ListingStatus, Patent
    from openlicense.db import sqlalchemy_config

    config = sqlalchemy_config(_settings(workdir))
    async with config.create_session_maker()() as session:
        declared = list(
            await session.scalars(
                select(Patent.application_number)
                .join(Declaration, Declaration.patent_id == Patent.id)
                .where(Patent.listing_status == ListingStatus.PUBLISHED)
                .order_by(Patent.application_number)
            )
        )
    await config.get_engine().dispose()
    return random.Random(7).sample(declared, min(count, len(declared)))  # noqa: S311 - a sample


def catalogue_mix(count: int) -> list[list[tuple[str, str]]]:
    mix = []
    for n in range(count):
        query = [("q", WORDS[n % len(WORDS)])] if n % 7 else []  # every 7th: browsing
        mix.append(query + FILTERS[(n // len(WORDS)) % len(FILTERS)])
    return mix


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(latencies: list[float]) -> dict[str, float]:
    return {
        "n": len(latencies),
        "p50_ms": round(pct(latencies, 50), 2),
        "p95_ms": round(pct(latencies, 95), 2),
        "p99_ms": round(pct(latencies, 99), 2),
    }


async def one_run(client: Any, mix: list[Any], patents: list[str]) -> dict[str, dict[str, float]]:
    async def timed(path: str, params: list[tuple[str, str]] | None = None) -> float:
        started = time.perf_counter()
        response = await client.get(path, params=params)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (path, params, response.status_code)
        return elapsed

    catalogue = [await timed("/patents", query) for query in mix]
    pages = []
    for n, number in enumerate(patents):
        params = [("estimate", "1000000")] if n % 3 == 0 else None
        pages.append(await timed(f"/patents/{number}", params))
    health = [await timed("/health") for _ in range(len(mix))]
    return {"catalogue": summary(catalogue), "patent": summary(pages), "health": summary(health)}


async def measure(workdir: Path, requests: int, runs: int) -> list[dict[str, Any]]:
    import httpx

    from openlicense.app import create_app

    mix = catalogue_mix(requests)
    sample = await numbers(workdir, requests)
    app = create_app(_settings(workdir))
    results = []
    transport = httpx.ASGITransport(app=app)
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="https://bench.local") as client,
    ):
        await one_run(client, mix[:50], sample[:50])  # warm-up: caches, imports, the index
        for run in range(runs):
            result = await one_run(client, mix, sample)
            print(f"run {run + 1}: " + ", ".join(f"{k} p50 {v['p50_ms']} / p99 {v['p99_ms']} ms"
                                                 for k, v in result.items()))  # fmt: skip
            results.append(result)
    return results


def median_of(results: list[dict[str, Any]], page: str, key: str) -> float:
    return round(statistics.median(r[page][key] for r in results), 2)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--patents", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400, help="per page kind and run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="reuse (or create) the database here")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="openlicense-pages-"))
    workdir.mkdir(parents=True, exist_ok=True)
    prepared: dict[str, float] = {}
    if not (workdir / "bench.sqlite3").exists():
        prepared = asyncio.run(prepare(workdir, args.patents))
    results = asyncio.run(measure(workdir, args.requests, args.runs))
    medians = {
        page: {key: median_of(results, page, key) for key in ("p50_ms", "p95_ms", "p99_ms")}
        for page in ("catalogue", "patent", "health")
    }
    out = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, {os.getloadavg()[0]:.2f} load (1 min) at the end",
        "patents": args.patents,
        "requests_per_run": args.requests,
        "runs": results,
        "medians": medians,
        **prepared,
    }
    target = ROOT / "var" / "bench"
    target.mkdir(parents=True, exist_ok=True)
    (target / "pages.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print(f"\nmedian of {args.runs} runs, {args.requests} requests each (ms):")
    print(f"{'':10} {'p50':>8} {'p95':>8} {'p99':>8}")
    for page, values in medians.items():
        print(f"{page:10} {values['p50_ms']:8.2f} {values['p95_ms']:8.2f} {values['p99_ms']:8.2f}")
    print("target: catalogue page p99 ≤ 100 ms")


if __name__ == "__main__":
    main()
