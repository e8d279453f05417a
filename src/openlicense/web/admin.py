"""Platform admin pages: organisations and their users, verification of new universities and
enterprises, adding an organisation or a user. Calls `AccountService`, as the API does."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from pydantic import ValidationError

from openlicense.accounts.guards import allow
from openlicense.accounts.models import OrganisationKind, Role
from openlicense.accounts.schemas import OrganisationCreate, UserCreate
from openlicense.accounts.service import AccountService
from openlicense.core.errors import OpenLicenseError
from openlicense.web.explain import error_message
from openlicense.web.forms import OrganisationForm, UserForm, field_errors, form_data
from openlicense.web.i18n import Translator
from openlicense.web.labels import pinyin_key
from openlicense.web.rendering import page, redirect

AnyRequest = Request[Any, Any, Any]
ADMIN = allow(Role.ADMIN)


class AdminPages(Controller):
    path = "/admin"
    include_in_schema = False

    @get("/", guards=[ADMIN], name="admin_organisations")
    async def organisations(
        self,
        request: AnyRequest,
        accounts: NamedDependency[AccountService],
        kind: FromQuery[str | None] = None,
        pending: FromQuery[bool] = False,
    ) -> Template:
        chosen = OrganisationKind(kind) if kind in set(OrganisationKind) else None
        rows = await accounts.list_organisations(chosen, verified=False if pending else None)
        rows.sort(key=lambda o: (o.verified_at is not None, pinyin_key(o.name)))
        context = {
            "rows": rows,
            "kind": chosen.value if chosen else "",
            "pending": pending,
            "users": await accounts.count_users(),
            "errors": {},
            "values": {},
        }
        return page(request, "admin/organisations.html", context)

    @post("/organisations", guards=[ADMIN], name="admin_organisation_create")
    async def create_organisation(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        accounts: NamedDependency[AccountService],
    ) -> Response[Any]:
        data = await form_data(request)
        try:
            form = OrganisationForm.model_validate(data)
            created = await accounts.create_organisation(
                OrganisationCreate.model_validate(form.model_dump())
            )
        except ValidationError as exc:
            return await self._again(request, accounts, data, field_errors(tr, exc))
        except OpenLicenseError as exc:
            return await self._again(request, accounts, data, {"name": error_message(tr, exc)})
        return redirect(request, f"/admin/organisations/{created.id}?done=created")

    async def _again(
        self,
        request: AnyRequest,
        accounts: AccountService,
        values: dict[str, Any],
        errors: dict[str, str],
    ) -> Template:
        rows = await accounts.list_organisations()
        rows.sort(key=lambda o: (o.verified_at is not None, pinyin_key(o.name)))
        context = {"rows": rows, "kind": "", "pending": False, "values": values, "errors": errors}
        context["users"] = await accounts.count_users()
        return page(request, "admin/organisations.html", context, status=422)

    @get("/organisations/{organisation_id:uuid}", guards=[ADMIN], name="admin_organisation")
    async def organisation(
        self,
        request: AnyRequest,
        organisation_id: FromPath[uuid.UUID],
        accounts: NamedDependency[AccountService],
        done: FromQuery[str | None] = None,
    ) -> Template:
        context = {
            "organisation": await accounts.get_organisation(organisation_id),
            "users": await accounts.list_users(organisation_id),
            "done": done,
            "errors": {},
            "values": {},
        }
        return page(request, "admin/organisation.html", context)

    @post("/organisations/{organisation_id:uuid}/verify", guards=[ADMIN], name="admin_verify")
    async def verify(
        self,
        request: AnyRequest,
        organisation_id: FromPath[uuid.UUID],
        accounts: NamedDependency[AccountService],
    ) -> Response[Any]:
        await accounts.verify_organisation(request.user, organisation_id)
        return redirect(request, f"/admin/organisations/{organisation_id}?done=verified")

    @post("/organisations/{organisation_id:uuid}/users", guards=[ADMIN], name="admin_user_add")
    async def add_user(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        organisation_id: FromPath[uuid.UUID],
        accounts: NamedDependency[AccountService],
    ) -> Response[Any]:
        data = await form_data(request)
        errors: dict[str, str] = {}
        try:
            form = UserForm.model_validate(data)
            await accounts.create_user(
                UserCreate(
                    email=form.email,
                    display_name=form.display_name,
                    password=form.password,
                    organisation_id=organisation_id,
                )
            )
        except ValidationError as exc:
            errors = field_errors(tr, exc)
        except OpenLicenseError as exc:
            errors = {"email": error_message(tr, exc)}
        if not errors:
            return redirect(request, f"/admin/organisations/{organisation_id}?done=user_added")
        context = {
            "organisation": await accounts.get_organisation(organisation_id),
            "users": await accounts.list_users(organisation_id),
            "done": None,
            "errors": errors,
            "values": {k: v for k, v in data.items() if k != "password"},
        }
        return page(request, "admin/organisation.html", context, status=422)
