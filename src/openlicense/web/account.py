"""Signing in and out of the pages, and the language switch.

The page session is the encrypted cookie of `config.session_config`; it holds the user id and
an expiry only, and `accounts.auth` turns it into the same `Principal` a bearer token gives."""

from __future__ import annotations

from typing import Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from pydantic import ValidationError

from openlicense.accounts.auth import session_data
from openlicense.accounts.guards import public
from openlicense.accounts.models import Role
from openlicense.accounts.service import AccountService
from openlicense.core.errors import Unauthorized
from openlicense.settings import Settings
from openlicense.web.forms import LoginForm, form_data
from openlicense.web.i18n import COOKIE, TAGS, Translator, from_tag
from openlicense.web.rendering import SEE_OTHER, local_path, page, redirect

AnyRequest = Request[Any, Any, Any]
HOME_OF: Final = {
    Role.ENTERPRISE_MEMBER: "/my/agreements",
    Role.TTO_OFFICER: "/tto",
    Role.AUDITOR: "/office",
    Role.ADMIN: "/admin",
}
ONE_YEAR: Final = 365 * 86400


class AccountPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/login", guards=[public], name="login")
    async def login_form(self, request: AnyRequest, next: FromQuery[str | None] = None) -> Template:
        return page(request, "public/login.html", {"next": local_path(next, ""), "errors": {}})

    # Autocommit, as the API's login: a failed attempt is recorded for throttling despite the 400.
    @post("/login", guards=[public], opt={"db": "autocommit"})
    async def login(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        accounts: NamedDependency[AccountService],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        data = await form_data(request)
        target = local_path(data.get("next"), "")
        try:
            form = LoginForm.model_validate(data)
            address = request.client.host if request.client else None
            user = await accounts.login(form.email, form.password, address=address)
        except (ValidationError, Unauthorized):
            errors = {"form": tr.gettext("Email or password is wrong.")}
            context = {"next": target, "errors": errors, "email": data.get("email", "")}
            return page(request, "public/login.html", context, status=400)
        request.clear_session()  # a fresh session on every sign-in (no fixation)
        request.set_session(session_data(user.id, settings.web.session_max_age_seconds))
        return redirect(request, target or HOME_OF.get(user.role, "/"))

    @post("/logout", guards=[public], name="logout")
    async def logout(self, request: AnyRequest) -> Response[Any]:
        request.clear_session()
        return redirect(request, "/")

    @get("/lang/{tag:str}", guards=[public], name="language")
    async def language(
        self,
        tag: FromPath[str],
        settings: NamedDependency[Settings],
        next: FromQuery[str | None] = None,
    ) -> Redirect:
        """The language switch: remembered for a year in the `lang` cookie."""
        locale = from_tag(tag)
        response = Redirect(path=local_path(next), status_code=SEE_OTHER)
        if locale is not None:
            response.cookies.append(
                Cookie(
                    key=COOKIE,
                    value=TAGS[locale],
                    max_age=ONE_YEAR,
                    path="/",
                    samesite="lax",
                    secure=settings.web.cookie_secure,
                    httponly=True,
                )
            )
        return response
