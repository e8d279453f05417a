"""Role × endpoint matrix: every route states who may call it, and the app enforces exactly that.

The matrix is written out by hand on purpose: adding a route without adding it here fails."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor, patent_payload, terms_payload
from openlicense.accounts.guards import RoleGuard
from openlicense.accounts.models import OrganisationKind

ANON, TTO, ENT, AUD, ADMIN = "anonymous", "tto_officer", "enterprise_member", "auditor", "admin"
AUTH = "provincial_authority"
EVERYONE = {ANON, TTO, ENT, AUD, ADMIN, AUTH}
SIGNED_IN = EVERYONE - {ANON}

MATRIX: dict[tuple[str, str], set[str]] = {
    ("GET", "/health"): EVERYONE,
    ("POST", "/api/auth/register"): EVERYONE,
    ("POST", "/api/auth/login"): EVERYONE,
    ("GET", "/api/auth/me"): SIGNED_IN,
    ("POST", "/api/auth/password"): SIGNED_IN,
    ("POST", "/api/auth/password-reset"): EVERYONE,
    ("POST", "/api/auth/password-reset/confirm"): EVERYONE,
    ("POST", "/api/invitations/accept"): EVERYONE,
    ("GET", "/api/organisations/{organisation_id:uuid}/users"): SIGNED_IN,
    ("GET", "/api/organisations/{organisation_id:uuid}/invitations"): SIGNED_IN,
    ("POST", "/api/organisations/{organisation_id:uuid}/invitations"): SIGNED_IN,
    ("PATCH", "/api/users/{user_id:uuid}"): SIGNED_IN,
    ("GET", "/api/notifications"): SIGNED_IN,
    ("GET", "/api/notifications/unread-count"): SIGNED_IN,
    ("POST", "/api/notifications/read"): SIGNED_IN,
    ("GET", "/api/notifications/preferences"): SIGNED_IN,
    ("PUT", "/api/notifications/preferences"): SIGNED_IN,
    ("POST", "/api/documents"): {TTO, ENT, ADMIN},
    ("GET", "/api/documents"): SIGNED_IN - {AUTH},  # documents support licences: no authority role
    ("GET", "/api/documents/{document_id:uuid}"): SIGNED_IN
    - {AUTH},  # documents support licences: no authority role
    ("GET", "/api/documents/{document_id:uuid}/content"): SIGNED_IN
    - {AUTH},  # documents support licences: no authority role
    ("GET", "/api/organisations"): {AUD, ADMIN},
    ("POST", "/api/organisations"): {ADMIN},
    ("GET", "/api/organisations/{organisation_id:uuid}"): SIGNED_IN,
    ("PATCH", "/api/organisations/{organisation_id:uuid}"): {TTO, ENT, ADMIN},
    ("POST", "/api/users"): {ADMIN},
    ("POST", "/api/api-keys"): {AUD, ADMIN},
    ("GET", "/api/api-keys"): {AUD, ADMIN},
    ("DELETE", "/api/api-keys/{key_id:uuid}"): {AUD, ADMIN},
    ("GET", "/api/patents"): EVERYONE,
    ("POST", "/api/patents"): {TTO},
    ("POST", "/api/patents/batch"): {TTO},
    ("GET", "/api/patents/{patent_id:uuid}"): EVERYONE,
    ("PATCH", "/api/patents/{patent_id:uuid}"): {TTO},
    ("POST", "/api/patents/{patent_id:uuid}/publish"): {TTO},
    ("POST", "/api/patents/{patent_id:uuid}/retire"): {TTO},
    ("POST", "/api/patents/{patent_id:uuid}/licences"): {TTO},
    ("GET", "/api/patents/{patent_id:uuid}/declarations"): EVERYONE,
    ("POST", "/api/patents/{patent_id:uuid}/declarations"): {TTO},
    ("GET", "/api/declarations/{declaration_id:uuid}"): EVERYONE,
    ("PATCH", "/api/declarations/{declaration_id:uuid}"): {TTO},
    ("POST", "/api/declarations/{declaration_id:uuid}/publish"): {TTO},
    ("POST", "/api/declarations/{declaration_id:uuid}/withdraw"): {TTO},
    ("GET", "/api/declarations/{declaration_id:uuid}/acceptability"): EVERYONE,
    ("GET", "/api/offers/{declaration_id:uuid}/quote"): EVERYONE,
    ("POST", "/api/offers/{declaration_id:uuid}/accept"): {ENT},
    ("GET", "/api/agreements"): {TTO, ENT, AUD, ADMIN},
    ("GET", "/api/agreements/{agreement_id:uuid}"): {TTO, ENT, AUD, ADMIN},
    ("GET", "/api/agreements/{agreement_id:uuid}/events"): {TTO, ENT, AUD, ADMIN},
    ("GET", "/api/agreements/{agreement_id:uuid}/contract"): {TTO, ENT, AUD, ADMIN},
    ("GET", "/api/agreements/{agreement_id:uuid}/contract.pdf"): {TTO, ENT, AUD, ADMIN},
    ("GET", "/api/agreements/{agreement_id:uuid}/seal"): {TTO, ENT, AUD, ADMIN},
    ("POST", "/api/agreements/{agreement_id:uuid}/payments"): {TTO},
    ("POST", "/api/agreements/{agreement_id:uuid}/royalty-reports"): {ENT},
    ("POST", "/api/agreements/{agreement_id:uuid}/royalty-reports/{entry_key:str}/amend"): {ENT},
    ("POST", "/api/agreements/{agreement_id:uuid}/recording"): {TTO, ENT},
    ("POST", "/api/jobs/lifecycle"): {ADMIN},
    # issue 13: rules 19, 27, 28, 31, 32 through the API
    ("GET", "/api/patents/{patent_id:uuid}/register"): EVERYONE,
    ("PUT", "/api/patents/{patent_id:uuid}/register"): {ADMIN},
    ("POST", "/api/patents/{patent_id:uuid}/register/refresh"): {TTO},
    ("POST", "/api/declarations/{declaration_id:uuid}/price-publicity"): {TTO},
    ("GET", "/api/agreements/{agreement_id:uuid}/disputes"): {TTO, ENT, AUD, ADMIN},
    ("POST", "/api/agreements/{agreement_id:uuid}/disputes"): {TTO, ENT},
    ("POST", "/api/agreements/{agreement_id:uuid}/disputes/{dispute_id:uuid}/steps"): {TTO, ENT},
    ("POST", "/api/agreements/{agreement_id:uuid}/sublicences"): {ENT},
    ("PUT", "/api/inventor-rewards/rule"): {TTO},
    ("GET", "/api/inventor-rewards/{patent_id:uuid}"): {TTO, AUD, ADMIN},
    ("GET", "/api/agreements/{agreement_id:uuid}/payments"): {TTO, ENT, AUD, ADMIN},
    ("POST", "/api/agreements/{agreement_id:uuid}/checkout"): {ENT},
    ("POST", "/api/payments/{payment_id:uuid}/refunds"): {TTO},
    ("GET", "/api/payments/anomalies"): {ADMIN},
    ("POST", "/webhooks/stripe"): EVERYONE,
    ("GET", "/api/search/patents"): EVERYONE,
    ("GET", "/api/search/suggest"): EVERYONE,
    ("POST", "/api/jobs/search-sync"): {ADMIN},
    ("GET", "/api/audit/public-key"): EVERYONE,
    ("GET", "/api/audit/keys"): EVERYONE,
    ("GET", "/api/audit/subscriptions"): {ADMIN},
    ("POST", "/api/audit/subscriptions"): {ADMIN},
    ("DELETE", "/api/audit/subscriptions/{subscription_id:uuid}"): {ADMIN},
    ("GET", "/api/audit/access-log"): {ADMIN},
    ("GET", "/api/audit/agreements"): {AUD, ADMIN},
    ("GET", "/api/audit/agreements/{agreement_id:uuid}"): {AUD, ADMIN},
    ("GET", "/api/audit/declarations"): {AUD, ADMIN},
    ("GET", "/api/audit/recording-tasks"): {AUD, ADMIN},
    ("GET", "/api/audit/ledger"): {AUD, ADMIN},
    ("GET", "/api/audit/ledger/verify"): {AUD, ADMIN},
    ("GET", "/api/audit/ledger/checkpoints"): {AUD, ADMIN},
    ("GET", "/api/audit/statistics"): {AUD, ADMIN},
    ("GET", "/api/audit/indicators"): {AUD, ADMIN},
    ("GET", "/api/audit/exports/agreements"): {AUD, ADMIN},
    ("GET", "/api/audit/exports/ledger"): {AUD, ADMIN},
    # --- demand side (issue 17)
    ("POST", "/api/needs"): {ENT},
    ("GET", "/api/needs"): EVERYONE,
    ("GET", "/api/needs/matched"): {TTO},
    ("GET", "/api/needs/{need_id:uuid}"): EVERYONE,
    ("PATCH", "/api/needs/{need_id:uuid}"): {ENT},
    ("POST", "/api/needs/{need_id:uuid}/confirm"): {ENT},
    ("POST", "/api/needs/{need_id:uuid}/close"): {ENT},
    ("GET", "/api/needs/{need_id:uuid}/matches"): {ENT, ADMIN},
    ("POST", "/api/needs/{need_id:uuid}/licence"): {ENT},
    ("POST", "/api/challenges"): {ENT, AUTH},
    ("GET", "/api/challenges"): EVERYONE,
    ("GET", "/api/challenges/{challenge_id:uuid}"): EVERYONE,
    ("POST", "/api/challenges/{challenge_id:uuid}/applications"): {TTO},
    ("GET", "/api/challenges/{challenge_id:uuid}/applications"): {ENT, AUTH, TTO, ADMIN},
    ("GET", "/api/challenges/{challenge_id:uuid}/applications/{application_id:uuid}"): {
        ENT,
        AUTH,
        TTO,
        ADMIN,
    },
    ("POST", "/api/challenges/{challenge_id:uuid}/applications/{application_id:uuid}/shortlist"): {
        ENT,
        AUTH,
    },
    ("POST", "/api/challenges/{challenge_id:uuid}/applications/{application_id:uuid}/select"): {
        ENT,
        AUTH,
    },
    ("POST", "/api/challenges/{challenge_id:uuid}/applications/{application_id:uuid}/licence"): {
        ENT
    },
    ("POST", "/api/challenges/{challenge_id:uuid}/agreement"): {ENT, AUTH},
    ("GET", "/api/challenges/{challenge_id:uuid}/agreement"): {ENT, AUTH, TTO, ADMIN},
    ("GET", "/api/challenges/{challenge_id:uuid}/agreement/text"): {ENT, AUTH, TTO, ADMIN},
    ("POST", "/api/challenges/{challenge_id:uuid}/agreement/sign"): {TTO},
    ("POST", "/api/challenges/{challenge_id:uuid}/milestones/{position:int}/done"): {ENT, AUTH},
    ("POST", "/api/achievements"): {TTO},
    ("GET", "/api/achievements"): EVERYONE,
    ("GET", "/api/achievements/{achievement_id:uuid}"): EVERYONE,
    ("POST", "/api/achievements/{achievement_id:uuid}/review"): {TTO},
    ("POST", "/api/achievements/{achievement_id:uuid}/withdraw"): {TTO},
    ("POST", "/api/experts"): {TTO},
    ("GET", "/api/experts"): EVERYONE,
    ("GET", "/api/experts/{expert_id:uuid}"): EVERYONE,
    ("POST", "/api/experts/{expert_id:uuid}/consulting"): {ENT},
    ("GET", "/api/consulting"): {TTO, ENT, ADMIN},
    ("GET", "/api/consulting/{request_id:uuid}"): {TTO, ENT, ADMIN},
    ("POST", "/api/consulting/{request_id:uuid}/approve"): {TTO},
    ("POST", "/api/consulting/{request_id:uuid}/decline"): {TTO},
    ("POST", "/api/consulting/{request_id:uuid}/sessions"): {TTO, ENT},
    ("POST", "/api/consulting/{request_id:uuid}/complete"): {TTO, ENT},
    ("POST", "/api/zones"): {TTO, AUTH, ADMIN},
    ("GET", "/api/zones"): EVERYONE,
    ("GET", "/api/zones/{zone_id:uuid}"): EVERYONE,
    ("POST", "/api/zones/{zone_id:uuid}/items"): {TTO, AUTH, ADMIN},
    ("POST", "/api/events"): {TTO, AUTH, ADMIN},
    ("GET", "/api/events"): EVERYONE,
    ("GET", "/api/events/{event_id:uuid}"): EVERYONE,
    ("POST", "/api/events/{event_id:uuid}/items"): {TTO, AUTH, ADMIN},
    ("POST", "/api/events/{event_id:uuid}/register"): {ENT},
    ("POST", "/api/events/{event_id:uuid}/outcomes"): {TTO, AUTH, ADMIN},
    ("GET", "/api/authority/indicators"): {AUTH, AUD, ADMIN},
    ("GET", "/api/authority/indicators.xlsx"): {AUTH, AUD, ADMIN},
    # --- web pages (web/): anonymous visitors of a signed-in page are sent to /login
    ("GET", "/"): EVERYONE,
    ("GET", "/admin"): {ADMIN},
    ("POST", "/admin/organisations"): {ADMIN},
    ("GET", "/admin/organisations/{organisation_id:uuid}"): {ADMIN},
    ("POST", "/admin/organisations/{organisation_id:uuid}/users"): {ADMIN},
    ("POST", "/admin/organisations/{organisation_id:uuid}/verify"): {ADMIN},
    ("GET", "/agreements/{agreement_id:uuid}"): {TTO, ENT},
    ("GET", "/agreements/{agreement_id:uuid}/contract.pdf"): {TTO, ENT},
    ("POST", "/agreements/{agreement_id:uuid}/end-trial"): {ENT},
    ("POST", "/agreements/{agreement_id:uuid}/pay"): {ENT},
    ("POST", "/agreements/{agreement_id:uuid}/recording"): {TTO, ENT},
    ("GET", "/agreements/{agreement_id:uuid}/report"): {ENT},
    ("POST", "/agreements/{agreement_id:uuid}/report"): {ENT},
    ("GET", "/agreements/{agreement_id:uuid}/seal"): {TTO, ENT},
    ("GET", "/lang/{tag:str}"): EVERYONE,
    ("GET", "/login"): EVERYONE,
    ("POST", "/login"): EVERYONE,
    ("POST", "/logout"): EVERYONE,
    ("GET", "/my/agreements"): {ENT},
    ("GET", "/offers/{declaration_id:uuid}"): {ENT},
    ("POST", "/offers/{declaration_id:uuid}/accept"): {ENT},
    ("GET", "/offers/{declaration_id:uuid}/confirm"): {ENT},
    ("GET", "/offers/{declaration_id:uuid}/contract"): {ENT},
    ("GET", "/office"): {AUD, ADMIN},
    ("GET", "/office/agreements"): {AUD, ADMIN},
    ("GET", "/office/agreements/{agreement_id:uuid}"): {AUD, ADMIN},
    ("GET", "/office/agreements/{agreement_id:uuid}/contract.pdf"): {AUD, ADMIN},
    ("GET", "/office/exports"): {AUD, ADMIN},
    ("GET", "/office/exports/agreements.csv"): {AUD, ADMIN},
    ("GET", "/office/exports/ledger.ndjson"): {AUD, ADMIN},
    ("GET", "/office/ledger"): {AUD, ADMIN},
    ("GET", "/office/ledger/verify"): {AUD, ADMIN},
    ("GET", "/office/statistics.csv"): {AUD, ADMIN},
    ("GET", "/patents"): EVERYONE,
    ("GET", "/patents/{number:str}"): EVERYONE,
    ("GET", "/payments/cancelled"): {ENT},
    ("GET", "/payments/success"): {ENT},
    ("GET", "/privacy"): EVERYONE,
    ("GET", "/tto"): {TTO},
    ("GET", "/tto/agreements"): {TTO},
    ("POST", "/tto/agreements/{agreement_id:uuid}/payments"): {TTO},
    ("GET", "/tto/import"): {TTO},
    ("POST", "/tto/import"): {TTO},
    ("GET", "/tto/import/template.csv"): {TTO},
    ("GET", "/tto/patents"): {TTO},
    ("GET", "/tto/patents/new"): {TTO},
    ("POST", "/tto/patents/new"): {TTO},
    ("GET", "/tto/patents/{patent_id:uuid}"): {TTO},
    ("GET", "/tto/patents/{patent_id:uuid}/declare"): {TTO},
    ("POST", "/tto/patents/{patent_id:uuid}/declare"): {TTO},
    ("POST", "/tto/patents/{patent_id:uuid}/declare/check"): {TTO},
    ("GET", "/tto/patents/{patent_id:uuid}/edit"): {TTO},
    ("POST", "/tto/patents/{patent_id:uuid}/edit"): {TTO},
    ("POST", "/tto/patents/{patent_id:uuid}/publish"): {TTO},
    ("GET", "/needs"): EVERYONE,
    ("GET", "/needs/new"): {ENT},
    ("POST", "/needs/new"): {ENT},
    ("GET", "/needs/{need_id:uuid}"): EVERYONE,
    ("POST", "/needs/{need_id:uuid}/confirm"): {ENT},
    ("GET", "/tto/matches"): {TTO},
    ("GET", "/challenges"): EVERYONE,
    ("GET", "/challenges/{challenge_id:uuid}"): EVERYONE,
    ("POST", "/challenges/{challenge_id:uuid}/apply"): {TTO},
    ("POST", "/challenges/{challenge_id:uuid}/applications/{application_id:uuid}/select"): {
        ENT,
        AUTH,
    },
    ("GET", "/achievements"): EVERYONE,
    ("GET", "/experts"): EVERYONE,
    ("GET", "/experts/new"): {TTO},
    ("GET", "/challenges/new"): {ENT, AUTH},
    ("POST", "/challenges/new"): {ENT, AUTH},
    ("POST", "/experts/{expert_id:uuid}/consulting"): {ENT},
    ("POST", "/experts/new"): {TTO},
    ("GET", "/achievements/new"): {TTO},
    ("POST", "/achievements/new"): {TTO},
    ("GET", "/experts/{expert_id:uuid}"): EVERYONE,
    ("GET", "/zones"): EVERYONE,
    ("GET", "/zones/{zone_id:uuid}"): EVERYONE,
    ("GET", "/events/{event_id:uuid}"): EVERYONE,
    ("POST", "/events/{event_id:uuid}/register"): {ENT},
    ("POST", "/challenges/{challenge_id:uuid}/agreement"): {ENT, AUTH},
    ("POST", "/challenges/{challenge_id:uuid}/agreement/sign"): {TTO},
    ("GET", "/authority"): {AUTH, AUD, ADMIN},
    ("GET", "/authority/indicators.xlsx"): {AUTH, AUD, ADMIN},
    ("GET", "/universities"): EVERYONE,
    ("GET", "/inbox"): SIGNED_IN,
    ("POST", "/inbox/read"): SIGNED_IN,
    ("GET", "/account"): SIGNED_IN,
    ("POST", "/account/password"): SIGNED_IN,
    ("POST", "/account/preferences"): SIGNED_IN,
    ("GET", "/account/staff"): SIGNED_IN,
    ("POST", "/account/staff/invite"): SIGNED_IN,
    ("POST", "/account/staff/{user_id:uuid}"): SIGNED_IN,
    ("GET", "/invitations/{token:str}"): EVERYONE,
    ("POST", "/invitations/{token:str}"): EVERYONE,
    ("GET", "/password-reset"): EVERYONE,
    ("POST", "/password-reset"): EVERYONE,
    ("GET", "/password-reset/{token:str}"): EVERYONE,
    ("POST", "/password-reset/{token:str}"): EVERYONE,
    ("GET", "/universities/{name:str}"): EVERYONE,
}


def _declared_routes(app: Litestar) -> dict[tuple[str, str], set[str]]:
    """(method, path) -> roles, read from each handler's guards (`allow(...)` or `public`)."""
    routes: dict[tuple[str, str], set[str]] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not handler.fn.__module__.startswith("openlicense"):
                continue  # OpenAPI docs and other framework routes
            guards = [g for layer in handler.ownership_layers for g in (layer.guards or [])]
            marked = [g for g in guards if isinstance(g, RoleGuard)]
            assert len(marked) == 1, f"{handler} must state its roles with exactly one guard"
            guard = marked[0]
            roles = {r.value for r in guard.roles} | ({ANON} if guard.public else set())
            path = route.path.rstrip("/") or "/"
            for method in handler.http_methods:
                routes[(method, path)] = roles
    return routes


