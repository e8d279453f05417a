"""Benchmark the streaming exports: memory stays flat however many rows go through.

    uv run python scripts/bench_export.py [--rows 1000000] [--no-chain] [--out DIR]

Generates synthetic ledger entries from an async generator (no database; Chinese text in the
data, as real events carry), streams them through `ndjson_stream` and `csv_stream` into
/dev/null (or DIR/ledger.ndjson and DIR/ledger.csv), and reports the throughput and the peak RSS
(`resource.getrusage`) at 100k, 500k and 1M rows. Each format runs in a fresh process, so one
format's peak cannot hide the other's. Flat memory shows as the same peak RSS at every mark.

By default the rows are real chain entries (SHA-256 linked, so `--out` writes an export that
`scripts/verify_export.py` accepts); `--no-chain` uses fixed hashes to time the writers alone.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import resource
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from openlicense.audit.chain import GENESIS, LedgerEvent, StoredEntry, chain
from openlicense.audit.exports import LEDGER_COLUMNS, csv_stream, ledger_export_row, ndjson_stream

START = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
ACTIONS = (
    ("declaration.published", "declaration"),
    ("agreement.created", "agreement"),
    ("agreement.status_changed", "agreement"),
    ("payment.recorded", "payment"),
    ("recording.filed", "recording_task"),
)
UNIVERSITIES = ("清华大学", "浙江大学", "华中科技大学", "西安交通大学", "中山大学")


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)  # KiB on Linux


def synthetic_events(n: int) -> Iterator[LedgerEvent]:
    for seq in range(1, n + 1):
        action, subject_type = ACTIONS[seq % len(ACTIONS)]
        yield LedgerEvent(
            seq=seq,
            occurred_at=START + datetime.timedelta(seconds=seq, microseconds=seq % 1000),
            action=action,
            subject_type=subject_type,
            subject_id=f"{subject_type[:3]}-{seq:08d}",
            actor_id=None if seq % 7 == 0 else f"user-{seq % 997}",
            data={
                "university": UNIVERSITIES[seq % len(UNIVERSITIES)],
                "title": f'一种基于深度学习的图像识别方法, "第{seq}号"',
                "amount_minor": seq * 100,
                "currency": "CNY",
                "rate": "0.035",
            },
        )


def entries(n: int, *, linked: bool) -> Iterator[StoredEntry]:
    if linked:
        yield from chain(synthetic_events(n))
    else:
        for event in synthetic_events(n):
            yield StoredEntry(event=event, prev_hash=GENESIS, hash="f" * 64)


async def rows(
    n: int, *, linked: bool, marks: list[tuple[int, float, float]]
) -> AsyncIterator[dict[str, Any]]:
    """Rows as a DB cursor would hand them over, recording (rows, seconds, peak RSS) at marks."""
    checkpoints = {100_000, 500_000, 1_000_000, n}
    started = time.perf_counter()
    for count, entry in enumerate(entries(n, linked=linked), start=1):
        yield ledger_export_row(entry)
        if count in checkpoints:
            marks.append((count, time.perf_counter() - started, peak_rss_mib()))
        if count % 10_000 == 0:
            await asyncio.sleep(0)  # a real cursor awaits the database now and then


async def run_one(fmt: str, n: int, *, linked: bool, out: Path | None) -> None:
    baseline = peak_rss_mib()
    marks: list[tuple[int, float, float]] = []
    source = rows(n, linked=linked, marks=marks)
    stream = ndjson_stream(source) if fmt == "ndjson" else csv_stream(source, LEDGER_COLUMNS)
    target = out / f"ledger.{fmt}" if out else Path(os.devnull)
    chunks = size = 0
    with target.open("wb") as sink:
        async for chunk in stream:
            sink.write(chunk)
            chunks += 1
            size += len(chunk)
    print(f"{fmt}: peak RSS before streaming {baseline:.1f} MiB")
    for count, seconds, rss in marks:
        print(
            f"{fmt}: {count:>9,} rows  {seconds:6.1f} s  {count / seconds:>9,.0f} rows/s  "
            f"peak RSS {rss:.1f} MiB"
        )
    print(f"{fmt}: {chunks:,} chunks, {size / 2**20:,.1f} MiB written to {target}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-chain", action="store_true", help="fixed hashes: time the writers")
    parser.add_argument("--out", type=Path, help="write the exports into this directory")
    parser.add_argument("--format", choices=("ndjson", "csv"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.format:
        asyncio.run(run_one(args.format, args.rows, linked=not args.no_chain, out=args.out))
        return 0
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    for fmt in ("ndjson", "csv"):  # a fresh process each, so the peaks are the format's own
        command = [sys.executable, __file__, "--format", fmt, "--rows", str(args.rows)]
        if args.no_chain:
            command.append("--no-chain")
        if args.out:
            command += ["--out", str(args.out)]
        subprocess.run(command, check=True)  # noqa: S603 - our own script, our own arguments
    return 0


if __name__ == "__main__":
    sys.exit(main())
