"""The contract PDF for the API and the pages alike: cached by its recomputed seal, rendered in a
worker process (fpdf2 is pure Python and would hold the interpreter lock in a thread), at a lower
CPU priority and at most `PDF_PROCESSES` at once, so requests keep a core while PDFs render."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import anyio.to_process

from openlicense.agreements.contract import RenderedContract
from openlicense.agreements.pdf import cache_path, render_in_worker
from openlicense.core.limits import LoopLimiter, all_cores_but_one

if TYPE_CHECKING:
    from openlicense.agreements.models import Agreement
    from openlicense.settings import Settings


PDF_PROCESSES = all_cores_but_one()
"""Renderings at once: one core is always left to the event loop (and to argon2's threads)."""
_limiter = LoopLimiter(PDF_PROCESSES)


async def contract_pdf(agreement: Agreement, settings: Settings) -> bytes:
    rendered = RenderedContract(agreement.text_zh, agreement.text_en)
    path = cache_path(agreement.snapshot, rendered, settings.data_dir / "contracts")
    if await anyio.Path(path).is_file():
        return await anyio.Path(path).read_bytes()
    return await anyio.to_process.run_sync(
        render_in_worker, path, agreement.snapshot, rendered, settings.pdf_font, limiter=_limiter()
    )
