"""Checkpoints on a schedule (every N entries or M minutes, whichever first), the key history
(each key endorsed by the previous one, valid for a period; a checkpoint under a retired key is
refused), `since` on the checkpoints list and exports cut at a checkpoint. Both databases."""

from __future__ import annotations

import datetime
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar.testing import AsyncTestClient
from pydantic import SecretStr
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor
from openlicense.accounts.models import OrganisationKind
from openlicense.audit import ledger
from openlicense.audit.checkpoints import (
    KeyRefused,
    checkpoint,
    key_history,
    rotate_key,
    verify_chain,
)
from openlicense.audit.keyring import history_problem
from openlicense.audit.ledger import LedgerRecord
from openlicense.audit.models import LedgerCheckpoint, LedgerEntry, SigningKey
from openlicense.audit.signing import generate_private_key_pem, sign_checkpoint
from openlicense.settings import Settings


def _tuned(settings: Settings, **audit: object) -> Settings:
    return settings.model_copy(update={"audit": settings.audit.model_copy(update=audit)})


async def _entries(db_sessionmaker: async_sessionmaker, n: int) -> None:
    async with db_sessionmaker.begin() as session:
        ledger.append(
            session,
            *(
                LedgerRecord(
                    "organisation.verified",
                    "organisation",
                    f"org-{i}",
                    data={"name": f"Org {i}", "kind": "university"},
                )
                for i in range(n)
            ),
        )


def _now(minutes: float = 0) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=minutes)


async def _sign(
    db_sessionmaker: async_sessionmaker, settings: Settings, **kw: object
) -> int | None:
    async with db_sessionmaker.begin() as session:
        row = await checkpoint(session, settings, **kw)  # type: ignore[arg-type]
        return None if row is None else row.seq


async def test_a_checkpoint_is_signed_after_n_entries_or_m_minutes_whichever_first(
    db_sessionmaker: async_sessionmaker, settings: Settings
) -> None:
    tuned = _tuned(settings, checkpoint_every=5, checkpoint_max_age_minutes=30)
    await _entries(db_sessionmaker, 3)
    assert await _sign(db_sessionmaker, tuned, now=_now()) is None  # 3 < 5, just written
    assert await _sign(db_sessionmaker, tuned, now=_now(29)) is None
    assert await _sign(db_sessionmaker, tuned, now=_now(31)) == 3  # waited 30 minutes
    await _entries(db_sessionmaker, 5)
    assert await _sign(db_sessionmaker, tuned, now=_now(31)) == 8  # 5 entries: at once
    assert await _sign(db_sessionmaker, tuned, now=_now(120)) is None  # nothing unsigned


async def test_the_first_checkpoint_starts_the_key_history(
    db_sessionmaker: async_sessionmaker, settings: Settings, client: AsyncTestClient
) -> None:
    await _entries(db_sessionmaker, 2)
    await _sign(db_sessionmaker, settings, force=True)
    keys = (await client.get("/api/audit/keys")).json()
    assert keys["valid"] is True
    (only,) = keys["items"]
    assert only["previous_key_id"] is None and only["valid_until"] is None
    current = (await client.get("/api/audit/public-key")).json()
    assert only["key_id"] == current["key_id"]


async def test_rotation_endorses_the_new_key_and_refuses_the_retired_one(
    db_sessionmaker: async_sessionmaker, settings: Settings, client: AsyncTestClient
) -> None:
    await _entries(db_sessionmaker, 2)
    await _sign(db_sessionmaker, settings, force=True)
    await _entries(db_sessionmaker, 1)
    new_pem = generate_private_key_pem()
    async with db_sessionmaker.begin() as session:
        from openlicense.audit.signing import load_private_key

        record = await rotate_key(session, settings, load_private_key(new_pem), _now())
    async with db_sessionmaker() as session:
        history = await key_history(session)
        assert [k.key_id for k in history][-1] == record.key_id
        assert history_problem(history) is None
        assert history[0].valid_until == history[1].valid_from
        # the rotation signed what was pending under the old key first
        assert (
            await session.scalar(select(LedgerCheckpoint.seq).order_by(LedgerCheckpoint.seq.desc()))
            == 3
        )

    # The retired key, still configured, may not sign any more.
    await _entries(db_sessionmaker, 1)
    with pytest.raises(KeyRefused, match="retired"):
        await _sign(db_sessionmaker, settings, force=True)
    rotated = _tuned(settings, signing_key=SecretStr(new_pem))
    assert await _sign(db_sessionmaker, rotated, force=True) == 4
    keys = (await client.get("/api/audit/keys")).json()
    assert [k["key_id"] for k in keys["items"]] == [h.key_id for h in history]
    assert keys["items"][1]["endorsement"]

    async with db_sessionmaker() as session:
        report = await verify_chain(session, rotated)
    assert report.first_break is None and report.key_history_problem is None


