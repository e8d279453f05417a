"""Demand-side pages, part three: what a university's TTO adds to the libraries — an expert or
mentor to the talent library, a result that is not a patent to the achievements library. The
same services and schemas as `POST /api/experts` and `POST /api/achievements`."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from pydantic import ValidationError

from openlicense.accounts.guards import allow
from openlicense.accounts.models import Role
from openlicense.achievements.models import AchievementKind
from openlicense.achievements.schemas import AchievementCreate
from openlicense.achievements.service import AchievementService
from openlicense.challenges.schemas import ChallengeCreate
from openlicense.challenges.service import ChallengeService
from openlicense.core.errors import OpenLicenseError
from openlicense.experts.schemas import ConsultingCreate, ExpertCreate
from openlicense.experts.service import ConsultingService, ExpertService
from openlicense.needs.service import NeedService
from openlicense.needs.states import NeedStatus
from openlicense.web.demand import terms_of
from openlicense.web.explain import error_message
from openlicense.web.forms import field_errors, form_data
from openlicense.web.i18n import Translator
from openlicense.web.labels import TECHNOLOGY_FIELDS
from openlicense.web.rendering import page, redirect

AnyRequest = Request[Any, Any, Any]
TTO = allow(Role.TTO_OFFICER)
ENTERPRISE = allow(Role.ENTERPRISE_MEMBER)
PUBLISHER = allow(Role.ENTERPRISE_MEMBER, Role.PROVINCIAL_AUTHORITY)


def expert_input(data: dict[str, Any]) -> dict[str, Any]:
    """The expert form as the API's ExpertCreate input (lists separated by commas or 、)."""
    return {
        "name": str(data.get("name") or "").strip(),
        "title": str(data.get("title") or "").strip() or None,
        "unit": str(data.get("unit") or "").strip() or None,
        "research_directions": terms_of(data.get("research_directions")),
        "fields": [data["technology_field"]] if data.get("technology_field") else [],
        "keywords": terms_of(data.get("keywords")),
        "bio": str(data.get("bio") or "").strip() or None,
        "is_mentor": data.get("is_mentor") in ("on", "true", "1"),
    }


def challenge_input(data: dict[str, Any]) -> dict[str, Any]:
    """The challenge form as the API's ChallengeCreate input (the budget in yuan)."""
    budget = str(data.get("budget_yuan") or "").strip().replace(",", "")
    return {
        "need_id": data.get("need_id") or None,
        "title": str(data.get("title") or "").strip() or None,
        "goals": str(data.get("goals") or "").strip(),
        "acceptance_criteria": str(data.get("acceptance_criteria") or "").strip(),
        "budget_minor": int(budget) * 100 if budget.isdigit() else None,
        "deadline": data.get("deadline") or None,
        "technology_field": data.get("technology_field") or None,
    }


def achievement_input(data: dict[str, Any]) -> dict[str, Any]:
    """The achievement form as the API's AchievementCreate input; the price is asked for on
    request (fee standards are declared with an open licence, not here)."""
    maturity = str(data.get("maturity") or "").strip()
    return {
        "title": str(data.get("title") or "").strip(),
        "description": str(data.get("description") or "").strip(),
        "kind": data.get("kind") or "",
        "technology_field": data.get("technology_field") or None,
        "keywords": terms_of(data.get("keywords")),
        "team": terms_of(data.get("team")),
        "maturity": int(maturity) if maturity.isdigit() else None,
    }


class ContributionPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/experts/new", guards=[TTO], name="expert_new")
    async def expert_form(self, request: AnyRequest) -> Template:
        return page(request, "demand/expert_form.html", _context({}, {}))

    @post("/experts/new", guards=[TTO], name="expert_create")
    async def add_expert(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        experts: NamedDependency[ExpertService],
    ) -> Response[Any]:
        data = await form_data(request)
        try:
            payload = ExpertCreate.model_validate(expert_input(data))
        except ValidationError as exc:
            context = _context(data, field_errors(tr, exc))
            return page(request, "demand/expert_form.html", context, status=422)
        expert = await experts.add(request.user, payload)
        return redirect(request, f"/experts/{expert.id}")

    @post("/experts/{expert_id:uuid}/consulting", guards=[ENTERPRISE], name="consulting_ask")
    async def ask_consulting(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        expert_id: FromPath[uuid.UUID],
        experts: NamedDependency[ExpertService],
        consulting: NamedDependency[ConsultingService],
    ) -> Response[Any]:
        """An enterprise asks a technical mentor for consulting; the mentor's TTO decides."""
        data = await form_data(request)
        raw = {"topic": str(data.get("topic") or "").strip(),
               "description": str(data.get("description") or "").strip()}  # fmt: skip
        try:
            payload = ConsultingCreate.model_validate(raw)
        except ValidationError as exc:
            context = {
                "profile": await experts.profile(expert_id),
                "errors": field_errors(tr, exc),
                "values": raw,
            }
            return page(request, "demand/expert.html", context, status=422)
        await consulting.request(request.user, expert_id, payload)
        return redirect(request, f"/experts/{expert_id}?done=asked")

    @get("/challenges/new", guards=[PUBLISHER], name="challenge_new")
    async def challenge_form(
        self, request: AnyRequest, needs: NamedDependency[NeedService]
    ) -> Template:
        values = {"need_id": request.query_params.get("need_id", "")}
        context = await _challenge_context(request, needs, values, {})
        return page(request, "demand/challenge_form.html", context)

    @post("/challenges/new", guards=[PUBLISHER], name="challenge_create")
    async def publish_challenge(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        needs: NamedDependency[NeedService],
        challenges: NamedDependency[ChallengeService],
    ) -> Response[Any]:
        """揭榜挂帅: an enterprise publishes one of its open needs as a challenge; an
        authority publishes a public one."""
        data = await form_data(request)
        try:
            challenge = await challenges.publish(
                request.user, ChallengeCreate.model_validate(challenge_input(data))
            )
        except (ValidationError, OpenLicenseError) as exc:
            errors = (
                field_errors(tr, exc)
                if isinstance(exc, ValidationError)
                else {"form": error_message(tr, exc)}
            )
            context = await _challenge_context(request, needs, data, errors)
            return page(request, "demand/challenge_form.html", context, status=422)
        return redirect(request, f"/challenges/{challenge.id}")

    @get("/achievements/new", guards=[TTO], name="achievement_new")
    async def achievement_form(self, request: AnyRequest) -> Template:
        return page(request, "demand/achievement_form.html", _context({}, {}))

    @post("/achievements/new", guards=[TTO], name="achievement_create")
    async def add_achievement(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        achievements: NamedDependency[AchievementService],
    ) -> Response[Any]:
        data = await form_data(request)
        try:
            payload = AchievementCreate.model_validate(achievement_input(data))
        except ValidationError as exc:
            context = _context(data, field_errors(tr, exc))
            return page(request, "demand/achievement_form.html", context, status=422)
        await achievements.add(request.user, payload)
        return redirect(request, "/achievements?done=added")


def _context(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "fields": list(TECHNOLOGY_FIELDS),
        "kinds": [k.value for k in AchievementKind],
    }


async def _challenge_context(
    request: AnyRequest, needs: NeedService, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    mine = await needs.list(request.user, mine=True)
    return {
        **_context(values, errors),
        "needs": [(str(n.id), n.title) for n in mine if n.status is NeedStatus.OPEN],
        "authority": request.user.role is Role.PROVINCIAL_AUTHORITY,
    }
