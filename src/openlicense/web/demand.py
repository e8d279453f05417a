"""Demand-side pages (issue 17): the needs library with matches and their reasons, a TTO's
matched needs, 揭榜挂帅 challenges with applications and selection, and the provincial
authority's indicators. Every page calls the same services as the API."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Template
from pydantic import ValidationError

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.accounts.principal import Principal
from openlicense.challenges.errors import AgreementNotFound
from openlicense.challenges.schemas import ApplicationCreate, CooperationCreate
from openlicense.challenges.service import ChallengeService, CooperationService
from openlicense.challenges.service.cooperation import seal_valid
from openlicense.core.clock import Clock
from openlicense.indicators.rules import current_half
from openlicense.indicators.service import INDICATOR_LABELS, IndicatorService, to_xlsx
from openlicense.needs.schemas import NeedCreate
from openlicense.needs.service import MatchingService, NeedService
from openlicense.web.demand_libraries import LIBRARY_CONTROLLERS
from openlicense.web.forms import field_errors, form_data
from openlicense.web.i18n import Translator
from openlicense.web.labels import TECHNOLOGY_FIELDS
from openlicense.web.rendering import page, redirect

AnyRequest = Request[Any, Any, Any]
ENTERPRISE = allow(Role.ENTERPRISE_MEMBER)
TTO = allow(Role.TTO_OFFICER)
PUBLISHER = allow(Role.ENTERPRISE_MEMBER, Role.PROVINCIAL_AUTHORITY)
READERS = allow(Role.PROVINCIAL_AUTHORITY, Role.AUDITOR, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Period = Annotated[str | None, QueryParameter(max_length=10, pattern=r"^\d{4}(-(H[12]|Q[1-4]))?$")]


def _principal(request: AnyRequest) -> Principal | None:
    user: Principal | None = request.scope.get("user")
    return user


def terms_of(value: Any) -> list[str]:
    """ "a；b, c" → ["a", "b", "c"]."""
    text = value if isinstance(value, str) else ""
    for sep in "；;，、":
        text = text.replace(sep, ",")
    return [t.strip() for t in text.split(",") if t.strip()]


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []


def need_input(data: dict[str, Any]) -> dict[str, Any]:
    """The posted need form as the API's NeedCreate input."""
    budget = str(data.get("budget_max_yuan") or "").strip()
    return {
        "title": data.get("title", ""),
        "description": data.get("description", ""),
        "technology_field": data.get("technology_field") or None,
        "keywords": terms_of(data.get("keywords")),
        "ipc_hints": terms_of(data.get("ipc_hints")),
        "budget_max_minor": int(budget) * 100 if budget.isdigit() else None,
        "cooperation_forms": _as_list(data.get("cooperation_forms")) or ["licence"],
        "visibility": data.get("visibility") or "public",
    }


class NeedPages(Controller):
    path = "/needs"
    include_in_schema = False

    @get("/", guards=[public], name="needs")
    async def list_needs(
        self, request: AnyRequest, needs: NamedDependency[NeedService]
    ) -> Template:
        principal = _principal(request)
        rows = await needs.list(principal)
        mine = await needs.list(principal, mine=True) if principal else []
        context = {"needs": [needs.read(n) for n in rows], "mine": [needs.read(n) for n in mine]}
        return page(request, "demand/needs.html", context)

    @get("/new", guards=[ENTERPRISE], name="need_new")
    async def new_form(self, request: AnyRequest) -> Template:
        return page(request, "demand/need_form.html", _need_form({}, {}))

    @post("/new", guards=[ENTERPRISE], name="need_create")
    async def create(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        needs: NamedDependency[NeedService],
        matching: NamedDependency[MatchingService],
    ) -> Response[Any]:
        data = await form_data(request)
        try:
            payload = NeedCreate.model_validate(need_input(data))
        except ValidationError as exc:
            errors = field_errors(tr, exc)
            return page(request, "demand/need_form.html", _need_form(data, errors), status=422)
        need = await needs.post(request.user, payload)
        await matching.refresh(need)
        return redirect(request, f"/needs/{need.id}")

    @get("/{need_id:uuid}", guards=[public], name="need")
    async def detail(
        self,
        request: AnyRequest,
        need_id: FromPath[uuid.UUID],
        needs: NamedDependency[NeedService],
        matching: NamedDependency[MatchingService],
    ) -> Template:
        """The need; its enterprise also sees the matches, with reasons and what is new."""
        principal = _principal(request)
        need = await needs.get(principal, need_id)
        owner = principal is not None and principal.organisation_id == need.organisation_id
        matches: list[Any] = []
        new: set[uuid.UUID] = set()
        if owner:
            matches, new = await matching.for_owner(need)
        context = {"need": needs.read(need), "owner": owner, "matches": matches, "new": new}
        return page(request, "demand/need.html", context)

    @post("/{need_id:uuid}/confirm", guards=[ENTERPRISE], name="need_confirm")
    async def confirm(
        self, request: AnyRequest, need_id: FromPath[uuid.UUID], needs: NamedDependency[NeedService]
    ) -> Response[Any]:
        await needs.confirm(request.user, need_id)
        return redirect(request, f"/needs/{need_id}")


