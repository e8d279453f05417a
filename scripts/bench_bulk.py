"""`make bench-bulk`: the bulk paths of issue 10 — seed, import and index N patents — timed as a
user runs them (the `openlicense` command, process start included), on SQLite and PostgreSQL.

Each round, for each database: a fresh database is migrated, then
1. `openlicense seed --patents N` — timed;
2. `openlicense search reindex` on it — timed;
3. on another fresh database seeded with `--patents 0` (the organisations),
   `openlicense import patents FILE --university 浙江大学` of an N-row CSV in the documented
   format (the demo patents as flat rows, `openlicense.seed.export`) — timed;
   then `openlicense search sync` drains the import's outbox — timed, reported apart.
Rounds repeat (default 3) with the databases interleaved; the medians are reported, with the CPU
time of the commands (workers included) and the load average, since the machine is shared.

    uv run python scripts/bench_bulk.py                       # 100k, 3 rounds, both databases
    uv run python scripts/bench_bulk.py --patents 2000 --repeat 1 --databases sqlite
"""

from __future__ import annotations

import argparse
import csv
import datetime
import shutil
import tempfile
from pathlib import Path
from typing import Any

from benchlib import VAR, Database, Timed, machine, median, openlicense, update_doc, write_json

STEPS = ("seed", "index", "import", "sync")
TARGET_S = 60.0


def import_file(patents: int) -> Path:
    """An N-row CSV of the demo patents (written once per N, reused by later runs)."""
    from openlicense.seed.export import FLAT_COLUMNS, flat_rows

    path = VAR / f"import-{patents}.csv"
    if path.exists():
        return path
    VAR.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    with partial.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FLAT_COLUMNS)
        writer.writeheader()
        writer.writerows(flat_rows(patents, today=datetime.date.today()))
    partial.replace(path)
    return path


def one_round(db: Database, patents: int, csv_file: Path) -> dict[str, Timed]:
    times: dict[str, Timed] = {}
    db.recreate()
    openlicense(db, "db", "upgrade")
    times["seed"] = openlicense(db, "seed", "--patents", str(patents))
    times["index"] = openlicense(db, "search", "reindex")
    db.recreate()
    openlicense(db, "db", "upgrade")
    openlicense(db, "seed", "--patents", "0")
    times["import"] = openlicense(
        db, "import", "patents", str(csv_file), "--university", "浙江大学"
    )
    times["sync"] = openlicense(db, "search", "sync")
    return times


def summarise(rounds: list[dict[str, Timed]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for step in STEPS:
        timed = [r[step] for r in rounds]
        out[step] = {
            "median_s": round(median([t.wall_s for t in timed]), 1),
            "min_s": round(min(t.wall_s for t in timed), 1),
            "max_s": round(max(t.wall_s for t in timed), 1),
            "median_cpu_s": round(median([t.cpu_s for t in timed]), 1),
            "load_before": [round(t.load_before, 2) for t in timed],
            "load_after": [round(t.load_after, 2) for t in timed],
        }
    return out


def table(result: dict[str, Any]) -> str:
    patents = result["patents"]
    lines = [
        f"| {patents:,} patents | seed | index | import | outbox sync after import |",
        "|---|---|---|---|---|",
    ]
    for kind, steps in result["databases"].items():
        cells = []
        for step in STEPS:
            s = steps[step]
            mark = "" if step == "sync" else (" ✓" if s["median_s"] <= TARGET_S else " ✗")
            cells.append(f"{s['median_s']} s{mark} (cpu {s['median_cpu_s']} s)")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def describe(result: dict[str, Any]) -> str:
    """The table with the run's date, machine and load (for docs/performance.md)."""
    m = result["machine"]
    loads = [
        x
        for steps in result["databases"].values()
        for step in steps.values()
        for x in step["load_before"]
    ]
    return (
        f"Run {m['date']} on {m['nproc']} cores ({m['cpu']}); medians of {result['repeat']} "
        f"rounds, databases interleaved; load average (1 min) before each step "
        f"{min(loads):.1f}–{max(loads):.1f}: the machine was shared with other work. CPU is the "
        "user + system time of the command's processes (worker processes included).\n\n"
        + table(result)
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--patents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--markdown", action="store_true", help="print the last result's table")
    parser.add_argument(
        "--update-docs", action="store_true", help="with --markdown: write it into the docs"
    )
    args = parser.parse_args()
    out = f"bulk-{args.patents}.json"
    if args.markdown:
        import json

        text = describe(json.loads((VAR / out).read_text()))
        if args.update_docs:
            update_doc("bulk", text)
        print(text)
        return

    kinds = args.databases.split(",")
    workdir = Path(tempfile.mkdtemp(prefix="openlicense-bench-bulk-"))
    dbs = [Database(kind, f"bench_bulk_{kind}", workdir) for kind in kinds]
    before = machine()
    csv_file = import_file(args.patents)
    rounds: dict[str, list[dict[str, Timed]]] = {kind: [] for kind in kinds}
    try:
        for n in range(args.repeat):
            for db in dbs if n % 2 == 0 else reversed(dbs):  # alternate which goes first
                times = one_round(db, args.patents, csv_file)
                rounds[db.kind].append(times)
                print(
                    f"round {n + 1} {db.kind}: "
                    + ", ".join(
                        f"{k} {t.wall_s:.1f} s (cpu {t.cpu_s:.1f})" for k, t in times.items()
                    )
                    + f"; load {times['seed'].load_before:.2f}",
                    flush=True,
                )
    finally:
        for db in dbs:
            db.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    result = {
        "patents": args.patents,
        "repeat": args.repeat,
        "target_s": TARGET_S,
        "machine": before,
        "loadavg_after": machine()["loadavg"],
        "databases": {kind: summarise(r) for kind, r in rounds.items()},
    }
    path = write_json(out, result)
    print()
    print(describe(result))
    print(f"\nmedians of {args.repeat} rounds; written to {path}")


if __name__ == "__main__":
    main()
