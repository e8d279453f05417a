"""Reconciliation checks each session on its own and goes on past the ones Stripe cannot answer
for (issue 11, defect 5); the CLI reports them without a traceback; the server runs it on a
schedule when enabled."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.ext.asyncio import async_sessionmaker

from fakes import FakeSearchEngine
from licensing import Market
from openlicense.cli import main
from openlicense.core.clock import FixedClock
from openlicense.payments.stripe_gateway import StripeGateway
from openlicense.settings import Settings
from payments.conftest import serving
from payments.fake_stripe import FakeStripe
from payments.steps import INSTALMENTS, agreement_for, entry, open_session, reconcile_now


async def three_sessions(market: Market) -> tuple[str, list[str]]:
    agreement = await agreement_for(market, INSTALMENTS)
    keys = ["acceptance", "instalment-2", "instalment-3"]
    return agreement["id"], [await open_session(market, agreement["id"], key) for key in keys]


async def test_reconcile_goes_on_past_sessions_stripe_cannot_answer_for(
    market: Market,
    fake_stripe: FakeStripe,
    stripe_gateway: StripeGateway,
    online_settings: Settings,
    clock: FixedClock,
    db_sessionmaker: async_sessionmaker,
) -> None:
    agreement_id, (erroring, missing, paid) = await three_sessions(market)
    fake_stripe.forget(missing)  # Stripe answers 404 for it
    fake_stripe.complete(paid)  # paid at Stripe; the webhook was lost
    fake_stripe.fail_next(500)  # and Stripe fails on the first session it is asked about

    report = await reconcile_now(db_sessionmaker, stripe_gateway, online_settings, clock)

    assert (report.checked, report.changed) == (1, 1)
    assert [u["session_id"] for u in report.unchecked] == [erroring, missing]
    assert (await entry(market, agreement_id, "instalment-3"))["status"] == "paid"
    again = await reconcile_now(db_sessionmaker, stripe_gateway, online_settings, clock)
    assert (again.checked, [u["session_id"] for u in again.unchecked]) == (1, [missing])


async def test_cli_reconcile_lists_what_it_could_not_check_and_exits_3_without_a_traceback(
    market: Market,
    fake_stripe: FakeStripe,
    online_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    agreement_id, (missing, paid, _) = await three_sessions(market)
    fake_stripe.forget(missing)
    fake_stripe.complete(paid)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    for name, value in {
        "DATABASE__URL": online_settings.database.url,
        "STRIPE__SECRET_KEY": fake_stripe.secret_key,
        "STRIPE__WEBHOOK_SECRET": fake_stripe.webhook_secret,
        "STRIPE__API_BASE": fake_stripe.api_base,
        "STRIPE__MAX_NETWORK_RETRIES": "0",
    }.items():
        monkeypatch.setenv(f"OPENLICENSE_{name}", value)

    result = await asyncio.to_thread(CliRunner().invoke, main, ["payments", "reconcile"])

    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert "checked 2, changed 1" in result.output
    assert f"not checked {missing}" in result.output
    assert (await entry(market, agreement_id, "instalment-2"))["status"] == "paid"


async def test_server_reconciles_on_a_schedule_when_enabled(
    market: Market,
    fake_stripe: FakeStripe,
    stripe_gateway: StripeGateway,
    online_settings: Settings,
    clock: FixedClock,
) -> None:
    from openlicense.app import create_app

    agreement = await agreement_for(market)
    session_id = await open_session(market, agreement["id"])
    fake_stripe.complete(session_id)  # the webhook never arrives
    scheduled = online_settings.model_copy(
        update={
            "stripe": online_settings.stripe.model_copy(
                update={"reconcile_worker_enabled": True, "reconcile_interval_seconds": 0.05}
            )
        }
    )
    app = create_app(
        scheduled, clock=clock, search_engine=FakeSearchEngine(), payment_gateway=stripe_gateway
    )

    async with serving(app):  # the loops run
        for _ in range(200):
            if (await entry(market, agreement["id"]))["status"] == "paid":
                break
            await asyncio.sleep(0.05)

    assert (await market.agreement(agreement["id"]))["status"] == "effective"
