"""The IP-office audit API: filters, cursor pages, tamper detection, statistics, exports,
access log, and who may (not) use it. Rule numbers: domain.md §4 (21–22)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import Actor, make_actor
from licensing import Market, make_market
from openlicense.accounts.models import OrganisationKind
from openlicense.agreements.models import Agreement
from openlicense.audit.checkpoints import checkpoint
from openlicense.audit.models import LedgerEntry
from openlicense.core.clock import FixedClock
from openlicense.oversight.models import AuditAccess
from openlicense.settings import Settings

PERIOD = {"licence_start": "2026-11-23", "licence_end": "2028-11-22"}
LUMP = {"type": "LUMP_SUM", "amount_minor": 5_000_000}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def market(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> Market:
    return await make_market(client, db_sessionmaker, clock)


@pytest.fixture
async def auditor(db_sessionmaker: async_sessionmaker) -> Actor:
    return await make_actor(db_sessionmaker, OrganisationKind.IP_OFFICE)


async def _licences(market: Market, n: int, standard: dict | None = None) -> list[dict]:
    out = []
    for _ in range(n):
        declaration = await market.declare(standard or LUMP, **PERIOD)
        out.append(
            (await market.accept(declaration["id"], who=await market.another_enterprise())).json()
        )
    return out


async def test_auditor_pages_through_agreements_with_a_stable_cursor(
    market: Market, auditor: Actor
) -> None:
    made = await _licences(market, 5)
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (
            await market.client.get("/api/audit/agreements", params=params, headers=auditor.headers)
        ).json()
        seen += [a["number"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [a["number"] for a in made]  # oldest notice first, nothing twice


async def test_filters_narrow_the_list(market: Market, auditor: Actor) -> None:
    free = (await _licences(market, 1, {"type": "FREE"}))[0]
    lump = (await _licences(market, 1))[0]

    async def numbers(**params: str) -> list[str]:
        body = (
            await market.client.get("/api/audit/agreements", params=params, headers=auditor.headers)
        ).json()
        return [a["number"] for a in body["items"]]

    assert await numbers(fee_type="FREE") == [free["number"]]
    assert await numbers(status="notified") == [lump["number"]]
    assert await numbers(recording_status="open") == [free["number"]]
    assert await numbers(recording_status="none") == [lump["number"]]
    assert await numbers(university_id=str(market.tto.organisation_id)) == [
        free["number"],
        lump["number"],
    ]
    assert await numbers(ipc_class="H01") == [free["number"], lump["number"]]
    assert await numbers(ipc_class="A01") == []
    assert await numbers(date_from="2026-11-24") == []
    assert await numbers(date_to="2026-11-22") == []
    assert await numbers(date_to="2026-11-23") == [free["number"], lump["number"]]
    assert await numbers(enterprise_id=lump["licensee_organisation_id"]) == [lump["number"]]
    assert await numbers(patent_id=free["patent_id"]) == [free["number"]]
    assert await numbers(province="浙江") == [free["number"], lump["number"]]
    assert await numbers(province="西藏") == []
    assert await numbers(recording_status="filed") == []
    assert await numbers(recording_status="overdue") == []
    bad = await market.client.get(
        "/api/audit/agreements", params={"cursor": "nonsense"}, headers=auditor.headers
    )
    assert bad.status_code == 422
    # Unknown filter values are refused (422), never a server error; the export alike.
    for path in ("/api/audit/agreements", "/api/audit/exports/agreements"):
        for params in ({"status": "ÆC"}, {"fee_type": "NOPE"}, {"province": "x" * 33}):
            refused = await market.client.get(path, params=params, headers=auditor.headers)
            assert refused.status_code == 422, (path, params, refused.text)


async def test_overdue_recording_is_flagged(market: Market, auditor: Actor) -> None:
    (free,) = await _licences(market, 1, {"type": "FREE"})
    await market.travel_to("2027-02-24")  # recording was due 2027-02-23 (rule 21)
    tasks = (
        await market.client.get(
            "/api/audit/recording-tasks", params={"overdue": "true"}, headers=auditor.headers
        )
    ).json()
    assert [t["agreement_number"] for t in tasks["items"]] == [free["number"]]
    listed = (await market.client.get("/api/audit/agreements", headers=auditor.headers)).json()[
        "items"
    ][0]
    assert listed["recording_overdue"] is True
    assert listed["clause_refs"]  # rule 22: clause template ids and versions


async def test_agreement_detail_has_evidence_schedule_and_payments(
    market: Market, auditor: Actor
) -> None:
    (agreement,) = await _licences(market, 1)
    detail = (
        await market.client.get(f"/api/audit/agreements/{agreement['id']}", headers=auditor.headers)
    ).json()
    assert (
        detail["acceptance_evidence"]["terms_hash"]
        == agreement["snapshot"]["declaration"]["terms_hash"]
    )
    assert detail["acceptance_evidence"]["notified_at"].startswith("2026-11-23")
    assert [e["key"] for e in detail["schedule"]] == ["acceptance"]
    assert detail["seal_intact"] is True


async def test_declaration_history_includes_versions_and_withdrawals(
    market: Market, auditor: Actor
) -> None:
    declaration = await market.declare(LUMP, **PERIOD)
    patent = (await market.client.get(f"/api/patents/{declaration['patent_id']}")).json()
    await market.client.post(
        f"/api/declarations/{declaration['id']}/withdraw",
        json={
            "reason": "Assigned to a spin-off company.",
            "effective_date": "2026-11-23",
            "consents": [{"owner_id": o["id"], "document_ref": "W"} for o in patent["co_owners"]],
        },
        headers=market.tto.headers,
    )
    listed = (
        await market.client.get(
            "/api/audit/declarations",
            params={"patent_id": declaration["patent_id"]},
            headers=auditor.headers,
        )
    ).json()
    assert [(d["version"], d["status"]) for d in listed["items"]] == [(1, "withdrawn")]
    assert listed["items"][0]["withdrawal"]["reason"] == "Assigned to a spin-off company."


async def test_ledger_is_intact_after_normal_use(market: Market, auditor: Actor) -> None:
    (agreement,) = await _licences(market, 1)
    await market.pay(agreement["id"], "acceptance")
    report = (await market.client.get("/api/audit/ledger/verify", headers=auditor.headers)).json()
    assert report["ok"] is True, report
    actions = [
        e["action"]
        for e in (await market.client.get("/api/audit/ledger", headers=auditor.headers)).json()[
            "items"
        ]
    ]
    assert "declaration.published" in actions
    assert actions.count("agreement.created") == 1
    assert {"agreement.paid", "agreement.effective", "payment.succeeded"} <= set(actions)


async def _tamper_and_verify(market: Market, auditor: Actor, db_sessionmaker, change) -> dict:  # type: ignore[no-untyped-def]
    async with db_sessionmaker.begin() as session:
        await change(session)
    return (await market.client.get("/api/audit/ledger/verify", headers=auditor.headers)).json()


async def _ledger_size(db_sessionmaker) -> int:  # type: ignore[no-untyped-def]
    async with db_sessionmaker() as session:
        return len(list(await session.scalars(select(LedgerEntry.seq))))


async def test_editing_a_ledger_row_is_named(
    market: Market, auditor: Actor, db_sessionmaker
) -> None:
    await _licences(market, 2)
    target = 3

    async def change(session):  # type: ignore[no-untyped-def]
        await session.execute(
            update(LedgerEntry).where(LedgerEntry.seq == target).values(action="agreement.forged")
        )

    report = await _tamper_and_verify(market, auditor, db_sessionmaker, change)
    assert report["ok"] is False
    assert report["first_break"]["seq"] == target
    assert report["first_break"]["reason"] == "hash_mismatch"


async def test_deleting_a_ledger_row_is_named(
    market: Market, auditor: Actor, db_sessionmaker
) -> None:
    await _licences(market, 2)

    async def change(session):  # type: ignore[no-untyped-def]
        await session.execute(delete(LedgerEntry).where(LedgerEntry.seq == 2))

    report = await _tamper_and_verify(market, auditor, db_sessionmaker, change)
    assert report["first_break"]["seq"] == 3
    assert report["first_break"]["reason"] == "sequence_gap"


async def test_reordering_ledger_rows_is_named(
    market: Market, auditor: Actor, db_sessionmaker
) -> None:
    await _licences(market, 2)

    async def change(session):  # type: ignore[no-untyped-def]
        await session.execute(update(LedgerEntry).where(LedgerEntry.seq == 2).values(seq=-2))
        await session.execute(update(LedgerEntry).where(LedgerEntry.seq == 3).values(seq=2))
        await session.execute(update(LedgerEntry).where(LedgerEntry.seq == -2).values(seq=3))

    report = await _tamper_and_verify(market, auditor, db_sessionmaker, change)
    assert report["first_break"]["seq"] == 2  # each hash covers its seq: the first moved row fails
    assert report["first_break"]["reason"] in {
        "hash_mismatch",
        "sequence_reordered",
        "prev_hash_mismatch",
    }


async def test_cutting_the_ledger_tail_is_caught_by_a_signed_checkpoint(
    market: Market, auditor: Actor, db_sessionmaker, settings: Settings
) -> None:
    await _licences(market, 2)
    async with db_sessionmaker.begin() as session:
        signed = await checkpoint(session, settings, force=True)
    last = signed.seq

    async def change(session):  # type: ignore[no-untyped-def]
        await session.execute(delete(LedgerEntry).where(LedgerEntry.seq == last))

    report = await _tamper_and_verify(market, auditor, db_sessionmaker, change)
    assert report["first_break"]["seq"] == last
    assert report["first_break"]["reason"] == "checkpoint_mismatch"


async def test_changing_an_agreement_row_is_named_by_its_ledger_entry(
    market: Market, auditor: Actor, db_sessionmaker
) -> None:
    first, second = await _licences(market, 2)
    async with db_sessionmaker() as session:
        created = {
            e.subject_id: e.seq
            for e in await session.scalars(
                select(LedgerEntry).where(LedgerEntry.action == "agreement.created")
            )
        }

    async def change(session):  # type: ignore[no-untyped-def]
        await session.execute(
            update(Agreement)
            .where(Agreement.number == second["number"])
            .values(text_zh=Agreement.text_zh + "（补充：被许可人可以再许可）")
        )
        await session.execute(
            update(Agreement).where(Agreement.number == first["number"]).values(status="effective")
        )

    report = await _tamper_and_verify(market, auditor, db_sessionmaker, change)
    assert report["ok"] is False
    assert report["first_break"] is None  # the chain itself is intact
    by_reason = {m["reason"]: m for m in report["agreement_mismatches"]}
    assert by_reason["sealed_content_changed"]["seq"] == created[second["id"]]
    status = by_reason["field_differs_from_ledger"]
    assert (status["number"], status["field"]) == (first["number"], "status")
    assert (status["ledger"], status["row"]) == ("notified", "effective")


async def test_deleting_an_agreement_row_is_named(
    market: Market, auditor: Actor, db_sessionmaker
) -> None:
    (only,) = await _licences(market, 1, {"type": "FREE"})

    async def change(session):  # type: ignore[no-untyped-def]
        await session.execute(delete(Agreement).where(Agreement.number == only["number"]))

    report = await _tamper_and_verify(market, auditor, db_sessionmaker, change)
    assert [m["reason"] for m in report["agreement_mismatches"]] == ["agreement_row_missing"]


async def test_statistics_on_a_known_data_set(market: Market, auditor: Actor) -> None:
    trial = {
        "type": "STAGED",
        "stages": [
            {"label": "试用", "duration_months": 6, "standard": {"type": "FREE"}},
            {"label": "正式", "standard": {"type": "LUMP_SUM", "amount_minor": 1_000_000}},
        ],
    }
    paid, unpaid = await _licences(market, 2)  # two lump sums of ¥50,000
    converting, lapsing = await _licences(market, 2, trial)
    await market.pay(paid["id"], "acceptance")
    await market.travel_to("2027-05-23")
    await market.pay(converting["id"], "stage-2-lump_sum")
    rows = (
        await market.client.get(
            "/api/audit/statistics", params={"group_by": "quarter"}, headers=auditor.headers
        )
    ).json()
    assert rows == [
        {
            "group": "2026-Q4",
            "patents_declared": 4,
            "active_declarations": 4,
            "licences_granted": 3,  # paid + two trials; the unpaid one never took effect
            "distinct_smes_served": 0,  # test enterprises have no size data: not SMEs
            "trial_licences": 2,
            "trial_conversions": 1,
            "amount_agreed_minor": 5_000_000 * 2 + 1_000_000 * 2,
            "amount_paid_minor": 5_000_000 + 1_000_000,
            "recordings_overdue": 3,  # all three effective licences were due by 2027-02-23
        }
    ]
    by_university = (
        await market.client.get(
            "/api/audit/statistics", params={"group_by": "university"}, headers=auditor.headers
        )
    ).json()
    assert [r["licences_granted"] for r in by_university] == [3]
    by_fee_type = (
        await market.client.get(
            "/api/audit/statistics", params={"group_by": "fee_type"}, headers=auditor.headers
        )
    ).json()
    assert {r["group"]: r["licences_granted"] for r in by_fee_type} == {"LUMP_SUM": 1, "STAGED": 2}
    indicators = (await market.client.get("/api/audit/indicators", headers=auditor.headers)).json()
    assert indicators["universities_with_licence"] == 1
    assert indicators["enterprises_served"] == 3
    assert indicators["enterprises_served_per_university"][0]["enterprises"] == 3
    del unpaid, lapsing


async def test_exports_stream_csv_and_ndjson_and_the_ledger_verifies_offline(
    market: Market, auditor: Actor, tmp_path: Path, db_sessionmaker, settings: Settings
) -> None:
    made = await _licences(market, 3)
    csv_response = await market.client.get(
        "/api/audit/exports/agreements", params={"format": "csv"}, headers=auditor.headers
    )
    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id,number,status")
    assert all(a["number"] in text for a in made)
    ndjson = await market.client.get(
        "/api/audit/exports/agreements",
        params={"format": "ndjson", "status": "notified"},
        headers=auditor.headers,
    )
    assert [json.loads(line)["number"] for line in ndjson.text.splitlines()] == [
        a["number"] for a in made
    ]

    async with db_sessionmaker.begin() as session:
        await checkpoint(session, settings, force=True)
    ledger = await market.client.get(
        "/api/audit/exports/ledger", params={"format": "ndjson"}, headers=auditor.headers
    )
    key = (await market.client.get("/api/audit/public-key")).json()
    checkpoints = (
        await market.client.get("/api/audit/ledger/checkpoints", headers=auditor.headers)
    ).json()["items"]
    (tmp_path / "ledger.ndjson").write_bytes(ledger.content)
    (tmp_path / "platform.pem").write_text(key["public_key_pem"])
    (tmp_path / "checkpoints.json").write_text(json.dumps(checkpoints))
    command = [
        sys.executable,
        str(ROOT / "verifier/olverify.py"),
        str(tmp_path / "ledger.ndjson"),
        "--public-key",
        str(tmp_path / "platform.pem"),
        "--checkpoints",
        str(tmp_path / "checkpoints.json"),
    ]
    ok = subprocess.run(command, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("OK")
    lines = ledger.text.splitlines()
    forged = json.loads(lines[1])
    forged["action"] = "declaration.forged"
    lines[1] = json.dumps(forged, ensure_ascii=False)
    (tmp_path / "ledger.ndjson").write_text("\n".join(lines) + "\n")
    broken = subprocess.run(command, capture_output=True, text=True, check=False)
    assert broken.returncode == 1
    assert f"seq {forged['seq']}" in broken.stdout + broken.stderr


async def test_every_audit_read_is_logged_for_admins(market: Market, auditor: Actor) -> None:
    await market.client.get(
        "/api/audit/agreements", params={"fee_type": "FREE"}, headers=auditor.headers
    )
    await market.client.get(
        "/api/audit/statistics", headers=market.sme.headers
    )  # refused, still logged
    log = (await market.client.get("/api/audit/access-log", headers=market.admin.headers)).json()
    entries = [(e["path"], e["status_code"], e["query"]) for e in log]
    assert ("/api/audit/agreements", 200, "fee_type=FREE") in entries
    assert ("/api/audit/statistics", 403, None) in entries
    assert (
        await market.client.get("/api/audit/access-log", headers=auditor.headers)
    ).status_code == 403


async def test_parties_cannot_read_and_auditors_cannot_write(
    market: Market, auditor: Actor
) -> None:
    (agreement,) = await _licences(market, 1)
    for actor in (market.tto, market.sme):
        assert (
            await market.client.get("/api/audit/agreements", headers=actor.headers)
        ).status_code == 403
    writes = [
        ("POST", "/api/patents", {}),
        ("POST", f"/api/agreements/{agreement['id']}/payments", {}),
        ("POST", f"/api/agreements/{agreement['id']}/recording", {}),
        ("POST", "/api/organisations", {}),
    ]
    for method, url, body in writes:
        response = await market.client.request(method, url, json=body, headers=auditor.headers)
        assert response.status_code == 403, url


async def test_api_keys_are_rate_limited_with_retry_after(
    settings: Settings, clock: FixedClock, db_sessionmaker: async_sessionmaker, auditor: Actor
) -> None:
    from fakes import FakeSearchEngine
    from openlicense.app import create_app
    from openlicense.settings import AuditSettings

    limited = settings.model_copy(
        update={"audit": settings.audit.model_copy(update={"api_key_requests_per_minute": 3})}
    )
    assert isinstance(limited.audit, AuditSettings)
    app = create_app(limited, clock=clock, search_engine=FakeSearchEngine())
    async with AsyncTestClient(app=app) as client:
        key = (
            await client.post("/api/api-keys", json={"name": "stats"}, headers=auditor.headers)
        ).json()["key"]
        codes = [
            (await client.get("/api/audit/indicators", headers={"X-API-Key": key})).status_code
            for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        limited_response = await client.get("/api/audit/indicators", headers={"X-API-Key": key})
        assert int(limited_response.headers["Retry-After"]) >= 1
        # a person signed in is not limited
        assert (
            await client.get("/api/audit/indicators", headers=auditor.headers)
        ).status_code == 200
    async with db_sessionmaker() as session:
        assert await session.scalar(select(AuditAccess.id).limit(1)) is not None
