"""Helpers shared by `bench.py` and `bench_bulk.py`: fresh databases, the `openlicense` command,
the machine's description, medians."""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench"
POSTGRES = os.environ.get(
    "OPENLICENSE_BENCH_POSTGRES", "postgresql://openlicense:openlicense@127.0.0.1:5432"
)
"""Server (role with CREATEDB) where the benchmarks create their databases."""
WRK = ROOT / "scripts" / "wrk"
OPENLICENSE = [str(Path(sys.executable).parent / "openlicense")]
"""The console script of the environment the benchmark runs in."""


@dataclass(frozen=True)
class Database:
    """A database the benchmark creates fresh: a SQLite file or a PostgreSQL database."""

    kind: str
    """"sqlite" or "postgresql"."""
    name: str
    workdir: Path

    @property
    def url(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite+aiosqlite:///{self.workdir / (self.name + '.sqlite3')}"
        return f"{POSTGRES.replace('postgresql://', 'postgresql+asyncpg://')}/{self.name}"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of an `openlicense` process on this database."""
        return {
            **os.environ,
            "OPENLICENSE_DATABASE__URL": self.url,
            "OPENLICENSE_DATA_DIR": str(self.workdir / f"data-{self.name}"),
            "OPENLICENSE_SEARCH__EMBEDDED_DIR": str(self.workdir / f"index-{self.name}"),
            **extra,
        }

    def recreate(self) -> None:
        """Drop and create it empty (the index folder too)."""
        import shutil

        shutil.rmtree(self.workdir / f"index-{self.name}", ignore_errors=True)
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(self.url.split(":///", 1)[1] + suffix).unlink(missing_ok=True)
            return
        asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        asyncio.run(_postgres_admin(f'CREATE DATABASE "{self.name}"'))

    def drop(self) -> None:
        if self.kind == "postgresql":
            asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))


async def _postgres_admin(statement: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    connection = await asyncpg.connect(f"{POSTGRES}/postgres")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@dataclass(frozen=True)
class Timed:
    wall_s: float
    cpu_s: float
    """User + system time of the command's processes (workers included)."""
    load_before: float
    load_after: float


def openlicense(db: Database, *args: str, env: dict[str, str] | None = None) -> Timed:
    """Run `openlicense ARGS` on `db` and time it; fail loudly with its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own command
        [*OPENLICENSE, *args], env=env or db.env(), capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"openlicense {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(wall, cpu, load_before, os.getloadavg()[0])


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory_gib": memory,
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "loadavg": list(os.getloadavg()),
    }


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def write_json(name: str, data: dict[str, Any]) -> Path:
    import json

    VAR.mkdir(parents=True, exist_ok=True)
    path = VAR / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path


def sessions(db: Database) -> Any:
    """`async with sessions(db) as maker`: a session maker on `db`, disposed on exit."""
    from contextlib import asynccontextmanager

    from openlicense.db import session_maker, sqlalchemy_config
    from openlicense.settings import DatabaseSettings, Settings

    @asynccontextmanager
    async def opened() -> Any:
        settings = Settings(database=DatabaseSettings(url=db.url), _env_file=None)  # type: ignore[call-arg]
        config = sqlalchemy_config(settings)
        try:
            yield session_maker(config)
        finally:
            await config.get_engine().dispose()

    return opened()


def wrk(
    url: str,
    *,
    duration: float,
    connections: int,
    script: Path | None = None,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One wrk run: rps, latency percentiles (ms), errors; `raw` keeps wrk's own output."""
    seconds = max(1, round(duration))  # wrk takes whole seconds ("3.0s" is refused)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script is not None:
        command += ["-s", str(script)]
    done = subprocess.run(  # noqa: S603 - a fixed tool on our own servers
        [*command, url],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(out: str) -> dict[str, Any]:
    def ms(text: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
        return float(number) * _UNITS[unit]

    result: dict[str, Any] = {"raw": out}
    result["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    for pct in ("50", "90", "99"):
        found = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        result[f"p{pct}_ms"] = ms(found.group(1)) if found else None
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    result["errors"] = int(non2xx.group(1)) if non2xx else 0
    result["socket_errors"] = socket.group(1) if socket else None
    statuses = re.search(r"^STATUSES (\{.*\})$", out, re.M)
    if statuses:
        result["statuses"] = json.loads(statuses.group(1))
    result["requests"] = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return result


DOC = ROOT / "docs" / "performance.md"


def update_doc(block: str, text: str) -> None:
    """Replace what stands between `<!-- bench:BLOCK -->` and `<!-- /bench:BLOCK -->` in
    docs/performance.md with `text` (the tables there are generated from var/bench)."""
    start, end = f"<!-- bench:{block} -->", f"<!-- /bench:{block} -->"
    doc = DOC.read_text()
    if start not in doc or end not in doc:
        raise SystemExit(f"docs/performance.md has no {start} … {end} block")
    head, rest = doc.split(start, 1)
    _, tail = rest.split(end, 1)
    DOC.write_text(f"{head}{start}\n{text.strip()}\n{end}{tail}")
