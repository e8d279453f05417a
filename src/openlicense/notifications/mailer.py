"""Sending the mail outbox through SMTP (aiosmtplib).

Each row is claimed by a conditional UPDATE (pending → sending) in its own short transaction,
sent outside any transaction, then marked sent (or back to pending with the error, until
`max_attempts`). Two workers never send the same row; a row left in `sending` by a crashed worker
is taken again after `claim_timeout_seconds`. With no SMTP host configured the mails stay queued
(the inbox still works)."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING, Protocol

import aiosmtplib
from sqlalchemy import or_, select, update

from openlicense.notifications.models import MailState, OutgoingMail

if TYPE_CHECKING:
    import uuid

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from openlicense.settings import MailSettings

logger = logging.getLogger("openlicense.mail")


class MailTransport(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class SmtpTransport:
    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    async def send(self, message: EmailMessage) -> None:
        s = self.settings
        await aiosmtplib.send(
            message,
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            use_tls=s.smtp_security == "tls",
            start_tls=s.smtp_security == "starttls",
            timeout=s.timeout_seconds,
        )


@dataclass
class MailReport:
    sent: int = 0
    failed: int = 0


def build_message(row: OutgoingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["X-Openlicense-Kind"] = row.kind
    message.set_content(row.body)
    return message


async def send_pending_mail(
    session_maker: async_sessionmaker[AsyncSession],
    settings: MailSettings,
    *,
    transport: MailTransport | None = None,
    now: datetime.datetime | None = None,
) -> MailReport:
    report = MailReport()
    if transport is None:
        if not settings.smtp_host:
            return report
        transport = SmtpTransport(settings)
    now = now or datetime.datetime.now(datetime.UTC)
    stale = now - datetime.timedelta(seconds=settings.claim_timeout_seconds)
    async with session_maker() as session, session.begin():
        ids = list(
            await session.scalars(
                select(OutgoingMail.id)
                .where(
                    or_(
                        OutgoingMail.state == MailState.PENDING,
                        (OutgoingMail.state == MailState.SENDING)
                        & (OutgoingMail.claimed_at < stale),
                    )
                )
                .order_by(OutgoingMail.id)
                .limit(settings.batch_size)
            )
        )
    for mail_id in ids:
        row = await _claim(session_maker, mail_id, now, stale)
        if row is None:
            continue  # another worker took it
        try:
            await transport.send(build_message(row, settings.from_address))
        except (aiosmtplib.SMTPException, OSError) as exc:
            report.failed += 1
            logger.warning("mail %s to %s not sent: %s", row.id, row.to_address, exc)
            await _finish(
                session_maker, row, now, error=str(exc)[:500], max_attempts=settings.max_attempts
            )
            continue
        report.sent += 1
        await _finish(session_maker, row, now, error=None, max_attempts=settings.max_attempts)
    return report


async def _claim(
    session_maker: async_sessionmaker[AsyncSession],
    mail_id: uuid.UUID,
    now: datetime.datetime,
    stale: datetime.datetime,
) -> OutgoingMail | None:
    async with session_maker() as session, session.begin():
        claimed = await session.execute(
            update(OutgoingMail)
            .where(
                OutgoingMail.id == mail_id,
                or_(
                    OutgoingMail.state == MailState.PENDING,
                    (OutgoingMail.state == MailState.SENDING) & (OutgoingMail.claimed_at < stale),
                ),
            )
            .values(state=MailState.SENDING, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            return None
        return await session.get(OutgoingMail, mail_id)


async def _finish(
    session_maker: async_sessionmaker[AsyncSession],
    row: OutgoingMail,
    now: datetime.datetime,
    *,
    error: str | None,
    max_attempts: int,
) -> None:
    async with session_maker() as session, session.begin():
        attempts = row.attempts + 1
        if error is None:
            values = {"state": MailState.SENT, "sent_at": now, "attempts": attempts}
        else:
            state = MailState.FAILED if attempts >= max_attempts else MailState.PENDING
            values = {"state": state, "attempts": attempts, "last_error": error}
        await session.execute(
            update(OutgoingMail)
            .where(OutgoingMail.id == row.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
