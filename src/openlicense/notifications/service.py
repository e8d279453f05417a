"""Notify people, read the inbox, choose what is mailed. Never commits, never Litestar.

`notify` is the one entry point for every domain and job that wants to tell someone something:
it writes one inbox row per user and queues a mail for each user who gets that kind by email."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from uuid_utils.compat import uuid7

from openlicense.accounts.models import User
from openlicense.notifications.errors import UnknownKind
from openlicense.notifications.models import (
    EmailPreference,
    MailState,
    Notification,
    OutgoingMail,
    ReminderKey,
)
from openlicense.notifications.texts import INBOX_KINDS, KINDS, Language, bilingual_mail, render

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

Subject = tuple[str, str | uuid.UUID]
"""(subject type, subject id), e.g. ("agreement", agreement.id)."""


async def notify(
    session: AsyncSession,
    user_ids: Iterable[uuid.UUID],
    kind: str,
    subject: Subject,
    data: Mapping[str, Any] | None = None,
) -> list[Notification]:
    """Put a `kind` message about `subject` in each user's inbox, and queue a (bilingual) mail
    for those who get this kind by email. Inactive users are skipped. Part of the caller's
    transaction: a rolled-back change tells nobody. Returns the inbox rows written."""
    if kind not in KINDS or kind not in INBOX_KINDS:
        raise UnknownKind(f"Unknown notification kind {kind!r}; add it to notifications/texts.py.")
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return []
    payload = {k: _json_safe(v) for k, v in (data or {}).items()}
    users = list(
        await session.execute(
            select(User.id, User.email).where(User.id.in_(ids), User.is_active.is_(True))
        )
    )
    chosen: dict[uuid.UUID, bool] = {
        user_id: email
        for user_id, email in await session.execute(
            select(EmailPreference.user_id, EmailPreference.email).where(
                EmailPreference.user_id.in_(ids), EmailPreference.kind == kind
            )
        )
    }
    written = []
    for user_id, email in users:
        row = Notification(
            user_id=user_id,
            kind=kind,
            subject_type=subject[0],
            subject_id=str(subject[1]),
            data=payload,
        )
        session.add(row)
        written.append(row)
        if chosen.get(user_id, KINDS[kind].email_by_default):
            _queue(session, to=email, kind=kind, data=payload, language="zh")
    await session.flush()
    return written


def queue_mail(
    session: AsyncSession, *, to: str, kind: str, data: dict[str, Any], language: str
) -> None:
    """Queue a mail outside the inbox (invitations, password resets): accounts' `LinkMail`."""
    if kind not in KINDS:
        raise UnknownKind(f"Unknown mail kind {kind!r}; add it to notifications/texts.py.")
    _queue(session, to=to, kind=kind, data=data, language="en" if language == "en" else "zh")


def _queue(
    session: AsyncSession, *, to: str, kind: str, data: Mapping[str, Any], language: Language
) -> None:
    text = bilingual_mail(kind, data, first=language)
    session.add(
        OutgoingMail(
            to_address=to,
            kind=kind,
            subject=text.title[:300],
            body=text.body,
            state=MailState.PENDING,
        )
    )


def _json_safe(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


class NotificationService:
    def __init__(self, session: AsyncSession, *, now: datetime.datetime | None = None) -> None:
        self.session = session
        self.now = now

    async def inbox(
        self, user_id: uuid.UUID, *, unread_only: bool = False, limit: int = 50
    ) -> list[Notification]:
        query = (
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        return list(await self.session.scalars(query))

    async def unread_count(self, user_id: uuid.UUID) -> int:
        query = select(func.count()).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
        return await self.session.scalar(query) or 0

    async def mark_read(self, user_id: uuid.UUID, ids: list[uuid.UUID] | None = None) -> int:
        """Mark the caller's notifications read (all of them, or `ids`); others' are untouched.
        Returns how many changed."""
        query = (
            update(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .values(read_at=self.now or datetime.datetime.now(datetime.UTC))
            .execution_options(synchronize_session=False)
        )
        if ids is not None:
            query = query.where(Notification.id.in_(ids))
        result = await self.session.execute(query)
        return int(getattr(result, "rowcount", 0) or 0)

    async def preferences(self, user_id: uuid.UUID) -> dict[str, bool]:
        chosen: dict[str, bool] = {
            kind: email
            for kind, email in await self.session.execute(
                select(EmailPreference.kind, EmailPreference.email).where(
                    EmailPreference.user_id == user_id
                )
            )
        }
        return {k: chosen.get(k, KINDS[k].email_by_default) for k in INBOX_KINDS}

    async def set_preference(self, user_id: uuid.UUID, kind: str, email: bool) -> dict[str, bool]:
        if kind not in INBOX_KINDS:
            raise UnknownKind(
                f"Unknown notification kind {kind!r}.",
                errors=[{"field": "kind", "message": "unknown kind", "source": "body"}],
            )
        row = await self.session.scalar(
            select(EmailPreference).where(
                EmailPreference.user_id == user_id, EmailPreference.kind == kind
            )
        )
        if row is None:
            self.session.add(EmailPreference(user_id=user_id, kind=kind, email=email))
        else:
            row.email = email
        await self.session.flush()
        return await self.preferences(user_id)


def title_of(kind: str, language: Language) -> str:
    """A kind's human name for the preference list (its title without the subject)."""
    return render(kind, {}, language).title.rstrip("：: ")


async def notify_staff(
    session: AsyncSession,
    organisation_ids: Iterable[uuid.UUID],
    kind: str,
    subject: Subject,
    data: Mapping[str, Any] | None = None,
) -> list[Notification]:
    """`notify` every active user of these organisations."""
    users = await session.scalars(
        select(User.id).where(
            User.organisation_id.in_(set(organisation_ids)), User.is_active.is_(True)
        )
    )
    return await notify(session, list(users), kind, subject, data)


async def claim_reminder(
    session: AsyncSession, kind: str, subject_id: str, due_date: datetime.date
) -> bool:
    """Insert a reminder's key (kind, subject, due day) in the caller's transaction; False when
    it already exists, sent before or concurrently (see notifications.reminders)."""
    now = datetime.datetime.now(datetime.UTC)
    values = {"id": uuid7(), "kind": kind, "subject_id": subject_id, "due_date": due_date}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(ReminderKey)
        .values(**values, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["kind", "subject_id", "due_date"])
        .returning(ReminderKey.id)
    )
    return (await session.execute(stmt)).first() is not None
