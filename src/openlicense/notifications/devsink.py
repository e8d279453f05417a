"""A development mail sink (aiosmtpd): an SMTP server on 127.0.0.1 that accepts every message
and writes it to `<dir>/<time>-<n>.eml` (readable with any mail client or `cat`), and logs its
subject. `make demo` runs it so the demo's mails can be read without a mail server. Never run it
in production: it accepts mail for anyone."""

from __future__ import annotations

import datetime
import itertools
import logging
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

logger = logging.getLogger("openlicense.mail.sink")
_serial = itertools.count(1)


class SinkHandler:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")
        path = self.directory / f"{stamp}-{next(_serial):04d}.eml"
        path.write_bytes(raw)
        message = message_from_bytes(raw, policy=policy.default)
        logger.info("mail to %s: %s (%s)", envelope.rcpt_tos, message["subject"], path)
        return "250 Message accepted for delivery"


def start_sink(directory: Path, *, host: str = "127.0.0.1", port: int = 1025) -> Controller:
    """Start the sink in a background thread; `.stop()` ends it."""
    controller = Controller(SinkHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


def read_sink(directory: Path) -> list[dict[str, str]]:
    """The sink's messages, oldest first: to, subject, body (text)."""
    found = []
    for path in sorted(directory.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        found.append(
            {
                "file": path.name,
                "to": str(message["to"]),
                "subject": str(message["subject"]),
                "body": body.get_content() if body is not None else "",
            }
        )
    return found
