"""Bulk import of patents: JSON rows from the API, CSV/XLSX files from the CLI.

Every row is validated exactly like a single create (``PatentCreate``), then checked for an
application number repeated inside the file and for numbers already in the catalogue. By default
the import is all-or-nothing: one bad row and nothing is created, every error is reported with
its row number and field. The importer never commits: the caller owns the transaction.

The flat column format of CSV/XLSX files is described in ``docs/import-format.md``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from openlicense.catalogue.errors import PatentAlreadyExists
from openlicense.catalogue.files import read_file
from openlicense.catalogue.imports import (
    ImportReport,
    RowError,
    application_number,
    duplicate_errors,
    validate_row,
)
from openlicense.catalogue.models import Patent
from openlicense.catalogue.schemas import PatentCreate
from openlicense.catalogue.service.patents import build_patent
from openlicense.search.enqueue import enqueue

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from openlicense.core.clock import Clock

LOOKUP_CHUNK: Final = 1000
"""Application numbers per ``SELECT … IN (…)`` when looking for patents already catalogued."""
INSERT_CHUNK: Final = 500
"""Patents per ``add_all`` + ``flush``."""


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PatentImporter:
    """Validates and creates many patents for one university in the caller's transaction."""

    def __init__(self, session: AsyncSession, *, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def import_rows(
        self,
        organisation_id: uuid.UUID,
        rows: list[tuple[int, dict[str, Any]]],
        *,
        all_or_nothing: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Import ``(row number, row)`` pairs; each row is nested (API) or flat (CSV/XLSX).

        With ``all_or_nothing`` (the default) any error means nothing is added to the session
        and ``created`` is 0; otherwise the valid rows are created and the bad ones reported.
        ``progress(n)`` is called after each flushed chunk with the number created so far.
        Never commits.
        """
        errors: list[RowError] = []
        valid: list[tuple[int, PatentCreate]] = []
        for row_no, raw in rows:
            patent, row_errors = validate_row(row_no, raw)
            errors.extend(row_errors)
            if patent is not None:
                valid.append((row_no, patent))
        numbers = {row_no: application_number(raw) for row_no, raw in rows}
        errors += duplicate_errors(numbers)
        existing = await self._existing([n for n in numbers.values() if n is not None])
        errors.extend(
            RowError(row_no, "application_number", "already in the catalogue")
            for row_no, number in numbers.items()
            if number in existing
        )
        errors.sort(key=lambda e: e.row)  # stable: a row's errors keep their order
        report = ImportReport(created=0, errors=errors, rows=len(rows))
        if errors and all_or_nothing:
            return report
        bad_rows = {e.row for e in errors}
        to_create = [patent for row_no, patent in valid if row_no not in bad_rows]
        for chunk in _chunks(to_create, INSERT_CHUNK):
            await self._create(organisation_id, chunk)
            report.created += len(chunk)
            if progress is not None:
                progress(report.created)
        return report

    async def _create(self, organisation_id: uuid.UUID, chunk: Sequence[PatentCreate]) -> None:
        now = self.clock.now()
        patents = [build_patent(d, owner_organisation_id=organisation_id, now=now) for d in chunk]
        self.session.add_all(patents)
        try:
            await self.session.flush()
        except IntegrityError as exc:  # another transaction added one meanwhile
            raise PatentAlreadyExists(
                "Some of these patents were added to the catalogue while importing; "
                "run the import again to see which.",
            ) from exc
        enqueue(self.session, [p.id for p in patents], "import")  # drafts: indexed for their TTO

    async def _existing(self, numbers: list[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(numbers, LOOKUP_CHUNK):
            rows = await self.session.scalars(
                select(Patent.application_number).where(Patent.application_number.in_(chunk))
            )
            found.update(rows)
        return found


async def import_file(
    session_maker: async_sessionmaker[AsyncSession],
    organisation_id: uuid.UUID,
    path: Path,
    *,
    all_or_nothing: bool = True,
    progress: Callable[[int], None] | None = None,
    clock: Clock,
) -> ImportReport:
    """Read a CSV/XLSX file and import it in one transaction of its own.

    Row errors are reported, not raised; with ``all_or_nothing`` and any error nothing is
    written. An unreadable file or unsupported suffix raises :class:`ValueError`.
    """
    rows = await asyncio.to_thread(read_file, Path(path))
    async with session_maker.begin() as session:
        importer = PatentImporter(session, clock=clock)
        return await importer.import_rows(
            organisation_id, rows, all_or_nothing=all_or_nothing, progress=progress
        )
