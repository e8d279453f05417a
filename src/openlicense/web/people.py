"""People's own pages: the inbox, the account (password, email preferences), the organisation's
staff (invitations, deactivation, admins), joining by invitation and resetting a password.

Every form calls the service the JSON API calls (`NotificationService`, `PasswordService`,
`StaffService`); a refusal re-renders the form with its message, or the error page."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from pydantic import ValidationError

from openlicense.accounts.auth import session_data
from openlicense.accounts.errors import InvalidCredentials, WeakPassword
from openlicense.accounts.guards import public, signed_in
from openlicense.accounts.principal import Principal
from openlicense.accounts.recovery import PasswordService
from openlicense.accounts.schemas import (
    InvitationAccept,
    InvitationCreate,
    PasswordResetRequest,
    StaffUpdate,
)
from openlicense.accounts.staff import StaffService
from openlicense.notifications.service import NotificationService, title_of
from openlicense.notifications.texts import INBOX_KINDS, Language, render
from openlicense.settings import Settings
from openlicense.web.forms import form_data
from openlicense.web.i18n import Translator
from openlicense.web.rendering import page, redirect

AnyRequest = Request[Any, Any, Any]
PrincipalRequest = Request[Principal, Any, Any]

STAFF_ACTIONS = {
    "deactivate": StaffUpdate(is_active=False),
    "activate": StaffUpdate(is_active=True),
    "make_admin": StaffUpdate(is_org_admin=True),
    "remove_admin": StaffUpdate(is_org_admin=False),
}


def _lang(tr: Translator) -> Language:
    return "zh" if tr.zh else "en"


def _messages(exc: ValidationError | WeakPassword | InvalidCredentials) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(e["msg"]) for e in exc.errors()]
    return [exc.detail]


class PeoplePages(Controller):
    path = "/"
    include_in_schema = False

    # --- inbox -------------------------------------------------------------------------------

    @get("/inbox", guards=[signed_in], name="inbox")
    async def inbox(
        self,
        request: PrincipalRequest,
        tr: NamedDependency[Translator],
        notifications: NamedDependency[NotificationService],
        unread: FromQuery[bool] = False,
    ) -> Template:
        user = request.user.user_id
        rows = await notifications.inbox(user, unread_only=unread)
        items = [(row, render(row.kind, row.data, _lang(tr))) for row in rows]
        context = {
            "items": items,
            "unread": await notifications.unread_count(user),
            "only_unread": unread,
        }
        return page(request, "people/inbox.html", context)

    @post("/inbox/read", guards=[signed_in])
    async def mark_read(
        self, request: PrincipalRequest, notifications: NamedDependency[NotificationService]
    ) -> Response[Any]:
        data = await form_data(request)
        try:
            ids = [uuid.UUID(str(data["id"]))] if data.get("id") else None
        except ValueError:
            ids = []
        await notifications.mark_read(request.user.user_id, ids)
        return redirect(request, "/inbox")

    # --- account -----------------------------------------------------------------------------

    async def _account(
        self,
        request: PrincipalRequest,
        tr: Translator,
        notifications: NotificationService,
        *,
        errors: list[str] | None = None,
        done: str = "",
        status: int = 200,
    ) -> Template:
        chosen = await notifications.preferences(request.user.user_id)
        prefs = [(k, title_of(k, _lang(tr)), chosen[k]) for k in INBOX_KINDS]
        context = {"prefs": prefs, "errors": errors or [], "done": done}
        return page(request, "people/account.html", context, status=status)

    @get("/account", guards=[signed_in], name="account")
    async def account(
        self,
        request: PrincipalRequest,
        tr: NamedDependency[Translator],
        notifications: NamedDependency[NotificationService],
        done: FromQuery[str] = "",
    ) -> Template:
        return await self._account(request, tr, notifications, done=done)

    @post("/account/password", guards=[signed_in])
    async def change_password(
        self,
        request: PrincipalRequest,
        tr: NamedDependency[Translator],
        passwords: NamedDependency[PasswordService],
        notifications: NamedDependency[NotificationService],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        data = await form_data(request)
        try:
            await passwords.change(
                request.user.user_id,
                str(data.get("current_password", "")),
                str(data.get("new_password", "")),
            )
        except (WeakPassword, InvalidCredentials) as exc:
            return await self._account(
                request, tr, notifications, errors=_messages(exc), status=400
            )
        # every other session of this user has ended (`User.sessions_valid_from`): renew this one
        request.set_session(
            session_data(request.user.user_id, settings.web.session_max_age_seconds)
        )
        return redirect(request, "/account?done=password")

    @post("/account/preferences", guards=[signed_in])
    async def preferences(
        self, request: PrincipalRequest, notifications: NamedDependency[NotificationService]
    ) -> Response[Any]:
        form = await request.form()
        mailed = set(form.getall("email")) if "email" in form else set()
        for kind in INBOX_KINDS:
            await notifications.set_preference(request.user.user_id, kind, kind in mailed)
        return redirect(request, "/account?done=preferences")

    # --- staff -------------------------------------------------------------------------------

    async def _staff(
        self,
        request: PrincipalRequest,
        staff: StaffService,
        *,
        link: str = "",
        errors: list[str] | None = None,
        status: int = 200,
    ) -> Template:
        org = request.user.organisation_id
        context = {
            "users": await staff.list_staff(request.user, org),
            "invitations": await staff.list_invitations(request.user, org),
            "link": link,
            "errors": errors or [],
            "me": request.user.user_id,
        }
        return page(request, "people/staff.html", context, status=status)

    @get("/account/staff", guards=[signed_in], name="staff")
    async def staff_page(
        self, request: PrincipalRequest, staff: NamedDependency[StaffService]
    ) -> Template:
        return await self._staff(request, staff)

    @post("/account/staff/invite", guards=[signed_in])
    async def invite(
        self,
        request: PrincipalRequest,
        tr: NamedDependency[Translator],
        staff: NamedDependency[StaffService],
    ) -> Template:
        data = await form_data(request)
        try:
            invitation = InvitationCreate.model_validate(
                {
                    "email": data.get("email", ""),
                    "display_name": data.get("display_name") or None,
                    "org_admin": data.get("org_admin") == "on",
                    "language": _lang(tr),
                }
            )
        except ValidationError as exc:
            return await self._staff(request, staff, errors=_messages(exc), status=400)
        _, link = await staff.invite(request.user, request.user.organisation_id, invitation)
        return await self._staff(request, staff, link=link, status=201)

    @post("/account/staff/{user_id:uuid}", guards=[signed_in])
    async def change_staff(
        self,
        request: PrincipalRequest,
        staff: NamedDependency[StaffService],
        user_id: FromPath[uuid.UUID],
    ) -> Response[Any]:
        action = STAFF_ACTIONS.get(str((await form_data(request)).get("action", "")))
        if action is None:
            return await self._staff(request, staff, errors=["?"], status=400)
        await staff.update_staff(request.user, user_id, action)
        return redirect(request, "/account/staff")

    # --- joining and resetting (no account needed) -------------------------------------------

    @get("/invitations/{token:str}", guards=[public], name="invitation")
    async def invitation_form(self, request: AnyRequest, token: FromPath[str]) -> Template:
        return page(request, "people/join.html", {"token": token, "errors": []})

    @post("/invitations/{token:str}", guards=[public])
    async def join(
        self, request: AnyRequest, staff: NamedDependency[StaffService], token: FromPath[str]
    ) -> Response[Any]:
        data = await form_data(request)
        try:
            accept = InvitationAccept.model_validate(
                {
                    "token": token,
                    "display_name": data.get("display_name", ""),
                    "password": data.get("password", ""),
                }
            )
            await staff.accept_invitation(accept)
        except (ValidationError, WeakPassword) as exc:
            context = {"token": token, "errors": _messages(exc), "name": data.get("display_name")}
            return page(request, "people/join.html", context, status=400)
        return redirect(request, "/login?joined=1")

    @get("/password-reset", guards=[public], name="password_reset")
    async def reset_request_form(self, request: AnyRequest) -> Template:
        return page(request, "people/reset_request.html", {"sent": False, "errors": []})

    @post("/password-reset", guards=[public])
    async def reset_request(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        passwords: NamedDependency[PasswordService],
    ) -> Template:
        data = await form_data(request)
        try:
            asked = PasswordResetRequest.model_validate(
                {"email": data.get("email", ""), "language": _lang(tr)}
            )
        except ValidationError as exc:
            context = {"sent": False, "errors": _messages(exc)}
            return page(request, "people/reset_request.html", context, status=400)
        await passwords.request_reset(asked.email, language=asked.language)
        return page(request, "people/reset_request.html", {"sent": True, "errors": []})

    @get("/password-reset/{token:str}", guards=[public], name="password_reset_form")
    async def reset_form(self, request: AnyRequest, token: FromPath[str]) -> Template:
        return page(request, "people/reset.html", {"token": token, "errors": []})

    @post("/password-reset/{token:str}", guards=[public])
    async def reset(
        self,
        request: AnyRequest,
        passwords: NamedDependency[PasswordService],
        token: FromPath[str],
    ) -> Response[Any]:
        data = await form_data(request)
        try:
            await passwords.reset(token, str(data.get("new_password", "")))
        except WeakPassword as exc:
            context = {"token": token, "errors": _messages(exc)}
            return page(request, "people/reset.html", context, status=400)
        return redirect(request, "/login?reset=1")
