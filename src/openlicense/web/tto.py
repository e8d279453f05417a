"""Pages of a university's technology-transfer office: dashboard, patents (list, add, edit),
licences and recording deadlines, confirming bank transfers. The declaration wizard and the
spreadsheet import have their own modules (`tto_declare`, `tto_import`)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow
from openlicense.accounts.models import Role
from openlicense.accounts.service import AccountService
from openlicense.agreements.schemas import PaymentConfirmation
from openlicense.agreements.service import (
    ObligationService,
    agreement_lines,
    licensor_totals,
    recording_lines,
)
from openlicense.catalogue.imports import validate_row
from openlicense.catalogue.models import ListingStatus, Patent
from openlicense.catalogue.schemas import TECHNOLOGY_FIELDS, PatentUpdate
from openlicense.catalogue.service import (
    DeclarationService,
    PatentFilters,
    PatentService,
    portfolio,
)
from openlicense.core.clock import Clock
from openlicense.core.errors import Conflict
from openlicense.payments.service import OfflineService
from openlicense.search.engine import SearchEngine
from openlicense.web.explain import error_message, import_reason
from openlicense.web.forms import PaymentConfirmForm, field_errors, form_data, patent_row
from openlicense.web.i18n import Translator
from openlicense.web.rendering import page, redirect

AnyRequest = Request[Any, Any, Any]
TTO = allow(Role.TTO_OFFICER)
PER_PAGE = 50
IMMUTABLE = ("application_number", "patent_type", "filing_date")
"""Register facts a patent keeps for life: a different number is a different patent."""


class TtoPages(Controller):
    path = "/tto"
    include_in_schema = False

    @get("/", guards=[TTO], name="tto_dashboard")
    async def dashboard(
        self,
        request: AnyRequest,
        db_session: NamedDependency[AsyncSession],
        accounts: NamedDependency[AccountService],
        clock: NamedDependency[Clock],
    ) -> Template:
        org = request.user.organisation_id
        today = clock.today()
        context = {
            "organisation": await accounts.get_organisation(org),
            "portfolio": await portfolio(db_session, org, today=today),
            "totals": await licensor_totals(db_session, org, today=today),
            "tasks": await recording_lines(db_session, request.user, limit=5),
            "today": today,
        }
        return page(request, "tto/dashboard.html", context)

    @get("/patents", guards=[TTO], name="tto_patents")
    async def patents_list(
        self,
        request: AnyRequest,
        patents: NamedDependency[PatentService],
        search_engine: NamedDependency[SearchEngine],
        q: Annotated[str | None, QueryParameter(max_length=100)] = None,
        status: FromQuery[str | None] = None,
        field: FromQuery[str | None] = None,
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> Template:
        listing = ListingStatus(status) if status in set(ListingStatus) else None
        filters = PatentFilters(
            q=q or None, technology_field=field or None, mine=True, listing_status=listing
        )
        result = await patents.list(
            request.user, filters, limit=PER_PAGE, cursor=cursor, search_engine=search_engine
        )
        shown = {"q": q or "", "status": status or "", "field": field or ""}
        base = "/tto/patents?" + urlencode({k: v for k, v in shown.items() if v})
        context = {
            "rows": result.items,
            "total": result.total_estimate or 0,
            "filters": shown,
            "fields": TECHNOLOGY_FIELDS,
            "next_cursor": result.next_cursor,
            "base": base,
            "first_page": cursor is None,
        }
        return page(request, "tto/patents.html", context, partial="tto/_patents.html")

    @get("/patents/new", guards=[TTO], name="tto_patent_new")
    async def new_form(self, request: AnyRequest) -> Template:
        return page(request, "tto/patent_form.html", _form_context({}, {}, None))

    @post("/patents/new", guards=[TTO], name="tto_patent_create")
    async def create(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        patents: NamedDependency[PatentService],
    ) -> Response[Any]:
        data = await form_data(request)
        created, errors = validate_row(1, patent_row(data))
        if created is None:
            context = _form_context(data, _row_errors(tr, errors), None)
            return page(request, "tto/patent_form.html", context, status=422)
        try:
            patent = await patents.create(request.user, created)
        except Conflict as exc:
            context = _form_context(data, {"application_number": error_message(tr, exc)}, None)
            return page(request, "tto/patent_form.html", context, status=409)
        return redirect(request, f"/tto/patents/{patent.id}?done=created")

    @get("/patents/{patent_id:uuid}", guards=[TTO], name="tto_patent")
    async def detail(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        patents: NamedDependency[PatentService],
        declarations: NamedDependency[DeclarationService],
        done: FromQuery[str | None] = None,
    ) -> Template:
        patent = await patents.get(request.user, patent_id)
        versions = await declarations.list_for_patent(request.user, patent_id)
        context = {"patent": patent, "versions": versions, "done": done}
        return page(request, "tto/patent.html", context)

    @get("/patents/{patent_id:uuid}/edit", guards=[TTO], name="tto_patent_edit")
    async def edit_form(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        patents: NamedDependency[PatentService],
    ) -> Template:
        patent = await patents.get(request.user, patent_id)
        return page(request, "tto/patent_form.html", _form_context(_values(patent), {}, patent))

    @post("/patents/{patent_id:uuid}/edit", guards=[TTO], name="tto_patent_update")
    async def update(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        patent_id: FromPath[uuid.UUID],
        patents: NamedDependency[PatentService],
    ) -> Response[Any]:
        patent = await patents.get(request.user, patent_id)
        data = {**await form_data(request), **{k: str(getattr(patent, k)) for k in IMMUTABLE}}
        data["patent_type"] = patent.patent_type.value
        checked, errors = validate_row(1, patent_row(data))
        if checked is None:
            context = _form_context(data, _row_errors(tr, errors), patent)
            return page(request, "tto/patent_form.html", context, status=422)
        changes = PatentUpdate.model_validate(checked.model_dump(exclude=set(IMMUTABLE)))
        await patents.update(request.user, patent_id, changes)
        return redirect(request, f"/tto/patents/{patent_id}?done=updated")

    @post("/patents/{patent_id:uuid}/publish", guards=[TTO], name="tto_patent_publish")
    async def publish_listing(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        patents: NamedDependency[PatentService],
    ) -> Response[Any]:
        await patents.publish_listing(request.user, patent_id)
        return redirect(request, f"/tto/patents/{patent_id}?done=listed")

    @get("/agreements", guards=[TTO], name="tto_agreements")
    async def agreements(
        self,
        request: AnyRequest,
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        status: FromQuery[str | None] = None,
        page_no: Annotated[int, QueryParameter(name="page", ge=1, le=10_000)] = 1,
    ) -> Template:
        lines, total = await agreement_lines(
            db_session, request.user, status=status, limit=PER_PAGE,
            offset=(page_no - 1) * PER_PAGE,
        )  # fmt: skip
        tasks = await recording_lines(db_session, request.user, limit=200)
        context = {"lines": lines, "total": total, "status": status, "tasks": tasks}
        context |= {"today": clock.today(), "page_no": page_no, "pages": -(-total // PER_PAGE)}
        return page(request, "tto/agreements.html", context)

    @post(
        "/agreements/{agreement_id:uuid}/payments",
        guards=[TTO],
        name="tto_confirm_payment",
        opt={"db": "autocommit"},  # the payments service writes in its own short transactions
    )
    async def confirm_payment(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        agreement_id: FromPath[uuid.UUID],
        offline_payments: NamedDependency[OfflineService],
        obligations: NamedDependency[ObligationService],
    ) -> Response[Any]:
        """A bank transfer arrived: the offline confirmation of the payments service."""
        agreement = await obligations.get(request.user, agreement_id)
        try:
            form = PaymentConfirmForm.model_validate(await form_data(request))
        except ValidationError as exc:
            raise Conflict("; ".join(field_errors(tr, exc).values()), code="form") from exc
        data = PaymentConfirmation.model_validate(form.api_payload(agreement.currency))
        await offline_payments.confirm_offline(request.user, agreement_id, data)
        return redirect(request, f"/agreements/{agreement_id}?done=confirmed")


def _row_errors(tr: Translator, errors: list[Any]) -> dict[str, str]:
    """Import-row errors (`ipc_codes.0`, `co_owners.1.name` …) onto the form's fields."""
    out: dict[str, str] = {}
    for error in errors:
        field = error.field.split(".")[0]
        if field == "evaluation_report":
            field = "evaluation_report_" + [*error.field.split("."), "reference"][1]
        out.setdefault(field, import_reason(tr, error.reason))
    return out


