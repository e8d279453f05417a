"""Service methods the web pages need beside the API's: contract preview, royalty preview, ending
a trial, agreement lists with their next obligations, a licensor's totals (agreements) and a
university's portfolio and dry-run declaration check (catalogue)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import Actor, patent_payload, terms_payload
from licensing import Market, make_market
from openlicense.accounts.models import ROLE_FOR_KIND, OrganisationKind
from openlicense.accounts.principal import Principal
from openlicense.agreements.rules import LifecycleConfig
from openlicense.agreements.schemas import RoyaltyReportIn
from openlicense.agreements.service import (
    AcceptanceService,
    ObligationService,
    agreement_lines,
    licensor_totals,
    recording_lines,
)
from openlicense.catalogue.rules import RuleConfig
from openlicense.catalogue.service import DeclarationService, portfolio
from openlicense.catalogue.terms import DeclarationTerms
from openlicense.core.clock import FixedClock
from openlicense.core.errors import Conflict, Forbidden
from openlicense.settings import RulesSettings

PERIOD = {"licence_start": "2026-11-23", "licence_end": "2028-11-22"}
STAGED_TRIAL = {
    "type": "STAGED",
    "stages": [
        {"label": "试用期", "duration_months": 6, "standard": {"type": "FREE"}},
        {"label": "正式期", "standard": {"type": "LUMP_SUM", "amount_minor": 2_000_000}},
    ],
}
ROYALTY = {
    "type": "ROYALTY",
    "base": "net_sales",
    "rate": "0.05",
    "reporting_period": "quarterly",
    "payable_on_acceptance_minor": 0,
}


@pytest.fixture
async def market(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> Market:
    return await make_market(client, db_sessionmaker, clock)


def principal(actor: Actor, kind: OrganisationKind) -> Principal:
    return Principal(actor.user_id, ROLE_FOR_KIND[kind], actor.organisation_id, kind)


def sme(market: Market) -> Principal:
    return principal(market.sme, OrganisationKind.ENTERPRISE)


def tto(market: Market) -> Principal:
    return principal(market.tto, OrganisationKind.UNIVERSITY)


async def test_trial_ends_and_cancels_the_paid_stage_when_ended_inside_the_trial(
    market: Market,
) -> None:
    declaration = await market.declare(STAGED_TRIAL, **PERIOD)
    agreement = (await market.accept(declaration["id"])).json()
    await market.travel_to("2027-02-01")
    async with market.sessionmaker.begin() as session:
        obligations = ObligationService(session, clock=market.clock)
        ended = await obligations.end_trial(sme(market), uuid.UUID(agreement["id"]))
        assert ended.status.value == "ended"
        assert ended.status_reason == "trial_ended_by_licensee"
        assert {e.key: e.status.value for e in ended.entries} == {"stage-2-lump_sum": "cancelled"}
    async with market.sessionmaker() as session:
        with pytest.raises(Conflict) as refused:
            await ObligationService(session, clock=market.clock).end_trial(
                sme(market), uuid.UUID(agreement["id"])
            )
    assert refused.value.instance_code == "not_live"
    events = (
        await market.client.get(
            f"/api/agreements/{agreement['id']}/events", headers=market.sme.headers
        )
    ).json()
    assert events[-1]["key"] == "ended-trial_ended_by_licensee"


async def test_trial_cannot_end_when_the_paid_stage_started_or_there_is_no_trial(
    market: Market,
) -> None:
    trial = (await market.accept((await market.declare(STAGED_TRIAL, **PERIOD))["id"])).json()
    lump = await market.declare({"type": "LUMP_SUM", "amount_minor": 100_000}, **PERIOD)
    plain = (await market.accept(lump["id"])).json()
    await market.travel_to("2027-05-23")
    async with market.sessionmaker() as session:
        obligations = ObligationService(session, clock=market.clock)
        for agreement_id, code in ((trial["id"], "trial_over"), (plain["id"], "no_trial")):
            with pytest.raises(Conflict) as refused:
                await obligations.end_trial(sme(market), uuid.UUID(agreement_id))
            assert refused.value.instance_code == code
        with pytest.raises(Forbidden):
            await obligations.end_trial(tto(market), uuid.UUID(trial["id"]))


async def test_royalty_preview_computes_without_saving_when_the_period_is_over(
    market: Market,
) -> None:
    agreement = (await market.accept((await market.declare(ROYALTY, **PERIOD))["id"])).json()
    first = next(e for e in agreement["entries"] if e["kind"] == "royalty")
    await market.travel_to("2027-02-23")
    async with market.sessionmaker() as session:
        preview = await ObligationService(session, clock=market.clock).preview_royalty(
            sme(market),
            uuid.UUID(agreement["id"]),
            RoyaltyReportIn(entry_key=first["key"], base_amount=Decimal("10000000")),
        )
    assert (preview.amount_minor, preview.topups_minor) == (500_000, 0)
    fresh = await market.agreement(agreement["id"])
    assert next(e for e in fresh["entries"] if e["key"] == first["key"])["status"] == (
        "awaiting_report"
    )


async def test_contract_preview_is_the_text_acceptance_would_seal_but_for_the_number(
    market: Market,
) -> None:
    declaration = await market.declare(STAGED_TRIAL, **PERIOD)
    config = LifecycleConfig()
    async with market.sessionmaker() as session:
        service = AcceptanceService(session, clock=market.clock, config=config)
        preview = await service.preview(sme(market), uuid.UUID(declaration["id"]))
        with pytest.raises(Forbidden):
            await service.preview(tto(market), uuid.UUID(declaration["id"]))
    agreement = (await market.accept(declaration["id"])).json()
    sealed = (
        await market.client.get(
            f"/api/agreements/{agreement['id']}/contract", headers=market.sme.headers
        )
    ).text
    assert "一种锂离子电池正极材料" in preview.text_zh and "先试用后付费" in preview.text_zh
    assert preview.declaration_version == 1
    assert [s.is_trial for s in preview.schedule.stages] == [True, False]
    # Same clauses and terms: only the number, the agreement id and notice details differ.
    assert preview.text_zh.count("## 第") == sealed.count("## 第")


async def test_agreement_lines_and_licensor_totals_show_what_is_due_next(market: Market) -> None:
    declaration = await market.declare({"type": "LUMP_SUM", "amount_minor": 5_000_000}, **PERIOD)
    agreement = (await market.accept(declaration["id"])).json()
    free = (await market.accept((await market.declare({"type": "FREE"}, **PERIOD))["id"])).json()
    async with market.sessionmaker() as session:
        lines, total = await agreement_lines(session, sme(market))
        totals = await licensor_totals(
            session, market.tto.organisation_id, today=datetime.date(2026, 11, 23)
        )
        tasks = await recording_lines(session, tto(market))
    assert total == 2
    by_id = {str(line.agreement.id): line for line in lines}
    assert by_id[agreement["id"]].next_payment.amount_minor == 5_000_000
    assert by_id[free["id"]].next_payment is None
    assert totals.by_status == {"notified": 1, "effective": 1}
    assert totals.due_soon_minor == 5_000_000 and totals.received_minor == 0
    assert [t.agreement_number for t in tasks] == [free["number"]]


async def test_portfolio_and_dry_run_check_when_a_tto_prepares_a_declaration(
    market: Market,
) -> None:
    created = await market.client.post(
        "/api/patents",
        json=patent_payload(annual_fee_paid_through="2026-12-15"),
        headers=market.tto.headers,
    )
    patent_id = uuid.UUID(created.json()["id"])
    short = DeclarationTerms.model_validate(terms_payload(licence_end="2027-03-01"))
    async with market.sessionmaker() as session:
        service = DeclarationService(
            session, clock=market.clock, rules=RuleConfig.from_settings(RulesSettings())
        )
        violations = await service.check(tto(market), patent_id, short)
        summary = await portfolio(
            session, market.tto.organisation_id, today=datetime.date(2026, 11, 23)
        )
    assert {(v.rule, v.code) for v in violations} == {(9, "licence_period_too_short")}
    assert summary.listings == {"draft": 1}
    assert [(a.reason, str(a.due)) for a in summary.attention] == [("annual_fee_due", "2026-12-15")]
