"""HTTP routes of the inbox: list, unread count, mark read, email preferences."""

from __future__ import annotations

from typing import Any, Literal

from litestar import Controller, Request, Router, get, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import signed_in
from openlicense.accounts.principal import Principal
from openlicense.core.clock import Clock
from openlicense.notifications.models import Notification
from openlicense.notifications.schemas import (
    EmailPreferenceRead,
    EmailPreferenceUpdate,
    InboxPage,
    MarkRead,
    NotificationRead,
    UnreadCount,
)
from openlicense.notifications.service import NotificationService, title_of
from openlicense.notifications.texts import render

Lang = Literal["zh", "en"]


async def provide_notification_service(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> NotificationService:
    return NotificationService(db_session, now=clock.now())


def notification_read(row: Notification, lang: Lang) -> NotificationRead:
    text = render(row.kind, row.data, lang)
    return NotificationRead(
        id=row.id,
        kind=row.kind,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        title=text.title,
        body=text.body,
        read_at=row.read_at,
        created_at=row.created_at,
    )


class NotificationController(Controller):
    path = "/api/notifications"
    tags = ["notifications"]

    @get("/", guards=[signed_in])
    async def inbox(
        self,
        request: Request[Principal, Any, State],
        notifications: NamedDependency[NotificationService],
        unread: FromQuery[bool] = False,
        lang: FromQuery[Lang] = "zh",
    ) -> InboxPage:
        """The caller's latest 50 notifications, newest first, in `lang`."""
        user = request.user.user_id
        rows = await notifications.inbox(user, unread_only=unread)
        return InboxPage(
            unread=await notifications.unread_count(user),
            items=[notification_read(r, lang) for r in rows],
        )

    @get("/unread-count", guards=[signed_in])
    async def unread_count(
        self,
        request: Request[Principal, Any, State],
        notifications: NamedDependency[NotificationService],
    ) -> UnreadCount:
        return UnreadCount(unread=await notifications.unread_count(request.user.user_id))

    @post("/read", guards=[signed_in], status_code=200)
    async def mark_read(
        self,
        request: Request[Principal, Any, State],
        notifications: NamedDependency[NotificationService],
        data: JSONBody[MarkRead],
    ) -> UnreadCount:
        """Mark some (`ids`) or all of the caller's notifications read; answers the new count."""
        await notifications.mark_read(request.user.user_id, data.ids)
        return UnreadCount(unread=await notifications.unread_count(request.user.user_id))

    @get("/preferences", guards=[signed_in])
    async def preferences(
        self,
        request: Request[Principal, Any, State],
        notifications: NamedDependency[NotificationService],
        lang: FromQuery[Lang] = "zh",
    ) -> list[EmailPreferenceRead]:
        chosen = await notifications.preferences(request.user.user_id)
        return [
            EmailPreferenceRead(kind=k, email=v, title=title_of(k, lang)) for k, v in chosen.items()
        ]

    @put("/preferences", guards=[signed_in])
    async def set_preference(
        self,
        request: Request[Principal, Any, State],
        notifications: NamedDependency[NotificationService],
        data: JSONBody[EmailPreferenceUpdate],
        lang: FromQuery[Lang] = "zh",
    ) -> list[EmailPreferenceRead]:
        """Choose whether one kind is also sent by email."""
        chosen = await notifications.set_preference(request.user.user_id, data.kind, data.email)
        return [
            EmailPreferenceRead(kind=k, email=v, title=title_of(k, lang)) for k, v in chosen.items()
        ]


router = Router(path="/", route_handlers=[NotificationController])
