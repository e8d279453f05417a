"""Bulk import of patents: JSON rows from the API, CSV/XLSX files from the CLI.

Every row is validated exactly like a single create (``PatentCreate``), then checked for an
application number repeated inside the file and for numbers already in the catalogue. By default
the import is all-or-nothing: one bad row and nothing is created, every error is reported with
its row number and field. The importer never commits: the caller owns the transaction.

The flat column format of CSV/XLSX files is described in ``docs/import-format.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Generator,
    Iterable,
    Sequence,
)
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from uuid_utils.compat import uuid7

from openlicense.catalogue import identifiers
from openlicense.catalogue.errors import PatentAlreadyExists
from openlicense.catalogue.files import iter_rows
from openlicense.catalogue.imports import (
    ImportReport,
    RowError,
    application_number,
    duplicate_errors,
    validate_row,
)
from openlicense.catalogue.models import ListingStatus, Patent, PatentOwner
from openlicense.catalogue.schemas import PatentCreate
from openlicense.catalogue.service.published import note_new_patents
from openlicense.core.bulk import insert_rows
from openlicense.search.enqueue import enqueue_many

if TYPE_CHECKING:
    import datetime

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from openlicense.core.clock import Clock

Row = tuple[int, dict[str, Any]]

LOOKUP_CHUNK: Final = 1000
"""Application numbers per ``SELECT … IN (…)`` when looking for patents already catalogued."""
INSERT_CHUNK: Final = 500
"""Rows validated, looked up and written together."""


def _chunks(items: Iterable[Any], size: int) -> Generator[list[Any], None, None]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


@dataclass
class _Run:
    """One import so far: its report and what later chunks must know of earlier ones."""

    organisation_id: uuid.UUID
    all_or_nothing: bool
    report: ImportReport = field(default_factory=lambda: ImportReport(created=0))
    first_rows: dict[str, int] = field(default_factory=dict)
    """Application number → the row it first appeared in (duplicates inside the file)."""
    catalogued: set[str] = field(default_factory=set)
    """Numbers of the file that were in the catalogue before the import started."""

    @property
    def writing(self) -> bool:
        return not (self.all_or_nothing and self.report.errors)


class PatentImporter:
    """Validates and creates many patents for one university in the caller's transaction.

    Rows are handled in chunks of `INSERT_CHUNK`: validated, checked for duplicates and for
    numbers already catalogued, and written with bulk inserts (COPY on PostgreSQL) inside a
    savepoint. All-or-nothing stops writing at the first error and rolls the savepoint back at
    the end; the report is the same as if every row had been checked before writing any.
    """

    def __init__(self, session: AsyncSession, *, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def import_rows(
        self,
        organisation_id: uuid.UUID,
        rows: Iterable[Row],
        *,
        all_or_nothing: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Import ``(row number, row)`` pairs; each row is nested (API) or flat (CSV/XLSX).

        With ``all_or_nothing`` (the default) any error means nothing is added to the session
        and ``created`` is 0; otherwise the valid rows are created and the bad ones reported.
        ``progress(n)`` is called after each written chunk with the number created so far.
        Never commits.
        """

        async def chunks() -> AsyncIterator[list[Row]]:
            for chunk in _chunks(rows, INSERT_CHUNK):
                yield chunk

        return await self.import_chunks(
            organisation_id, chunks(), all_or_nothing=all_or_nothing, progress=progress
        )

    async def import_chunks(
        self,
        organisation_id: uuid.UUID,
        chunks: AsyncIterator[list[Row]],
        *,
        all_or_nothing: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """`import_rows` for rows that arrive in chunks (a file read as the import goes)."""
        run = _Run(organisation_id, all_or_nothing)
        savepoint = await self.session.begin_nested()
        try:
            async for chunk in chunks:
                if await self._chunk(run, chunk) and progress is not None:
                    progress(run.report.created)
        except BaseException:
            await savepoint.rollback()
            raise
        run.report.errors.sort(key=lambda e: e.row)  # stable: a row's errors keep their order
        if run.writing:
            await savepoint.commit()
        else:
            await savepoint.rollback()
            run.report.created = 0
        return run.report

    async def _chunk(self, run: _Run, chunk: list[Row]) -> bool:
        """Check one chunk against itself, the rows before it and the catalogue; write its
        good rows while the import may still write. True when rows were written."""
        errors: list[RowError] = []
        valid: list[tuple[int, PatentCreate]] = []
        for row_no, raw in chunk:
            patent, row_errors = validate_row(row_no, raw)
            errors.extend(row_errors)
            if patent is not None:
                valid.append((row_no, patent))
        numbers = {row_no: application_number(raw) for row_no, raw in chunk}
        fresh = {n for n in numbers.values() if n is not None and n not in run.first_rows}
        errors += duplicate_errors(numbers, run.first_rows)
        run.catalogued |= await self._existing(sorted(fresh))
        errors.extend(
            RowError(row_no, "application_number", "already in the catalogue")
            for row_no, number in numbers.items()
            if number in run.catalogued
        )
        run.report.rows += len(chunk)
        run.report.errors += errors
        if not run.writing:
            return False
        bad_rows = {e.row for e in errors}
        to_create = [patent for row_no, patent in valid if row_no not in bad_rows]
        if not to_create:
            return False
        await self._create(run.organisation_id, to_create)
        run.report.created += len(to_create)
        return True

    async def _create(self, organisation_id: uuid.UUID, chunk: Sequence[PatentCreate]) -> None:
        now = self.clock.now()
        patents: list[dict[str, Any]] = []
        owners: list[dict[str, Any]] = []
        for data in chunk:
            patent = patent_row(data, owner_organisation_id=organisation_id)
            patents.append(patent)
            owners += owner_rows(data, patent_id=patent["id"], now=now)
        try:
            await insert_rows(self.session, _table(Patent), patents)
            await insert_rows(self.session, _table(PatentOwner), owners)
            note_new_patents(self.session)
        except IntegrityError as exc:  # another transaction added one meanwhile
            raise PatentAlreadyExists(
                "Some of these patents were added to the catalogue while importing; "
                "run the import again to see which.",
            ) from exc
        # Drafts: indexed for their TTO.
        await enqueue_many(self.session, [p["id"] for p in patents], "import")

    async def _existing(self, numbers: list[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(numbers, LOOKUP_CHUNK):
            rows = await self.session.scalars(
                select(Patent.application_number).where(Patent.application_number.in_(chunk))
            )
            found.update(rows)
        return found


def patent_row(data: PatentCreate, *, owner_organisation_id: uuid.UUID) -> dict[str, Any]:
    """The `patents` row of a new draft listing: the same values as `build_patent` gives the
    ORM, for a bulk insert (ids and timestamps come from the column defaults)."""
    fields = dict(data)  # the validated values as they are: cheaper than model_dump
    del fields["co_owners"]
    return {
        **fields,
        "id": uuid7(),
        "evaluation_report": data.evaluation_report.model_dump(mode="json")
        if data.evaluation_report
        else None,
        "expiry_date": identifiers.expiry_date(data.patent_type.value, data.filing_date),
        "patent_number": identifiers.patent_number_for(data.application_number)
        if data.grant_date
        else None,
        "owner_organisation_id": owner_organisation_id,
        "listing_status": ListingStatus.DRAFT,
        "retired_at": None,
        "register_source": "patentee",  # rule 27: typed by the patentee, not yet verified
        "register_reference": None,
        "register_verified_at": None,
        "register_refresh_requested_at": None,
    }


def owner_rows(
    data: PatentCreate, *, patent_id: uuid.UUID, now: datetime.datetime
) -> list[dict[str, Any]]:
    """The `patent_owners` rows of a new patent, as `build_owners` makes them."""
    return [
        {
            "id": uuid7(),
            "patent_id": patent_id,
            "position": i,
            **dict(o),
            "consent_recorded_at": now if o.consents_to_open_licence else None,
        }
        for i, o in enumerate(data.co_owners)
    ]


def _table(model: Any) -> Table:
    table = model.__table__
    if not isinstance(table, Table):  # pragma: no cover - every model here has one
        raise TypeError(f"{model!r} is not mapped to a table")
    return table


async def import_file(
    session_maker: async_sessionmaker[AsyncSession],
    organisation_id: uuid.UUID,
    path: Path,
    *,
    all_or_nothing: bool = True,
    progress: Callable[[int], None] | None = None,
    clock: Clock,
) -> ImportReport:
    """Read a CSV/XLSX file and import it in one transaction of its own, as it is read: the
    next chunk is parsed in a thread while the current one is checked and written.

    Row errors are reported, not raised; with ``all_or_nothing`` and any error nothing is
    written. An unreadable file or unsupported suffix raises :class:`ValueError` (and nothing
    is written).
    """
    rows = _chunks(iter_rows(Path(path)), INSERT_CHUNK)

    async def chunks() -> AsyncGenerator[list[Row], None]:
        ahead = asyncio.ensure_future(asyncio.to_thread(next, rows, None))
        try:
            while (chunk := await ahead) is not None:
                ahead = asyncio.ensure_future(asyncio.to_thread(next, rows, None))
                yield chunk
        finally:
            with contextlib.suppress(Exception):
                await ahead  # let the reader thread finish before the file is closed
            rows.close()

    async with session_maker.begin() as session, contextlib.aclosing(chunks()) as stream:
        importer = PatentImporter(session, clock=clock)
        return await importer.import_chunks(
            organisation_id, stream, all_or_nothing=all_or_nothing, progress=progress
        )
