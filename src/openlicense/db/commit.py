"""The request session's end: commit a write on 2xx/3xx, roll back otherwise, close it — and
never acknowledge a change the database did not confirm.

advanced-alchemy's handler logs a failed COMMIT at debug level and sends the 2xx anyway (the
connection died, the server restarted): the client would hold an acknowledgement of a change
that is not stored. Here a failed COMMIT turns the response into a 503 problem (`commit_failed`,
`Retry-After: 1`) before its first byte leaves, so whatever a client was told succeeded is in
the database — the fault run of `scripts/load.py --fault` checks it with PostgreSQL restarted."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final, cast

from advanced_alchemy.extensions.litestar._utils import delete_aa_scope_state, get_aa_scope_state
from advanced_alchemy.extensions.litestar.plugins.init.config.common import (
    SESSION_TERMINUS_ASGI_EVENTS,
)

if TYPE_CHECKING:
    from litestar.types import Message, Scope
    from sqlalchemy.ext.asyncio import AsyncSession

logger = logging.getLogger("openlicense.db")

READ_SESSION: Final = "openlicense.read_session"
"""`session.info` key of an autocommit (read) session: closed, never committed."""
_FAILED: Final = "openlicense.commit_failed"
PROBLEM: Final = json.dumps(
    {
        "status": 503,
        "code": "commit_failed",
        "title": "Service Unavailable",
        "detail": "The database did not confirm the change, so nothing was saved. Try again.",
    }
).encode()


def before_send_handler(scope_key: str) -> Callable[[Message, Scope], Awaitable[None]]:
    """The config's before-send handler; `scope_key` is the config's session key."""

    async def before_send(message: Message, scope: Scope) -> None:
        session = cast("AsyncSession | None", get_aa_scope_state(scope, scope_key))
        state = cast("dict[str, Any]", scope)
        if message["type"] == "http.response.body" and state.get(_FAILED) is not None:
            _replace_body(message, state)
            return
        if session is None:
            return
        try:
            if message["type"] == "http.response.start" and not session.info.get(READ_SESSION):
                await _finish(session, message, state)
        finally:
            if message["type"] in SESSION_TERMINUS_ASGI_EVENTS:
                await _quietly(session.close(), "close")
                delete_aa_scope_state(scope, scope_key)

    return before_send


async def _finish(session: AsyncSession, message: Any, state: dict[str, Any]) -> None:
    status = int(message["status"])
    if not 200 <= status < 400:
        await _quietly(session.rollback(), "rollback")
        return
    try:
        await session.commit()
    except Exception:
        logger.exception("COMMIT failed: answering 503 instead of %s", status)
        await _quietly(session.rollback(), "rollback")
        state[_FAILED] = False  # the problem body is not sent yet
        message["status"] = 503
        message["headers"] = [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(PROBLEM)).encode()),
            (b"retry-after", b"1"),
            (b"cache-control", b"no-store"),
        ]


def _replace_body(message: Any, state: dict[str, Any]) -> None:
    """The response's body messages, after a failed COMMIT: the problem once, then nothing."""
    message["body"] = b"" if state[_FAILED] else PROBLEM
    state[_FAILED] = True


async def _quietly(step: Awaitable[None], what: str) -> None:
    try:
        await step
    except Exception:  # the connection is gone: the transaction is void anyway
        logger.warning("session %s failed during cleanup", what, exc_info=True)
