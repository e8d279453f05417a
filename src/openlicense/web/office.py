"""IP-office pages: statistics with charts and tables, agreements with filters down to each
sealed contract, the ledger's verification and latest signed checkpoint, export downloads.
The read side is `oversight` (as for the audit API); every request is logged like the API's."""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any, Final, Literal
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import ValidationException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Stream, Template
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openlicense.accounts.guards import allow
from openlicense.accounts.models import OrganisationKind, Role
from openlicense.accounts.service import AccountService
from openlicense.agreements.service import AgreementReader, seal_check
from openlicense.agreements.service.printing import contract_pdf
from openlicense.audit.checkpoints import published_key, to_stored
from openlicense.audit.exports import csv_stream, ledger_export_row, ndjson_stream
from openlicense.audit.models import LedgerCheckpoint, LedgerEntry
from openlicense.core.clock import Clock
from openlicense.oversight import queries, statistics as stats
from openlicense.oversight.queries import AgreementFilters
from openlicense.oversight.schemas import AuditAgreement, audit_agreement
from openlicense.oversight.verification import verify_all
from openlicense.settings import Settings
from openlicense.web.contracts import contract_html
from openlicense.web.forms import AgreementFilterForm, field_errors
from openlicense.web.i18n import N_, Translator
from openlicense.web.labels import FEE_TYPES, TECHNOLOGY_FIELDS, label, pinyin_key, province
from openlicense.web.rendering import page

AnyRequest = Request[Any, Any, Any]
OFFICE = allow(Role.AUDITOR, Role.ADMIN)
START: Final = datetime.date(2021, 6, 1)
"""Open licensing took effect on 1 June 2021 (Patent Law 2020)."""


