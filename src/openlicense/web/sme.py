"""Enterprise pages: take a licence in three steps (offer → contract → confirm), my licences,
and the agreement page shared by both parties (contract, PDF, seal, schedule, payments,
royalty reports, ending a trial, recording), plus the pages Stripe Checkout returns to."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow
from openlicense.accounts.models import Role
from openlicense.agreements.rules import trial_end_refusal
from openlicense.agreements.schemas import AcceptanceRequest, RecordingFiled
from openlicense.agreements.service import (
    AcceptanceService,
    ObligationService,
    agreement_lines,
    history,
    quote,
    seal_check,
)
from openlicense.agreements.service.printing import contract_pdf
from openlicense.catalogue.service import DeclarationService, PatentService
from openlicense.catalogue.terms import DeclarationTerms
from openlicense.core.clock import Clock
from openlicense.core.errors import Conflict, OpenLicenseError
from openlicense.payments.service import CheckoutService, PaymentReader
from openlicense.settings import Settings
from openlicense.web.contracts import contract_html
from openlicense.web.explain import error_message, explain_all
from openlicense.web.forms import AcceptForm, RecordingForm, field_errors, form_data
from openlicense.web.i18n import Translator
from openlicense.web.rendering import page, redirect
from openlicense.web.reports import ReportPages

AnyRequest = Request[Any, Any, Any]
ENTERPRISE = allow(Role.ENTERPRISE_MEMBER)
PARTIES = allow(Role.ENTERPRISE_MEMBER, Role.TTO_OFFICER)
Lang = Literal["zh", "en"]


class OfferPages(Controller):
    """The licence flow: 1 choose the offer → 2 read the contract → 3 confirm."""

    path = "/offers/{declaration_id:uuid}"
    include_in_schema = False

    @get("/", guards=[ENTERPRISE], name="offer")
    async def choose(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        declaration_id: FromPath[uuid.UUID],
        declarations: NamedDependency[DeclarationService],
        patents: NamedDependency[PatentService],
        clock: NamedDependency[Clock],
    ) -> Template:
        context = await _offer_context(request, tr, declaration_id, declarations, patents, clock)
        return page(request, "sme/offer.html", {**context, "step": 1})

    @get("/contract", guards=[ENTERPRISE], name="offer_contract")
    async def contract(
        self,
        request: AnyRequest,
        declaration_id: FromPath[uuid.UUID],
        acceptance: NamedDependency[AcceptanceService],
        tr: NamedDependency[Translator],
        text: FromQuery[Lang | None] = None,
    ) -> Template:
        preview = await acceptance.preview(request.user, declaration_id)
        lang = text or ("zh" if tr.zh else "en")
        body = contract_html(preview.text_zh if lang == "zh" else preview.text_en)
        context = {"declaration_id": declaration_id, "step": 2, "lang": lang, "body": body}
        return page(request, "sme/contract_preview.html", context)

    @get("/confirm", guards=[ENTERPRISE], name="offer_confirm")
    async def confirm_form(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        declaration_id: FromPath[uuid.UUID],
        declarations: NamedDependency[DeclarationService],
        patents: NamedDependency[PatentService],
        clock: NamedDependency[Clock],
    ) -> Template:
        context = await _offer_context(request, tr, declaration_id, declarations, patents, clock)
        # Made once per showing of step 3: a double click, or "back" and confirm again, sends
        # the same key and gets the same agreement back (AcceptanceService is idempotent on it).
        key = f"web-{uuid.uuid4().hex}"
        return page(request, "sme/confirm.html", {**context, "step": 3, "key": key, "errors": {}})

    @post("/accept", guards=[ENTERPRISE], name="offer_accept")
    async def accept(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        declaration_id: FromPath[uuid.UUID],
        acceptance: NamedDependency[AcceptanceService],
        declarations: NamedDependency[DeclarationService],
        patents: NamedDependency[PatentService],
        clock: NamedDependency[Clock],
    ) -> Response[Any]:
        data = await form_data(request)
        try:
            form = AcceptForm.model_validate(data)
            if not form.confirm:
                raise _NotConfirmed
            agreement, _ = await acceptance.accept(
                request.user,
                declaration_id,
                AcceptanceRequest(
                    declaration_version=form.declaration_version, terms_hash=form.terms_hash
                ),
                idempotency_key=form.idempotency_key,
                ip=request.client.host if request.client else None,
                user_agent=request.headers.get("user-agent"),
            )
        except (ValidationError, _NotConfirmed, Conflict) as exc:
            context = await _offer_context(
                request, tr, declaration_id, declarations, patents, clock
            )
            message = (
                error_message(tr, exc)
                if isinstance(exc, OpenLicenseError)
                else tr.gettext("Tick the box to confirm that you accept the contract.")
            )
            context |= {"step": 3, "key": data.get("idempotency_key", ""), "error": message}
            return page(request, "sme/confirm.html", {**context, "errors": {}}, status=409)
        return redirect(request, f"/agreements/{agreement.id}?accepted=1")


class _NotConfirmed(Exception):
    pass


async def _offer_context(
    request: AnyRequest,
    tr: Translator,
    declaration_id: uuid.UUID,
    declarations: DeclarationService,
    patents: PatentService,
    clock: Clock,
) -> dict[str, Any]:
    declaration = await declarations.get(request.user, declaration_id)
    patent = await patents.get(request.user, declaration.patent_id)
    _, violations = await declarations.acceptability(request.user, declaration_id, None)
    offered = None
    if not violations:
        offered = await quote(
            declarations,
            request.user,
            declaration_id,
            acceptance_date=clock.today(),
            estimated_annual_base=None,
        )
    return {
        "declaration": declaration,
        "terms": DeclarationTerms.model_validate(declaration.terms),
        "patent": patent,
        "quote": offered,
        "problems": explain_all(tr, violations),
        "today": clock.today(),
    }


class AgreementPages(Controller):
    """One agreement, for its two parties: the SME licensee and the university's TTO."""

    path = "/"
    include_in_schema = False

    @get("/my/agreements", guards=[ENTERPRISE], name="my_agreements")
    async def mine(
        self,
        request: AnyRequest,
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        status: FromQuery[str | None] = None,
        page_no: Annotated[int, QueryParameter(name="page", ge=1, le=1000)] = 1,
    ) -> Template:
        lines, total = await agreement_lines(
            db_session, request.user, status=status, limit=50, offset=(page_no - 1) * 50
        )
        context = {"lines": lines, "total": total, "status": status, "today": clock.today()}
        context |= {"page_no": page_no, "pages": -(-total // 50)}
        return page(request, "sme/agreements.html", context)

    @get("/agreements/{agreement_id:uuid}", guards=[PARTIES], name="agreement")
    async def agreement(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        agreement_id: FromPath[uuid.UUID],
        obligations: NamedDependency[ObligationService],
        payment_reader: NamedDependency[PaymentReader],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        text: FromQuery[Lang | None] = None,
        done: FromQuery[str | None] = None,
        accepted: FromQuery[bool] = False,
    ) -> Template:
        agreement = await obligations.get(request.user, agreement_id)
        paid, refunds = await payment_reader.list_for(request.user, agreement_id)
        lang = text or ("zh" if tr.zh else "en")
        terms = DeclarationTerms.model_validate(agreement.snapshot["declaration"]["terms"])
        trial = trial_end_refusal(history.facts_of(agreement), clock.today())
        context = {
            "agreement": agreement,
            "body": contract_html(agreement.text_zh if lang == "zh" else agreement.text_en),
            "lang": lang,
            "payments": paid,
            "refunds": refunds,
            "online": settings.stripe.enabled and "online" in terms.payment_channels,
            "can_end_trial": trial is None,
            "is_licensee": request.user.role is Role.ENTERPRISE_MEMBER,
            "today": clock.today(),
            "done": done,
            "accepted": accepted,
            "errors": {},
        }
        return page(request, "sme/agreement.html", context)

    @get("/agreements/{agreement_id:uuid}/contract.pdf", guards=[PARTIES], name="agreement_pdf")
    async def pdf(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        obligations: NamedDependency[ObligationService],
        settings: NamedDependency[Settings],
    ) -> Response[bytes]:
        agreement = await obligations.get(request.user, agreement_id)
        content = await contract_pdf(agreement, settings)
        return Response(
            content,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{agreement.number}.pdf"'},
        )

    @get("/agreements/{agreement_id:uuid}/seal", guards=[PARTIES], name="agreement_seal")
    async def seal(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        obligations: NamedDependency[ObligationService],
    ) -> Template:
        check = seal_check(await obligations.get(request.user, agreement_id))
        return page(request, "sme/seal.html", {"check": check}, partial="sme/_seal.html")

    @post("/agreements/{agreement_id:uuid}/pay", guards=[ENTERPRISE], name="agreement_pay")
    async def pay(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        checkout: NamedDependency[CheckoutService],
    ) -> Response[Any]:
        """Stripe Checkout for one amount due; back to /payments/success or /cancelled."""
        data = await form_data(request)
        payment = await checkout.start_checkout(
            request.user, agreement_id, str(data.get("entry_key", ""))[:40]
        )
        if not payment.checkout_url:
            return redirect(request, f"/agreements/{agreement_id}")
        return Redirect(path=payment.checkout_url, status_code=303)

    @post("/agreements/{agreement_id:uuid}/end-trial", guards=[ENTERPRISE], name="end_trial")
    async def end_trial(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        obligations: NamedDependency[ObligationService],
    ) -> Response[Any]:
        await obligations.end_trial(request.user, agreement_id)
        return redirect(request, f"/agreements/{agreement_id}?done=trial_ended")

    @post("/agreements/{agreement_id:uuid}/recording", guards=[PARTIES], name="recording")
    async def recording(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        agreement_id: FromPath[uuid.UUID],
        obligations: NamedDependency[ObligationService],
    ) -> Response[Any]:
        try:
            form = RecordingForm.model_validate(await form_data(request))
        except ValidationError as exc:
            message = "; ".join(field_errors(tr, exc).values())
            raise Conflict(message, code="recording_form") from exc
        data = RecordingFiled(cnipa_reference=form.cnipa_reference, filed_on=form.filed_on)
        await obligations.file_recording(request.user, agreement_id, data)
        return redirect(request, f"/agreements/{agreement_id}?done=recorded")


class CheckoutReturnPages(Controller):
    """Where Stripe Checkout sends the buyer back (`settings.stripe.success_url`/`cancel_url`)."""

    path = "/payments"
    include_in_schema = False

    @get("/success", guards=[ENTERPRISE], name="payment_success")
    async def success(
        self,
        request: AnyRequest,
        checkout: NamedDependency[CheckoutService],
        session_id: Annotated[str, QueryParameter(max_length=200)] = "",
    ) -> Template:
        """Ask Stripe how the checkout went and apply it now (the webhook would, a little
        later), with the same checks of amount and currency as the webhook."""
        found = await checkout.returned(request.user, session_id) if session_id else None
        status, agreement_id = found if found is not None else (None, None)
        context = {"status": status, "agreement_id": agreement_id}
        return page(request, "sme/payment_result.html", {**context, "cancelled": False})

    @get("/cancelled", guards=[ENTERPRISE], name="payment_cancelled")
    async def cancelled(self, request: AnyRequest) -> Template:
        context = {"status": None, "agreement_id": None, "cancelled": True}
        return page(request, "sme/payment_result.html", context)


SME_CONTROLLERS = [OfferPages, AgreementPages, CheckoutReturnPages, ReportPages]
