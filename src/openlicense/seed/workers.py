"""Building demo patents in worker processes while the main process writes them.

Building a patent (text, register facts, a declaration checked against rules 1–12, its terms
hash) is most of the CPU time of a large seed, and patent i depends only on i and the world
(organisations, users, ``today``): so chunks are built in a process pool, converted to driver
values there too, and the main process only asks which patents exist and writes. The rows are
the same whichever way a chunk is built (``tests/seed`` compares the two).

Small runs (the tests, ``make demo``) build inline: starting the processes would cost more
than it saves.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Final

from openlicense.core.bulk import BulkTarget
from openlicense.seed.patents import _build_chunk, _Chunk, _World

PARALLEL_FROM: Final = 10_000
"""Patents from which chunks are built in worker processes."""

MAX_PROCESSES: Final = 4


class ChunkBuilder:
    """Builds chunks of patents inline or in a pool; `submit` starts one and returns its future.
    `ahead` is how many chunks to keep in flight so that the pool never waits for the writer."""

    def __init__(
        self, world: _World, target: BulkTarget, pool: ProcessPoolExecutor | None, processes: int
    ) -> None:
        self.world = world
        self.target = target
        self.pool = pool
        self.ahead = processes + 1 if pool is not None else 1

    def submit(self, indices: list[int]) -> asyncio.Future[_Chunk]:
        loop = asyncio.get_running_loop()
        if self.pool is None or not indices:
            future: asyncio.Future[_Chunk] = loop.create_future()
            future.set_result(_build_chunk(self.world, self.target, indices))
            return future
        return loop.run_in_executor(self.pool, _build_in_worker, indices)


@contextmanager
def chunk_builder(world: _World, target: BulkTarget, patents: int) -> Iterator[ChunkBuilder]:
    """A builder for a run of `patents`; the pool (if any) is shut down on exit, dropping the
    chunks not started yet."""
    processes = min(_cpus(), MAX_PROCESSES)
    if patents < PARALLEL_FROM or processes < 2:
        yield ChunkBuilder(world, target, None, 0)
        return
    # spawn, not fork: the parent runs an event loop and database driver threads.
    pool = ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(world, target),
    )
    try:
        yield ChunkBuilder(world, target, pool, processes)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


_worker_state: dict[str, tuple[_World, BulkTarget]] = {}


def _init_worker(world: _World, target: BulkTarget) -> None:
    _worker_state["run"] = (world, target)


def _build_in_worker(indices: list[int]) -> _Chunk:
    world, target = _worker_state["run"]
    return _build_chunk(world, target, indices)