class MatchedNeedPages(Controller):
    path = "/tto/matches"
    include_in_schema = False

    @get("/", guards=[TTO], name="tto_matches")
    async def matched(
        self,
        request: AnyRequest,
        needs: NamedDependency[NeedService],
        matching: NamedDependency[MatchingService],
    ) -> Template:
        """Needs our patents, achievements or experts match; new ones since the last visit."""
        grouped, new = await matching.for_university(request.user)
        rows = [(needs.read(n), ms) for n, ms in grouped]
        return page(request, "demand/matched.html", {"rows": rows, "new": new})


class ChallengePages(Controller):
    path = "/challenges"
    include_in_schema = False

    @get("/", guards=[public], name="challenges")
    async def list_challenges(
        self, request: AnyRequest, challenges: NamedDependency[ChallengeService]
    ) -> Template:
        return page(request, "demand/challenges.html", {"challenges": await challenges.list()})

    @get("/{challenge_id:uuid}", guards=[public], name="challenge")
    async def detail(
        self,
        request: AnyRequest,
        challenge_id: FromPath[uuid.UUID],
        challenges: NamedDependency[ChallengeService],
        cooperation: NamedDependency[CooperationService],
    ) -> Template:
        """The call; the publisher sees every application, a university only its own; the
        parties see the sealed cooperation agreement and its milestones."""
        challenge = await challenges.get(challenge_id)
        principal = _principal(request)
        applications = (
            await challenges.applications(principal, challenge_id)
            if principal is not None
            and principal.role
            in (Role.ENTERPRISE_MEMBER, Role.TTO_OFFICER, Role.PROVINCIAL_AUTHORITY, Role.ADMIN)
            else []
        )
        publisher = principal is not None and principal.organisation_id == challenge.publisher_id
        agreement, milestones = None, []
        if principal is not None:
            try:
                agreement = await cooperation.get(principal, challenge_id)
                milestones = list(await cooperation.milestones(agreement))
            except AgreementNotFound:
                agreement = None
        context = {
            "challenge": challenge,
            "applications": applications,
            "publisher": publisher,
            "agreement": agreement,
            "milestones": milestones,
            "seal_valid": seal_valid(agreement) if agreement else None,
            "errors": {},
            "values": {},
        }
        return page(request, "demand/challenge.html", context)

    @post("/{challenge_id:uuid}/apply", guards=[TTO], name="challenge_apply")
    async def apply(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        challenge_id: FromPath[uuid.UUID],
        challenges: NamedDependency[ChallengeService],
    ) -> Response[Any]:
        """揭榜: a proposal and the team (one member per line: name, title)."""
        data = await form_data(request)
        team = []
        for line in str(data.get("team") or "").splitlines():
            parts = terms_of(line)
            if parts:
                team.append(
                    {"name": parts[0][:60], "title": parts[1][:60] if len(parts) > 1 else None}
                )
        try:
            payload = ApplicationCreate.model_validate(
                {"proposal": data.get("proposal", ""), "team": team}
            )
        except ValidationError as exc:
            challenge = await challenges.get(challenge_id)
            context = {
                "challenge": challenge,
                "applications": await challenges.applications(request.user, challenge_id),
                "publisher": False,
                "agreement": None,
                "errors": field_errors(tr, exc),
                "values": data,
            }
            return page(request, "demand/challenge.html", context, status=422)
        await challenges.apply(request.user, challenge_id, payload)
        return redirect(request, f"/challenges/{challenge_id}")

    @post(
        "/{challenge_id:uuid}/applications/{application_id:uuid}/select",
        guards=[PUBLISHER],
        name="challenge_select",
    )
    async def select(
        self,
        request: AnyRequest,
        challenge_id: FromPath[uuid.UUID],
        application_id: FromPath[uuid.UUID],
        challenges: NamedDependency[ChallengeService],
    ) -> Response[Any]:
        await challenges.select(request.user, challenge_id, application_id)
        return redirect(request, f"/challenges/{challenge_id}")