def test_every_route_states_its_roles_and_matches_the_matrix(app: Litestar) -> None:
    assert _declared_routes(app) == MATRIX


@pytest.fixture
async def world(client: AsyncTestClient, db_sessionmaker: async_sessionmaker) -> dict[str, object]:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    actors = {
        TTO: tto,
        ENT: await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE),
        AUD: await make_actor(db_sessionmaker, OrganisationKind.IP_OFFICE),
        ADMIN: await make_actor(db_sessionmaker, OrganisationKind.PLATFORM),
        AUTH: await make_actor(db_sessionmaker, OrganisationKind.AUTHORITY),
    }
    patent = (await client.post("/api/patents", json=patent_payload(), headers=tto.headers)).json()
    declaration = (
        await client.post(
            f"/api/patents/{patent['id']}/declarations",
            json={"terms": terms_payload()},
            headers=tto.headers,
        )
    ).json()
    ids = {
        "number": patent["application_number"],
        "name": "no-such-university",
        "tag": "en",
        "patent_id": patent["id"],
        "declaration_id": declaration["id"],
        "organisation_id": str(tto.organisation_id),
        "user_id": str(tto.user_id),
        "document_id": str(uuid.uuid4()),
        "entry_key": "royalty-1",
        "token": "no-such-token-0123456789",
        "key_id": str(uuid.uuid4()),
        "agreement_id": str(uuid.uuid4()),
        "payment_id": str(uuid.uuid4()),
        "subscription_id": str(uuid.uuid4()),
        "need_id": str(uuid.uuid4()),
        "challenge_id": str(uuid.uuid4()),
        "application_id": str(uuid.uuid4()),
        "position": "1",
        "achievement_id": str(uuid.uuid4()),
        "expert_id": str(uuid.uuid4()),
        "request_id": str(uuid.uuid4()),
        "zone_id": str(uuid.uuid4()),
        "event_id": str(uuid.uuid4()),
        "dispute_id": str(uuid.uuid4()),
    }
    return {"actors": actors, "ids": ids}


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+):(?:uuid|str|int)\}", lambda m: ids[m.group(1)], path)


