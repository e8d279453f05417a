"""The patent list (`GET /api/patents`): keyset pages served by an index at any depth.

A caller may see several kinds of listing (a TTO: everything published plus its own drafts), so
the page is the merge of one keyset query per kind, each `ORDER BY created_at DESC, id DESC
LIMIT n + 1` on its own index — never an `OR` that would make the database sort everything.
Only the summary columns are read. Totals are an estimate: an exact count, cached for
`COUNT_TTL` seconds per filter, instead of a `count(*)` on every page. A search term goes to the
search engine, not to `ILIKE`."""

from __future__ import annotations

import datetime
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.models import Role
from openlicense.accounts.principal import Principal
from openlicense.catalogue.models import ListingStatus, Patent
from openlicense.catalogue.schemas import PatentSummary
from openlicense.core.cursor import decode_cursor, encode_cursor
from openlicense.search.engine import SearchEngine, SearchQuery

COUNT_TTL = 30.0
ESTIMATE_FROM = 1_000
SUMMARY_COLUMNS = (
    *(getattr(Patent, name) for name in PatentSummary.model_fields),
    Patent.created_at,  # the sort key
)


@dataclass(frozen=True, slots=True)
class PatentFilters:
    technology_field: str | None = None
    owner_organisation_id: uuid.UUID | None = None
    mine: bool = False
    q: str | None = None
    listing_status: ListingStatus | None = None


@dataclass(frozen=True, slots=True)
class PatentPage:
    items: list[PatentSummary]
    next_cursor: str | None
    total_estimate: int | None


def kinds(principal: Principal | None, mine: bool) -> list[ColumnElement[bool]]:
    """The kinds of listing the caller sees, as disjoint conditions each served by an index."""
    published = Patent.listing_status == ListingStatus.PUBLISHED
    if principal is None:
        return [published]
    own = Patent.owner_organisation_id == principal.organisation_id
    if mine:
        return [own]
    if principal.is_admin:
        return [Patent.id.is_not(None)]
    if principal.role is Role.AUDITOR:
        return [published, Patent.listing_status == ListingStatus.RETIRED]
    if principal.role is Role.TTO_OFFICER:
        return [published & (Patent.owner_organisation_id != principal.organisation_id), own]
    return [published]


def sees_only_published(principal: Principal | None, mine: bool) -> bool:
    """Whether `kinds` is just the published listings: the same list for every such caller."""
    if principal is None:
        return True
    if mine or principal.is_admin:
        return False
    return principal.role not in (Role.AUDITOR, Role.TTO_OFFICER)


def _filtered(condition: ColumnElement[bool], filters: PatentFilters) -> Select[Any]:
    query = select(*SUMMARY_COLUMNS).where(condition)
    if filters.technology_field:
        query = query.where(Patent.technology_field == filters.technology_field)
    if filters.owner_organisation_id:
        query = query.where(Patent.owner_organisation_id == filters.owner_organisation_id)
    if filters.listing_status:
        query = query.where(Patent.listing_status == filters.listing_status)
    return query


async def list_page(
    session: AsyncSession,
    principal: Principal | None,
    filters: PatentFilters,
    *,
    limit: int,
    cursor: str | None,
) -> PatentPage:
    after = decode_cursor(cursor, datetime.datetime, uuid.UUID) if cursor else None
    rows: list[Any] = []
    for condition in kinds(principal, filters.mine):
        query = _filtered(condition, filters)
        if after is not None:
            query = query.where(tuple_(Patent.created_at, Patent.id) < after)
        order = (Patent.created_at.desc(), Patent.id.desc())
        rows += (await session.execute(query.order_by(*order).limit(limit + 1))).all()
    rows.sort(key=lambda r: (_aware(r.created_at), r.id), reverse=True)
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if more and rows else None
    return PatentPage(
        items=[PatentSummary.model_validate(r._mapping) for r in rows],
        next_cursor=encode_cursor(_aware(last.created_at), last.id) if last else None,
        total_estimate=await _estimated_count(session, principal, filters),
    )


async def search_page(
    session: AsyncSession,
    engine: SearchEngine,
    principal: Principal | None,
    filters: PatentFilters,
    *,
    limit: int,
    cursor: str | None,
) -> PatentPage:
    """`q=`: the search engine ranks; the page number travels in the cursor."""
    (page,) = decode_cursor(cursor, int) if cursor else (1,)
    viewer = principal.organisation_id if principal and principal.role is Role.TTO_OFFICER else None
    owner = viewer if filters.mine and viewer else filters.owner_organisation_id
    result = await engine.search(
        SearchQuery(
            q=filters.q or "",
            technology_field=[filters.technology_field] if filters.technology_field else [],
            university_id=[str(owner)] if owner else [],
            page=max(1, min(page, 1000)),
            per_page=limit,
            viewer_organisation_id=str(viewer) if viewer else None,
        )
    )
    ids = [uuid.UUID(hit.id) for hit in result.hits]
    found = {
        r.id: r
        for r in (await session.execute(select(*SUMMARY_COLUMNS).where(Patent.id.in_(ids)))).all()
    }
    items = [PatentSummary.model_validate(found[i]._mapping) for i in ids if i in found]
    if filters.listing_status:
        items = [item for item in items if item.listing_status is filters.listing_status]
    more = page * limit < result.total
    return PatentPage(
        items=items,
        next_cursor=encode_cursor(page + 1) if more else None,
        total_estimate=result.total,
    )


_counts: dict[tuple[Any, ...], tuple[float, int]] = {}


async def _estimated_count(
    session: AsyncSession, principal: Principal | None, filters: PatentFilters
) -> int:
    """Exact below `ESTIMATE_FROM`; above it the planner's row estimate on PostgreSQL (no scan
    at all) or an exact count on SQLite, either reused for `COUNT_TTL` seconds."""
    view = (
        None if principal is None else (principal.role, principal.organisation_id),
        filters.mine,
        filters.technology_field,
        filters.owner_organisation_id,
        filters.listing_status,
    )
    now = time.monotonic()
    cached = _counts.get(view)
    if cached is not None and now - cached[0] < COUNT_TTL and cached[1] >= ESTIMATE_FROM:
        return cached[1]  # small lists are counted exactly every time: it is cheap
    queries = [
        _filtered(condition, filters).with_only_columns(Patent.id)
        for condition in kinds(principal, filters.mine)
    ]
    total = 0
    if session.get_bind().dialect.name == "postgresql":
        total = sum([await _planner_rows(session, q) for q in queries])
    if total < ESTIMATE_FROM:
        total = 0
        for query in queries:
            total += await session.scalar(query.with_only_columns(func.count())) or 0
    if len(_counts) > 10_000:
        _counts.clear()
    _counts[view] = (now, total)
    return total


async def _planner_rows(session: AsyncSession, query: Select[Any]) -> int:
    """PostgreSQL's estimate of the rows `query` returns: planning only, nothing is read."""
    connection = await session.connection()
    compiled = query.compile(dialect=connection.dialect)
    params = tuple(compiled.params[name] for name in compiled.positiontup or ())
    result = await connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), params)
    plan = result.scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def _aware(moment: datetime.datetime) -> datetime.datetime:
    """SQLite returns naive UTC datetimes; compare and encode them as aware ones."""
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
