"""The declaration wizard: fee standard → period and terms → the rule check, live, before
publishing. The check is `DeclarationService.check` (rules 1–12, 16, 29–30), the same that
`publish` runs; publishing is `draft` + `publish`, as through the API."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from pydantic import ValidationError

from openlicense.accounts.guards import allow
from openlicense.accounts.models import Role
from openlicense.catalogue.models import Patent
from openlicense.catalogue.service import DeclarationService, PatentService
from openlicense.catalogue.terms import DeclarationTerms
from openlicense.core.clock import Clock
from openlicense.core.dates import add_months
from openlicense.core.errors import RuleViolationError
from openlicense.core.violations import RuleViolation
from openlicense.web.explain import Explained, explain_all
from openlicense.web.forms import DECLARATION_FIELDS, DeclarationForm, field_errors, form_data
from openlicense.web.i18n import Translator
from openlicense.web.rendering import page, redirect

AnyRequest = Request[Any, Any, Any]
TTO = allow(Role.TTO_OFFICER)


class DeclarePages(Controller):
    path = "/tto/patents/{patent_id:uuid}/declare"
    include_in_schema = False

    @get("/", guards=[TTO], name="tto_declare")
    async def wizard(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        patents: NamedDependency[PatentService],
        clock: NamedDependency[Clock],
    ) -> Template:
        patent = await patents.get(request.user, patent_id)
        context = {"patent": patent, "values": _defaults(patent, clock.today()), "errors": {}}
        return page(request, "tto/declare.html", {**context, "check": None})

    @post("/check", guards=[TTO], name="tto_declare_check")
    async def check(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        patent_id: FromPath[uuid.UUID],
        declarations: NamedDependency[DeclarationService],
    ) -> Template:
        """The live rule check (htmx, on every change): nothing is saved."""
        data = await form_data(request)
        result = await _check(request, tr, patent_id, data, declarations)
        return page(request, "tto/_rule_check.html", {"check": result, "errors": result.errors})

    @post("/", guards=[TTO], name="tto_declare_publish")
    async def publish(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        patent_id: FromPath[uuid.UUID],
        patents: NamedDependency[PatentService],
        declarations: NamedDependency[DeclarationService],
    ) -> Response[Any]:
        data = await form_data(request)
        result = await _check(request, tr, patent_id, data, declarations)
        if result.ok and not result.attested:
            result.errors["attest"] = tr.gettext(
                "Confirm that the declaration and the register facts are true (rule 27)."
            )
        if result.ok and result.attested and result.terms is not None:
            try:
                draft = await declarations.draft(request.user, patent_id, result.terms)
                await declarations.publish(request.user, draft.id)
            except RuleViolationError as exc:  # the patent changed meanwhile: show why
                result.violations = explain_all(tr, exc.violations)
            else:
                return redirect(request, f"/tto/patents/{patent_id}?done=declared")
        patent = await patents.get(request.user, patent_id)
        context = {"patent": patent, "values": data, "errors": result.errors, "check": result}
        return page(request, "tto/declare.html", context, status=422)


class CheckResult:
    """What the wizard shows under "Rule check": field errors or rule violations, or ready."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.violations: list[Explained] = []
        self.terms: DeclarationTerms | None = None
        self.attested = False

    @property
    def ok(self) -> bool:
        blocking = [v for v in self.violations if not v.warning]
        return not self.errors and not blocking and self.terms is not None


async def _check(
    request: AnyRequest,
    tr: Translator,
    patent_id: uuid.UUID,
    data: dict[str, Any],
    declarations: DeclarationService,
) -> CheckResult:
    result = CheckResult()
    try:
        form = DeclarationForm.model_validate(data)
        result.attested = form.attest
        result.terms = DeclarationTerms.model_validate(form.terms())
    except ValidationError as exc:
        result.errors = field_errors(tr, exc, DECLARATION_FIELDS)
        return result
    except RuleViolationError as exc:
        result.violations = explain_all(tr, exc.violations)
        return result
    violations: list[RuleViolation] = await declarations.check(
        request.user, patent_id, result.terms
    )
    result.violations = explain_all(tr, violations)
    return result


def _defaults(patent: Patent, today: datetime.date) -> dict[str, Any]:
    """A sensible start: from today, three years or to expiry, bank transfer, a lump sum."""
    end = min(add_months(today, 36) - datetime.timedelta(days=1), patent.expiry_date)
    return {
        "fee_type": "LUMP_SUM",
        "licence_start": today.isoformat(),
        "licence_end": end.isoformat(),
        "payment_channels": ["bank_transfer"],
        "due_days": "30",
        "reporting_period": "quarterly",
        "report_due_days": "30",
        "royalty_base": "net_sales",
        "trial_months": "6",
        "after_trial": "ROYALTY",
    }
