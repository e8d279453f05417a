"""How many CPU-bound jobs may run at once, per event loop (anyio limiters belong to a loop)."""

from __future__ import annotations

import asyncio
import os
import weakref

import anyio


def all_cores_but_one() -> int:
    """Leave one core to the event loop (at least one job still runs on a single core)."""
    return max(1, (os.cpu_count() or 2) - 1)


class LoopLimiter:
    """A `CapacityLimiter` of `size` for the running event loop, made on first use."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._by_loop: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, anyio.CapacityLimiter
        ] = weakref.WeakKeyDictionary()

    def __call__(self) -> anyio.CapacityLimiter:
        loop = asyncio.get_running_loop()
        if loop not in self._by_loop:
            self._by_loop[loop] = anyio.CapacityLimiter(self.size)
        return self._by_loop[loop]