def _problems(exc: ValidationError) -> list[dict[str, str]]:
    return [{"key": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()]


GroupBy = Literal["quarter", "university", "province", "technology_field", "fee_type"]
WAN_FEN: Final = 1_000_000
"""万元 in fen: the money chart's unit."""


def _group_label(tr: Translator, group_by: str, key: str) -> str:
    if group_by == "province":
        return province(tr, key)
    if group_by == "technology_field":
        return label(tr, TECHNOLOGY_FIELDS, key)
    if group_by == "fee_type":
        return label(tr, FEE_TYPES, key)
    return key


def chart_specs(tr: Translator, group_by: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The two charts' data, the same numbers as the tables beside them."""
    names = [_group_label(tr, group_by, r["group"]) for r in rows]

    def series(name: str, key: str, scale: int = 1) -> dict[str, Any]:
        return {"name": tr.gettext(name), "data": [r[key] / scale for r in rows]}

    return {
        "activity": {
            "categories": names,
            "yName": tr.gettext("count"),
            "series": [
                series(N_("Patents declared"), "patents_declared"),
                series(N_("Licences granted"), "licences_granted"),
                series(N_("SMEs served"), "distinct_smes_served"),
            ],
        },
        "money": {
            "categories": names,
            "yName": tr.gettext("10,000 yuan"),
            "series": [
                series(N_("Agreed"), "amount_agreed_minor", WAN_FEN),
                series(N_("Paid"), "amount_paid_minor", WAN_FEN),
            ],
        },
    }


class OfficePages(Controller):
    path = "/office"
    include_in_schema = False

    @get("/", guards=[OFFICE], name="office_statistics")
    async def statistics(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        group_by: FromQuery[GroupBy] = "quarter",
        date_from: FromQuery[datetime.date] = START,
        date_to: FromQuery[datetime.date | None] = None,
    ) -> Template:
        until = date_to or clock.today()
        rows = await stats.statistics(
            db_session, group_by=group_by, date_from=date_from, date_to=until, today=clock.today()
        )
        if group_by in ("university", "province"):
            rows.sort(key=lambda r: pinyin_key(r["group"]))
        indicators = await stats.indicators(db_session, date_from=date_from, date_to=until)
        context = {
            "group_by": group_by,
            "date_from": date_from,
            "date_to": until,
            "rows": rows,
            "labels": [_group_label(tr, group_by, r["group"]) for r in rows],
            "charts": json.dumps(chart_specs(tr, group_by, rows), ensure_ascii=False),
            "indicators": indicators,
        }
        return page(request, "office/statistics.html", context)

    @get("/statistics.csv", guards=[OFFICE], name="office_statistics_csv")
    async def statistics_csv(
        self,
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        group_by: FromQuery[GroupBy] = "quarter",
        date_from: FromQuery[datetime.date] = START,
        date_to: FromQuery[datetime.date | None] = None,
    ) -> Stream:
        rows = await stats.statistics(
            db_session,
            group_by=group_by,
            date_from=date_from,
            date_to=date_to or clock.today(),
            today=clock.today(),
        )
        columns = list(rows[0]) if rows else ["group"]
        return _download(csv_stream(_aiter(rows), columns), f"statistics-{group_by}.csv")

    @get("/agreements", guards=[OFFICE], name="office_agreements")
    async def agreements(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        db_session: NamedDependency[AsyncSession],
        accounts: NamedDependency[AccountService],
        clock: NamedDependency[Clock],
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> Template:
        raw = {k: v for k, v in request.query_params.items() if k != "cursor"}
        errors: dict[str, str] = {}
        try:
            form = AgreementFilterForm.model_validate(raw)
        except ValidationError as exc:
            form, errors = AgreementFilterForm(), field_errors(tr, exc)
        filters = AgreementFilters(**form.model_dump())
        rows, next_cursor = await queries.agreement_page(
            db_session, filters, today=clock.today(), limit=50, cursor=cursor
        )
        universities = await accounts.list_organisations(OrganisationKind.UNIVERSITY)
        context = {
            "items": [audit_agreement(r, clock.today()) for r in rows],
            "filters": filters,
            "errors": errors,
            "next_cursor": next_cursor,
            "keep": urlencode([(k, v) for k, v in raw.items() if v]),
            "universities": sorted(universities, key=lambda o: pinyin_key(o.name)),
        }
        return page(request, "office/agreements.html", context)

    @get("/agreements/{agreement_id:uuid}", guards=[OFFICE], name="office_agreement")
    async def agreement(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        agreement_id: FromPath[uuid.UUID],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        text: FromQuery[Literal["zh", "en"] | None] = None,
    ) -> Template:
        agreement = await AgreementReader(db_session).load(agreement_id)
        row = await queries.agreement_row(db_session, agreement_id, today=clock.today())
        lang = text or ("zh" if tr.zh else "en")
        context = {
            "agreement": agreement,
            "summary": audit_agreement(row, clock.today()),
            "seal": seal_check(agreement),
            "body": contract_html(agreement.text_zh if lang == "zh" else agreement.text_en),
            "lang": lang,
            "today": clock.today(),
        }
        return page(request, "office/agreement.html", context)

    @get("/agreements/{agreement_id:uuid}/contract.pdf", guards=[OFFICE], name="office_pdf")
    async def pdf(
        self,
        agreement_id: FromPath[uuid.UUID],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> Response[bytes]:
        agreement = await AgreementReader(db_session).load(agreement_id)
        content = await contract_pdf(agreement, settings)
        disposition = f'attachment; filename="{agreement.number}.pdf"'
        return Response(
            content, media_type="application/pdf", headers={"Content-Disposition": disposition}
        )

    @get("/ledger", guards=[OFFICE], name="office_ledger")
    async def ledger(
        self,
        request: AnyRequest,
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> Template:
        latest = await db_session.scalar(
            select(LedgerCheckpoint).order_by(LedgerCheckpoint.seq.desc()).limit(1)
        )
        entries = await db_session.scalar(select(func.count()).select_from(LedgerEntry))
        context = {"latest": latest, "entries": entries or 0, "key": published_key(settings)}
        return page(request, "office/ledger.html", {**context, "report": None})

    @get("/ledger/verify", guards=[OFFICE], name="office_ledger_verify")
    async def verify(
        self,
        request: AnyRequest,
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> Template:
        """Recompute the whole chain and compare every agreement with it (can take a while)."""
        report = await verify_all(db_session, settings)
        context = {"report": report}
        return page(
            request, "office/verification.html", context, partial="office/_verification.html"
        )

    @get("/exports", guards=[OFFICE], name="office_exports")
    async def exports(self, request: AnyRequest) -> Template:
        return page(request, "office/exports.html")

    @get("/exports/agreements.csv", guards=[OFFICE], name="office_export_agreements")
    async def export_agreements(
        self,
        session_maker: NamedDependency[async_sessionmaker[AsyncSession]],
        clock: NamedDependency[Clock],
        date_from: FromQuery[datetime.date | None] = None,
        date_to: FromQuery[datetime.date | None] = None,
        status: Annotated[str | None, QueryParameter(max_length=32)] = None,
        fee_type: Annotated[str | None, QueryParameter(max_length=32)] = None,
    ) -> Stream:
        raw = {"date_from": date_from, "date_to": date_to, "status": status, "fee_type": fee_type}
        try:  # the same blank-means-any filters as the list page; an unknown value is refused
            form = AgreementFilterForm.model_validate(raw)
        except ValidationError as exc:
            raise ValidationException(detail="invalid export filter", extra=_problems(exc)) from exc
        filters = AgreementFilters(**form.model_dump())
        today = clock.today()

        async def rows() -> AsyncIterator[dict[str, Any]]:
            async with session_maker() as session:  # the request's closes when streaming starts
                async for row in queries.stream_agreements(session, filters, today=today):
                    yield audit_agreement(row, today).model_dump(mode="json")

        columns = list(AuditAgreement.model_fields)
        return _download(csv_stream(rows(), columns), "agreements.csv")

    @get("/exports/ledger.ndjson", guards=[OFFICE], name="office_export_ledger")
    async def export_ledger(
        self, session_maker: NamedDependency[async_sessionmaker[AsyncSession]]
    ) -> Stream:
        async def rows() -> AsyncIterator[dict[str, Any]]:
            async with session_maker() as session:
                async for entry in queries.stream_ledger(session):
                    yield ledger_export_row(to_stored(entry))

        return _download(ndjson_stream(rows()), "ledger.ndjson", "application/x-ndjson")


async def _aiter(rows: list[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    for row in rows:
        yield row


def _download(
    chunks: AsyncIterator[bytes], name: str, media_type: str = "text/csv; charset=utf-8"
) -> Stream:
    return Stream(
        chunks,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