def _is_page(path: str) -> bool:
    """Web pages answer in HTML: a sign-in redirect instead of 401, a page with the error's code
    in `X-Error-Code` instead of a problem body."""
    return not path.startswith(("/api/", "/webhooks/", "/health"))


async def _csrf(client: AsyncTestClient) -> dict[str, str]:
    """A page form post needs the CSRF cookie and its token (here as the htmx header)."""
    token = (await client.get("/login")).cookies["ol_csrf"]
    return {"x-csrftoken": token, "cookie": f"ol_csrf={token}"}


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX))
async def test_role_matrix_is_enforced(
    client: AsyncTestClient, world: dict[str, object], method: str, path: str
) -> None:
    allowed = MATRIX[(method, path)]
    url = _fill(path, world["ids"])  # type: ignore[arg-type]
    page = _is_page(path)
    csrf = await _csrf(client) if page and method == "POST" else {}
    for role in sorted(EVERYONE):
        actor = world["actors"].get(role)  # type: ignore[attr-defined]
        headers = {**(actor.headers if actor else {}), **csrf}
        if page:
            headers["content-type"] = "application/x-www-form-urlencoded"
            response = await client.request(
                method, url, headers=headers, content=b"", follow_redirects=False
            )
            _check_page(role, allowed, response)
            continue
        body = [] if path.endswith("/batch") else {}
        response = await client.request(
            method, url, headers=headers, json=body if method in {"POST", "PATCH"} else None
        )
        code = response.json().get("code") if response.status_code >= 400 else None
        if role in allowed:
            assert response.status_code != 401 and code != "role_not_allowed", (role, response.text)
        elif role == ANON:
            assert response.status_code == 401, (role, response.text)
        else:
            assert response.status_code == 403 and code == "role_not_allowed", (role, response.text)


def _check_page(role: str, allowed: set[str], response: Any) -> None:
    to_login = response.status_code == 303 and response.headers["location"].startswith("/login")
    code = response.headers.get("x-error-code")
    if role in allowed:
        assert not to_login and code != "role_not_allowed", (role, response.status_code, code)
    elif role == ANON:
        assert to_login, (role, response.status_code, code)
    else:
        assert response.status_code == 403 and code == "role_not_allowed", (role, code)