class CooperationPages(Controller):
    path = "/challenges/{challenge_id:uuid}/agreement"
    include_in_schema = False

    @post("/", guards=[PUBLISHER], name="cooperation_draw_up")
    async def draw_up(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        challenge_id: FromPath[uuid.UUID],
        challenges: NamedDependency[ChallengeService],
        cooperation: NamedDependency[CooperationService],
    ) -> Response[Any]:
        """Draw up, seal and sign the cooperation agreement with the selected team (clauses
        from the guideline's library; the clause lint of rules 29 and 30 applies)."""
        data = await form_data(request)
        try:
            payload = CooperationCreate.model_validate(cooperation_input(data))
        except ValidationError as exc:
            challenge = await challenges.get(challenge_id)
            context = {
                "challenge": challenge,
                "applications": await challenges.applications(request.user, challenge_id),
                "publisher": True,
                "agreement": None,
                "errors": field_errors(tr, exc),
                "values": data,
            }
            return page(request, "demand/challenge.html", context, status=422)
        await cooperation.draw_up(request.user, challenge_id, payload)
        return redirect(request, f"/challenges/{challenge_id}")

    @post("/sign", guards=[TTO], name="cooperation_sign")
    async def sign(
        self,
        request: AnyRequest,
        challenge_id: FromPath[uuid.UUID],
        cooperation: NamedDependency[CooperationService],
    ) -> Response[Any]:
        await cooperation.sign(request.user, challenge_id)
        return redirect(request, f"/challenges/{challenge_id}")


def cooperation_input(data: dict[str, Any]) -> dict[str, Any]:
    """The agreement form as the API's CooperationCreate: milestones one per line as
    "title, YYYY-MM-DD, amount in yuan"."""
    milestones = []
    for line in str(data.get("milestones") or "").splitlines():
        parts = terms_of(line)
        if len(parts) >= 2:
            amount = parts[2] if len(parts) > 2 and parts[2].isdigit() else "0"
            milestones.append(
                {"title": parts[0], "due_on": parts[1], "amount_minor": int(amount) * 100}
            )
    price = str(data.get("price_yuan") or "").strip()
    clauses = {
        key: str(data[key])
        for key in ("ownership.scenario", "background_ip", "revenue_sharing")
        if data.get(key)
    }
    return {
        "kind": data.get("kind") or "joint",
        "price_minor": int(price) * 100 if price.isdigit() else -1,
        "clauses": clauses,
        "milestones": milestones,
    }


class AuthorityPages(Controller):
    path = "/authority"
    include_in_schema = False

    @get("/", guards=[READERS], name="authority")
    async def indicators(
        self,
        request: AnyRequest,
        indicators: NamedDependency[IndicatorService],
        clock: NamedDependency[Clock],
        period: Period = None,
    ) -> Template:
        """The 千校万企 indicators of the authority's province for a quarter, half or year."""
        label = period or current_half(clock.today())
        data = await indicators.for_principal(request.user, label, None)
        context = {"data": data, "period": label, "labels": INDICATOR_LABELS}
        return page(request, "demand/authority.html", context)

    @get("/indicators.xlsx", guards=[READERS], name="authority_xlsx", media_type=XLSX)
    async def export(
        self,
        request: AnyRequest,
        indicators: NamedDependency[IndicatorService],
        clock: NamedDependency[Clock],
        period: Period = None,
    ) -> Response[bytes]:
        label = period or current_half(clock.today())
        data = await indicators.for_principal(request.user, label, None)
        return Response(
            to_xlsx(data),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="indicators-{label}.xlsx"'},
        )


def _need_form(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    return {"values": values, "errors": errors, "fields": list(TECHNOLOGY_FIELDS)}


DEMAND_CONTROLLERS = (
    NeedPages,
    MatchedNeedPages,
    ChallengePages,
    CooperationPages,
    AuthorityPages,
    *LIBRARY_CONTROLLERS,
)
