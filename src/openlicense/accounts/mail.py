"""How accounts asks for a mail (invitation, password reset) without knowing how mail is sent.

The notifications package implements :class:`LinkMail` (it queues the message in the same
transaction, so a rolled-back invitation sends nothing); `app.py` wires it in. Accounts never
imports notifications: it sits below it in the layers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


@runtime_checkable
class LinkMail(Protocol):
    def __call__(
        self, session: AsyncSession, *, to: str, kind: str, data: dict[str, Any], language: str
    ) -> None: ...


def no_mail(
    session: AsyncSession, *, to: str, kind: str, data: dict[str, Any], language: str
) -> None:
    """The default when nothing is wired (scripts, unit tests): mails are dropped."""