async def test_a_checkpoint_under_a_retired_key_is_refused_by_verification(
    db_sessionmaker: async_sessionmaker, settings: Settings
) -> None:
    await _entries(db_sessionmaker, 2)
    await _sign(db_sessionmaker, settings, force=True)
    from openlicense.audit.keys import signing_key
    from openlicense.audit.signing import load_private_key

    old = signing_key(settings)
    new_pem = generate_private_key_pem()
    async with db_sessionmaker.begin() as session:
        await rotate_key(session, settings, load_private_key(new_pem), _now())
    await _entries(db_sessionmaker, 1)
    # Someone holding the retired key forges a checkpoint after its retirement.
    async with db_sessionmaker.begin() as session:
        tail = (
            await session.execute(
                select(LedgerEntry.seq, LedgerEntry.hash).order_by(LedgerEntry.seq.desc())
            )
        ).first()
        assert tail is not None
        forged = sign_checkpoint(old, seq=tail[0], hash=tail[1], created_at=_now(1))
        session.add(
            LedgerCheckpoint(
                seq=forged.seq,
                hash=forged.hash,
                signed_at=forged.created_at,
                key_id=forged.key_id,
                signature=forged.signature,
            )
        )
    async with db_sessionmaker() as session:
        report = await verify_chain(session, _tuned(settings, signing_key=SecretStr(new_pem)))
    assert report.first_break is not None
    assert report.first_break.reason == "key_not_valid"
    assert report.first_break.seq == 3
    assert "retired" in report.first_break.detail


async def test_a_tampered_key_history_is_reported(
    db_sessionmaker: async_sessionmaker, settings: Settings, client: AsyncTestClient
) -> None:
    await _entries(db_sessionmaker, 1)
    await _sign(db_sessionmaker, settings, force=True)
    other = Ed25519PrivateKey.generate()
    from openlicense.audit.keyring import endorse

    at = _now()
    async with db_sessionmaker.begin() as session:
        (first,) = await key_history(session)
        await session.execute(
            update(SigningKey).values(valid_until=at).where(SigningKey.key_id == first.key_id)
        )
        record = endorse(other, other.public_key(), at)  # endorsed by itself, not by first
        session.add(
            SigningKey(
                key_id=record.key_id,
                public_key_pem=record.public_key_pem,
                valid_from=record.valid_from,
                valid_until=None,
                previous_key_id=first.key_id,
                endorsement=record.endorsement,
            )
        )
    keys = (await client.get("/api/audit/keys")).json()
    assert keys["valid"] is False
    assert "not endorsed" in keys["problem"]


async def test_checkpoints_since_and_an_export_cut_at_a_checkpoint(
    db_sessionmaker: async_sessionmaker, settings: Settings, client: AsyncTestClient
) -> None:
    auditor = await make_actor(db_sessionmaker, OrganisationKind.IP_OFFICE)
    for n in (2, 3, 1):
        await _entries(db_sessionmaker, n)
        await _sign(db_sessionmaker, settings, force=True)
    await _entries(db_sessionmaker, 2)  # not yet signed
    page = (
        await client.get(
            "/api/audit/ledger/checkpoints", params={"since": 2}, headers=auditor.headers
        )
    ).json()
    assert [c["seq"] for c in page["items"]] == [5, 6]
    assert page["next_cursor"] is None
    first = (
        await client.get(
            "/api/audit/ledger/checkpoints", params={"limit": 1}, headers=auditor.headers
        )
    ).json()
    assert [c["seq"] for c in first["items"]] == [2]
    rest = (
        await client.get(
            "/api/audit/ledger/checkpoints",
            params={"cursor": first["next_cursor"]},
            headers=auditor.headers,
        )
    ).json()
    assert [c["seq"] for c in rest["items"]] == [5, 6]

    export = await client.get(
        "/api/audit/exports/ledger", params={"up_to_seq": 5}, headers=auditor.headers
    )
    lines = [json.loads(line) for line in export.text.splitlines()]
    assert [e["seq"] for e in lines] == [1, 2, 3, 4, 5]
    assert lines[-1]["hash"] == page["items"][0]["hash"]

    listed = (
        await client.get(
            "/api/audit/ledger", params={"up_to_seq": 5, "limit": 2}, headers=auditor.headers
        )
    ).json()
    assert [e["seq"] for e in listed["items"]] == [1, 2]
    assert listed["items"][0]["occurred_at"].endswith("+00:00")
    nxt = (
        await client.get(
            "/api/audit/ledger",
            params={"up_to_seq": 5, "cursor": listed["next_cursor"], "limit": 10},
            headers=auditor.headers,
        )
    ).json()
    assert [e["seq"] for e in nxt["items"]] == [3, 4, 5] and nxt["next_cursor"] is None
    bad = await client.get("/api/audit/ledger", params={"cursor": "nope"}, headers=auditor.headers)
    assert bad.status_code == 422  # InvalidCursor, like every other list


async def test_entries_swapped_in_the_database_are_reported_as_reordered(
    db_sessionmaker: async_sessionmaker, settings: Settings
) -> None:
    await _entries(db_sessionmaker, 4)
    async with db_sessionmaker.begin() as session:
        await session.execute(update(LedgerEntry).where(LedgerEntry.seq == 2).values(seq=-2))
        await session.execute(update(LedgerEntry).where(LedgerEntry.seq == 3).values(seq=2))
        await session.execute(update(LedgerEntry).where(LedgerEntry.seq == -2).values(seq=3))
    async with db_sessionmaker() as session:
        report = await verify_chain(session, settings)
    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.reason) == (2, "sequence_reordered")
    assert report.first_break.found == "3"
