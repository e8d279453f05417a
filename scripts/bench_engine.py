"""Benchmark a search engine directly (no HTTP, no database): index N synthetic patents, then run
a fixed mix of queries and print indexing time and latency percentiles.

    uv run python scripts/bench_engine.py                       # embedded, 100,000 documents
    uv run python scripts/bench_engine.py --docs 20000 --queries 300
    uv run python scripts/bench_engine.py --engine meilisearch --url http://127.0.0.1:7700

Documents use the demo-data vocabulary (`openlicense.seed`), so titles and abstracts read like
the seeded catalogue: the same fields, phrases and IPC codes. The query mix (deterministic):
Chinese keywords, English keywords, typos, filters only, filters + facets, sorted listings, deep
pages and a viewer with drafts. Each query is timed end to end (`await engine.search(...)`).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import random
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import openlicense.seed.data as data
from openlicense.catalogue.models import PatentType
from openlicense.search.documents import PatentDocument, ipc_class, ipc_section
from openlicense.search.engine import SearchEngine, SearchQuery
from openlicense.seed.texts import _describe  # the demo data's text generator

FEE_TYPES = ["FREE", "LUMP_SUM", "INSTALMENTS", "ROYALTY", "ENTRY_FEE_PLUS_ROYALTY", "STAGED"]
EPOCH = datetime.date(1970, 1, 1)


def synthetic_documents(n: int, seed: int = 7) -> list[PatentDocument]:
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    fields = list(data.FIELDS)
    universities = data.UNIVERSITIES
    docs = []
    for i in range(n):
        uni = universities[i % len(universities)]
        field = rng.choice(fields)
        ptype = rng.choices(
            [PatentType.INVENTION, PatentType.UTILITY_MODEL, PatentType.DESIGN], (75, 20, 5)
        )[0]
        t = _describe(rng, ptype, data.FIELDS[field])
        roll = rng.random()
        licence = "open" if roll < 0.8 else "none" if roll < 0.9 else "closed"
        listing = "published" if rng.random() < 0.95 else "draft"
        fee = None if licence == "none" else rng.choice(FEE_TYPES)
        price = None
        if fee in ("FREE", "STAGED", "ROYALTY"):
            price = 0
        elif fee is not None:
            price = rng.choice([100_000, 500_000, 1_000_000, 5_000_000, 20_000_000])
        expiry = datetime.date(2030, 1, 1) + datetime.timedelta(days=rng.randrange(6000))
        docs.append(
            PatentDocument(
                id=f"{i:08x}-0000-7000-8000-000000000000",
                declaration_id=None if fee is None else f"d{i}",
                application_number=f"2021{i:08d}.{i % 10}",
                patent_type=ptype.value,
                title_zh=t.title_zh,
                title_en=t.title_en,
                abstract_zh=t.abstract_zh,
                abstract_en=t.abstract_en,
                keywords=t.keywords,
                ipc_codes=t.ipc,
                ipc_sections=list(dict.fromkeys(ipc_section(c) for c in t.ipc)),
                ipc_classes=list(dict.fromkeys(ipc_class(c) for c in t.ipc)),
                technology_field=field,
                university_id=f"org-{uni.slug}",
                university_name=uni.name,
                province=uni.province,
                fee_type=fee,
                entry_price_minor=price,
                has_trial=fee == "STAGED" and rng.random() < 0.7,
                trl=rng.randint(1, 9) if ptype is not PatentType.DESIGN else None,
                licence_status=licence,  # type: ignore[arg-type]
                listing_status=listing,  # type: ignore[arg-type]
                owner_organisation_id=f"org-{uni.slug}",
                declared_at=None if fee is None else 1_700_000_000 + rng.randrange(60_000_000),
                expiry_date=expiry.isoformat(),
                expiry_ts=(expiry - EPOCH).days,
            )
        )
    return docs


def query_mix(count: int, seed: int = 11) -> list[tuple[str, SearchQuery]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    zh_words = sorted({k for v in data.FIELDS.values() for k in v.keywords})
    zh_words += [
        "锂电池",
        "电池",
        "新能源汽车",
        "传感器",
        "复合材料",
        "机器人",
        "石墨烯",
        "检测方法",
    ]
    en_words = [
        "battery", "sensor", "composite", "graphene", "robot", "coating", "vehicle", "detection",
        "lithium", "catalyst", "alloy", "vaccine", "machine learning", "wastewater treatment",
    ]  # fmt: skip
    typos = ["batery", "sensro", "compsite", "grpahene", "robto", "coatng", "vehicel", "catalist"]
    facets = ["patent_type", "ipc_section", "technology_field", "province", "fee_type", "has_trial"]
    provinces = sorted({u.province for u in data.UNIVERSITIES})
    kinds = ["zh", "en", "typo", "filter", "facets", "sorted", "deep", "viewer"]
    out = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        q = SearchQuery()
        if kind == "zh":
            q = SearchQuery(q=rng.choice(zh_words))
        elif kind == "en":
            q = SearchQuery(q=rng.choice(en_words))
        elif kind == "typo":
            q = SearchQuery(q=rng.choice(typos))
        elif kind == "filter":
            q = SearchQuery(
                province=[rng.choice(provinces)],
                patent_type=["invention"],
                trl_min=rng.randint(1, 5),
                price_max=rng.choice([500_000, 5_000_000]),
            )
        elif kind == "facets":
            q = SearchQuery(q=rng.choice(zh_words + en_words), facets=facets)
        elif kind == "sorted":
            q = SearchQuery(
                q=rng.choice(["", *zh_words[:10]]),
                sort=rng.choice(["newest", "price_asc", "expiry"]),
                has_trial=rng.choice([None, True]),
            )
        elif kind == "deep":
            q = SearchQuery(q=rng.choice(zh_words), page=rng.randint(5, 40), per_page=20)
        elif kind == "viewer":
            q = SearchQuery(
                q=rng.choice(["", *zh_words]),
                viewer_organisation_id=f"org-{rng.choice(data.UNIVERSITIES).slug}",
                facets=["licence_status"],
            )
        out.append((kind, q))
    return out


async def batches(docs: Sequence[PatentDocument], size: int) -> AsyncIterator[list[PatentDocument]]:
    for start in range(0, len(docs), size):
        yield list(docs[start : start + size])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


async def run(args: argparse.Namespace) -> None:
    if args.engine == "embedded":
        from openlicense.search.embedded import EmbeddedEngine

        folder = Path(args.dir or tempfile.mkdtemp(prefix="bench-search-"))
        engine: SearchEngine = EmbeddedEngine(folder)
        where = str(folder)
    else:
        from openlicense.search.meili import MeilisearchEngine

        engine = MeilisearchEngine(args.url, index_uid="bench_patents")
        where = args.url
    t0 = time.perf_counter()
    docs = synthetic_documents(args.docs)
    print(f"generated {len(docs):,} documents in {time.perf_counter() - t0:.1f} s")

    await engine.ensure_index()
    t0 = time.perf_counter()
    count = await engine.reindex(batches(docs, 1000))
    index_seconds = time.perf_counter() - t0
    print(f"{engine.name} at {where}: indexed {count:,} documents in {index_seconds:.1f} s")

    mix = query_mix(args.queries)
    for _, q in mix[: min(50, len(mix))]:  # warm-up (page cache, analyzers)
        await engine.search(q)
    timings: dict[str, list[float]] = {}
    totals = []
    for kind, q in mix:
        t0 = time.perf_counter()
        result = await engine.search(q)
        timings.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
        totals.append(result.total)
    every = [t for ts in timings.values() for t in ts]
    print(f"\n{len(every)} queries, mean hits {statistics.mean(totals):,.0f}")
    print(f"{'kind':<8} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, ts in [*timings.items(), ("all", every)]:
        print(
            f"{kind:<8} {len(ts):>5} {percentile(ts, 50):>8.2f} {percentile(ts, 95):>8.2f} "
            f"{percentile(ts, 99):>8.2f} {max(ts):>8.2f}"
        )
    await engine.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["embedded", "meilisearch"], default="embedded")
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--dir", help="index folder (embedded; default: a new temporary one)")
    parser.add_argument("--url", default="http://127.0.0.1:7700", help="Meilisearch address")
    asyncio.run(run(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
