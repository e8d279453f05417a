"""Royalty and usage reports: the licensee enters a period's sales (or units), sees the amount
the sealed terms make due, then submits. Both steps call `ObligationService`."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from pydantic import ValidationError

from openlicense.accounts.guards import allow
from openlicense.accounts.models import Role
from openlicense.agreements.models import Agreement, EntryStatus
from openlicense.agreements.schemas import RoyaltyReportIn
from openlicense.agreements.service import ObligationService
from openlicense.core.clock import Clock
from openlicense.core.errors import OpenLicenseError
from openlicense.web.explain import error_message
from openlicense.web.forms import ReportForm, field_errors, form_data
from openlicense.web.i18n import Translator
from openlicense.web.rendering import page, redirect

AnyRequest = Request[Any, Any, Any]
ENTERPRISE = allow(Role.ENTERPRISE_MEMBER)


def reportable(agreement: Agreement, today: Any) -> list[Any]:
    """Royalty periods that are over and still await their report, earliest first."""
    return sorted(
        (
            e
            for e in agreement.entries
            if e.kind == "royalty"
            and e.status is EntryStatus.AWAITING_REPORT
            and e.period_end is not None
            and e.period_end < today
        ),
        key=lambda e: e.due_date,
    )


class ReportPages(Controller):
    path = "/agreements/{agreement_id:uuid}/report"
    include_in_schema = False

    @get("/", guards=[ENTERPRISE], name="report_form")
    async def form(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        obligations: NamedDependency[ObligationService],
        clock: NamedDependency[Clock],
        entry: FromQuery[str | None] = None,
    ) -> Template:
        agreement = await obligations.get(request.user, agreement_id)
        context = {
            "agreement": agreement,
            "entries": reportable(agreement, clock.today()),
            "entry": entry,
            "values": {},
            "errors": {},
            "preview": None,
        }
        return page(request, "sme/report.html", context)

    @post("/", guards=[ENTERPRISE], name="report_submit")
    async def submit(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        agreement_id: FromPath[uuid.UUID],
        obligations: NamedDependency[ObligationService],
        clock: NamedDependency[Clock],
    ) -> Response[Any]:
        data = await form_data(request)
        agreement = await obligations.get(request.user, agreement_id)
        context: dict[str, Any] = {
            "agreement": agreement,
            "entries": reportable(agreement, clock.today()),
            "entry": data.get("entry_key"),
            "values": data,
            "errors": {},
            "preview": None,
        }
        try:
            form = ReportForm.model_validate(data)
            base = next((e.base for e in agreement.entries if e.key == form.entry_key), None)
            report = RoyaltyReportIn(entry_key=form.entry_key, base_amount=form.base_amount(base))
            # Submit only what was previewed: a changed amount is previewed again first.
            if form.action == "submit" and data.get("previewed") == data.get("base"):
                await obligations.report_royalty(request.user, agreement_id, report)
                return redirect(request, f"/agreements/{agreement_id}?done=reported")
            context["preview"] = await obligations.preview_royalty(
                request.user, agreement_id, report
            )
        except ValidationError as exc:
            context["errors"] = field_errors(tr, exc)
            return page(request, "sme/report.html", context, status=422)
        except OpenLicenseError as exc:
            context["errors"] = {"form": error_message(tr, exc)}
            return page(request, "sme/report.html", context, status=409)
        return page(request, "sme/report.html", context)
