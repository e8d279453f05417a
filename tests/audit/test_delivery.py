"""Checkpoints pushed to subscribed IP offices: a signed webhook, received exactly once and in
order across worker restarts, a missed delivery retried. The office is a real HTTP server on
localhost. Both databases."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor
from openlicense.accounts.models import OrganisationKind
from openlicense.audit import ledger
from openlicense.audit.checkpoints import checkpoint
from openlicense.audit.delivery import SIGNATURE_HEADER, deliver_due
from openlicense.audit.keyring import record_from_dict, validity_problem
from openlicense.audit.ledger import LedgerRecord
from openlicense.audit.signing import checkpoint_from_dict, verify_checkpoint
from openlicense.settings import Settings

SECRET = "office-shared-secret-0123456789"


class Office:
    """An IP office's webhook receiver: records each body; answers 503 while `down`."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.down = False
        self.refused = 0
        office = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if office.down:
                    office.refused += 1
                    self.send_response(503)
                    self.end_headers()
                    return
                expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                assert self.headers[SIGNATURE_HEADER] == expected
                office.received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/checkpoints"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def seqs(self) -> list[int]:
        return [body["seq"] for body in self.received]


@pytest.fixture
def office() -> Iterator[Office]:
    receiver = Office()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


async def _entries_and_checkpoint(db_sessionmaker: async_sessionmaker, settings: Settings) -> int:
    async with db_sessionmaker.begin() as session:
        ledger.append(
            session,
            LedgerRecord(
                "organisation.verified", "organisation", "org-1", data={"name": "A", "kind": "u"}
            ),
        )
    async with db_sessionmaker.begin() as session:
        row = await checkpoint(session, settings, force=True)
        assert row is not None
        return row.seq


def _later(seconds: float) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=seconds)


async def test_an_office_gets_every_checkpoint_once_in_order_across_restarts_and_failures(
    db_sessionmaker: async_sessionmaker,
    settings: Settings,
    client: AsyncTestClient,
    office: Office,
) -> None:
    admin = await make_actor(db_sessionmaker, OrganisationKind.PLATFORM)
    first = await _entries_and_checkpoint(db_sessionmaker, settings)  # before the subscription
    made = await client.post(
        "/api/audit/subscriptions",
        json={"name": "CNIPA Zhejiang", "url": office.url, "secret": SECRET},
        headers=admin.headers,
    )
    assert made.status_code == 201, made.text
    assert made.json()["pending"] == 1  # the checkpoint already signed is queued too
    second = await _entries_and_checkpoint(db_sessionmaker, settings)

    # Two workers at once: each checkpoint goes once, in order.
    reports = await asyncio.gather(
        deliver_due(db_sessionmaker, settings), deliver_due(db_sessionmaker, settings)
    )
    assert sum(r.delivered for r in reports) == 2
    assert office.seqs() == [first, second]

    # The office goes down: the next checkpoint is retried, later ones wait behind it.
    office.down = True
    third = await _entries_and_checkpoint(db_sessionmaker, settings)
    fourth = await _entries_and_checkpoint(db_sessionmaker, settings)
    report = await deliver_due(db_sessionmaker, settings)
    assert (report.delivered, report.failed, office.refused) == (0, 1, 1)
    assert "HTTP 503" in report.errors[0]
    # Not yet due again (back-off): nothing is sent.
    assert (await deliver_due(db_sessionmaker, settings)).failed == 0
    assert office.refused == 1

    # A new worker process ("restart": nothing kept in memory) once the office is back.
    office.down = False
    report = await deliver_due(db_sessionmaker, settings, now=_later(3600))
    assert report.delivered == 2
    assert office.seqs() == [first, second, third, fourth]
    assert (await deliver_due(db_sessionmaker, settings, now=_later(7200))).delivered == 0
    assert office.seqs() == [first, second, third, fourth]  # exactly once

    listed = (await client.get("/api/audit/subscriptions", headers=admin.headers)).json()
    assert [(s["delivered"], s["pending"]) for s in listed["items"]] == [(4, 0)]
    assert "secret" not in listed["items"][0] or listed["items"][0]["secret"] is None

    # What the office received is enough to check each checkpoint on its own.
    for body in office.received:
        cp = checkpoint_from_dict(body["checkpoint"])
        key = record_from_dict(body["key"])
        assert verify_checkpoint(key.public_key_pem, cp)
        assert validity_problem([key], cp.key_id, cp.created_at) is None


async def test_a_cancelled_subscription_gets_nothing_more(
    db_sessionmaker: async_sessionmaker,
    settings: Settings,
    client: AsyncTestClient,
    office: Office,
) -> None:
    admin = await make_actor(db_sessionmaker, OrganisationKind.PLATFORM)
    made = (
        await client.post(
            "/api/audit/subscriptions",
            json={"name": "Office", "url": office.url, "secret": SECRET},
            headers=admin.headers,
        )
    ).json()
    cancelled = await client.delete(f"/api/audit/subscriptions/{made['id']}", headers=admin.headers)
    assert cancelled.status_code == 200 and cancelled.json()["active"] is False
    await _entries_and_checkpoint(db_sessionmaker, settings)
    assert (await deliver_due(db_sessionmaker, settings)).delivered == 0
    assert office.received == []
    bad = await client.post(
        "/api/audit/subscriptions", json={"name": "x", "url": "not a url"}, headers=admin.headers
    )
    assert bad.status_code == 422