def _values(patent: Patent) -> dict[str, Any]:
    """A patent as the form's flat fields (the import columns)."""
    report = patent.evaluation_report or {}
    return {
        **{k: getattr(patent, k) for k in (
            "application_number", "title_zh", "title_en", "abstract_zh", "abstract_en", "claims",
            "filing_date", "grant_date", "announcement_date", "annual_fee_paid_through",
            "pledgee_consent_ref", "technology_field", "trl", "pledged", "suspended",
        )},
        "patent_type": patent.patent_type.value,
        "legal_status": patent.legal_status.value,
        "ipc_codes": "; ".join(patent.ipc_codes),
        "inventors": "; ".join(patent.inventors),
        "application_scenarios": "; ".join(patent.application_scenarios),
        "keywords": "; ".join(patent.keywords),
        "co_owners": "\n".join(o.name for o in patent.co_owners),
        "co_owner_consent_refs": "\n".join(o.consent_document_ref or "" for o in patent.co_owners),
        "evaluation_report_reference": report.get("reference"),
        "evaluation_report_issued_on": report.get("issued_on"),
        "evaluation_report_conclusion": report.get("conclusion"),
    }  # fmt: skip


def _form_context(values: dict[str, Any], errors: dict[str, str], patent: Any) -> dict[str, Any]:
    return {"values": values, "errors": errors, "patent": patent, "fields": TECHNOLOGY_FIELDS}
