"""Page flows that need time to pass or several parties (no browser; both databases): ending a
trial, a royalty report previewed then filed, a bank transfer confirmed by the licensor, a
recording filed, a patent form refused beside its field, a university verified."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import application_number, make_actor
from fakes import FakeSearchEngine
from licensing import Market, make_market
from openlicense.accounts.models import OrganisationKind
from openlicense.core.clock import FixedClock
from web.pages import browser_like, post_form, sign_in

PERIOD = {"licence_start": "2026-11-23", "licence_end": "2028-11-22"}
TRIAL = {
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


@pytest.fixture
async def sme(client: AsyncTestClient, market: Market) -> AsyncIterator[AsyncTestClient]:
    async with browser_like(client) as person:
        await sign_in(person, market.sme.email)
        yield person


@pytest.fixture
async def tto(client: AsyncTestClient, market: Market) -> AsyncIterator[AsyncTestClient]:
    async with browser_like(client) as person:
        await sign_in(person, market.tto.email)
        yield person


async def test_sme_ends_a_trial_from_the_agreement_page(
    market: Market, sme: AsyncTestClient
) -> None:
    agreement = (await market.accept((await market.declare(TRIAL, **PERIOD))["id"])).json()
    path = f"/agreements/{agreement['id']}"
    assert "结束试用并终止许可" in (await sme.get(path)).text
    ended = await post_form(sme, f"{path}/end-trial", {}, form_page=path)
    assert ended.status_code == 303
    page = await sme.get(ended.headers["location"])
    assert "试用已结束" in page.text and "已结束" in page.text
    assert (await market.agreement(agreement["id"]))["status"] == "ended"
    again = await post_form(sme, f"{path}/end-trial", {}, form_page=path)
    assert again.status_code == 409 and "只有有效的许可才能结束试用" in again.text


async def test_sme_previews_then_files_a_royalty_report(
    market: Market, sme: AsyncTestClient
) -> None:
    agreement = (await market.accept((await market.declare(ROYALTY, **PERIOD))["id"])).json()
    first = next(e for e in agreement["entries"] if e["kind"] == "royalty")
    await market.travel_to("2027-02-23")
    path = f"/agreements/{agreement['id']}/report"
    data = {"entry_key": first["key"], "base": "100000", "action": "preview"}
    preview = await post_form(sme, path, data, form_page=path)
    assert preview.status_code == 200
    assert re.search(r'id="computed-amount">¥5,000<', preview.text)  # 5 % of ¥100,000
    assert (await market.agreement(agreement["id"]))["entries"][0]["status"] == "awaiting_report"
    changed = {**data, "base": "200000", "action": "submit", "previewed": "100000"}
    again = await post_form(sme, path, changed, form_page=path)
    assert again.status_code == 200 and "1 万元" in again.text  # a changed amount: preview again
    submitted = {**changed, "previewed": "200000"}
    filed = await post_form(sme, path, submitted, form_page=path)
    assert filed.status_code == 303 and filed.headers["location"].endswith("?done=reported")
    entry = next(
        e for e in (await market.agreement(agreement["id"]))["entries"] if e["key"] == first["key"]
    )
    assert (entry["status"], entry["amount_minor"]) == ("scheduled", 1_000_000)


async def test_tto_confirms_a_bank_transfer_and_either_party_records_the_licence(
    market: Market, tto: AsyncTestClient, sme: AsyncTestClient
) -> None:
    declaration = await market.declare({"type": "LUMP_SUM", "amount_minor": 5_000_000}, **PERIOD)
    agreement = (await market.accept(declaration["id"])).json()
    path = f"/agreements/{agreement['id']}"
    page = (await tto.get(path)).text
    assert "确认收款" in page
    confirm = {"entry_key": "acceptance", "amount": "50000.00", "reference": "BANK-1",
               "received_on": "2026-11-23"}  # fmt: skip
    done = await post_form(tto, f"/tto{path}/payments", confirm, form_page=path)
    assert done.status_code == 303, done.text
    assert (await market.agreement(agreement["id"]))["status"] == "effective"
    record = {"cnipa_reference": "2026990000123", "filed_on": "2026-11-23"}
    filed = await post_form(sme, f"{path}/recording", record, form_page=path)
    assert filed.status_code == 303
    assert "已于2026年11月23日备案" in (await sme.get(path)).text


async def test_patent_form_shows_the_error_beside_its_field(tto: AsyncTestClient) -> None:
    form = {
        "application_number": "202110123456.0",  # wrong check character
        "patent_type": "invention",
        "title_zh": "一种测试专利",
        "ipc_codes": "H01M 4/36",
        "inventors": "张三",
        "filing_date": "2021-03-01",
        "technology_field": "new_energy",
        "co_owners": "测试大学",
    }
    response = await post_form(tto, "/tto/patents/new", form, form_page="/tto/patents/new")
    assert response.status_code == 422
    assert 'id="f-application_number" name="application_number"' in response.text
    assert re.search(r'id="e-application_number">校验位错误：应为 \w<', response.text)
    assert 'aria-invalid="true"' in response.text


async def test_patent_form_refuses_a_catalogued_number_and_a_bad_edit(
    tto: AsyncTestClient, market: Market
) -> None:
    number = application_number()
    form = {
        "application_number": number,
        "patent_type": "invention",
        "title_zh": "一种测试专利",
        "ipc_codes": "H01M 4/36",
        "inventors": "张三",
        "filing_date": "2021-03-01",
        "technology_field": "new_energy",
        "co_owners": "测试大学",
    }
    created = await post_form(tto, "/tto/patents/new", form, form_page="/tto/patents/new")
    assert created.status_code == 303
    edit = created.headers["location"].split("?")[0] + "/edit"
    again = await post_form(tto, "/tto/patents/new", form, form_page="/tto/patents/new")
    assert again.status_code == 409  # the same number twice: said beside the number
    assert 'id="e-application_number"' in again.text
    bad = await post_form(tto, edit, {**form, "ipc_codes": "not an IPC code"}, form_page=edit)
    assert bad.status_code == 422 and 'id="e-ipc_codes"' in bad.text
    fine = await post_form(tto, edit, {**form, "title_zh": "一种改过名的测试专利"}, form_page=edit)
    assert fine.status_code == 303 and fine.headers["location"].endswith("?done=updated")


async def test_admin_verifies_a_self_registered_university(
    client: AsyncTestClient, market: Market, db_sessionmaker: async_sessionmaker
) -> None:
    signup = {
        "email": "new@uni.test",
        "password": "Tech-transfer-2026",
        "display_name": "新老师",
        "organisation": {"name": "新建理工大学", "kind": "university"},
    }
    org_id = (await market.client.post("/api/auth/register", json=signup)).json()["organisation_id"]
    admin = await make_actor(db_sessionmaker, OrganisationKind.PLATFORM)
    async with browser_like(client) as person:
        await sign_in(person, admin.email)
        pending = await person.get("/admin?pending=true")
        assert "新建理工大学" in pending.text and "待审核" in pending.text
        page = f"/admin/organisations/{org_id}"
        verified = await post_form(person, f"{page}/verify", {}, form_page=page)
        assert verified.status_code == 303
        assert "已审核" in (await person.get(page)).text
        assert "新建理工大学" not in (await person.get("/admin?pending=true")).text
    assert uuid.UUID(org_id)


async def test_pages_say_so_when_search_is_down(
    client: AsyncTestClient, search_engine: FakeSearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the catalogue needs the search engine; without it the home page still opens (no "latest"
    # list) and the catalogue answers 503 with a sentence, never a 500
    monkeypatch.setattr(search_engine, "down", True)  # the engine is shared: restored after
    async with browser_like(client) as visitor:
        home = await visitor.get("/")
        catalogue = await visitor.get("/patents?q=电池")
    assert home.status_code == 200 and "开放许可" in home.text
    assert catalogue.status_code == 503
    assert "<form" in catalogue.text  # the search form is still there to try again
