"""An SME finds a graphene patent, filters by fee type, computes a quote, accepts a staged
licence with a free trial in three steps and downloads the sealed PDF — in Chinese, then the
same in English. Each step checks what the person sees."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import expect

from openlicense.web.i18n import translator
from web.browsing import GRAPHENE_TITLE, Site, Visitor

ESTIMATE_YUAN = 1_000_000


async def _projected_total(site: Site) -> int:
    """What the quote service says for the same estimate (the page must show the same)."""
    async with httpx.AsyncClient() as client:
        response = await client.get(
            f"{site.url}/api/offers/{site.ids['graphene_declaration']}/quote",
            params={"estimated_annual_base": ESTIMATE_YUAN * 100},
        )
    assert response.status_code == 200, response.text
    return int(response.json()["projected_total_minor"])


async def _search_and_filter(v: Visitor, words: str, staged_label: str) -> None:
    page = v.page
    box = page.get_by_role("searchbox").first
    await box.fill(words)
    await box.press("Enter")
    await page.wait_for_url(re.compile(r"/patents\?q="))
    await expect(page.locator(".results mark").first).to_be_visible()
    await page.get_by_label(re.compile(staged_label)).check()  # htmx refreshes the results
    await page.wait_for_url(re.compile(r"fee_type=STAGED"))
    badges = page.locator(".results .result .badge.fee")
    await expect(badges.first).to_have_text(staged_label)
    assert set(await badges.all_inner_texts()) == {staged_label}


async def _quote(v: Visitor, label: str, total_text: str) -> None:
    page = v.page
    await page.get_by_label(label).fill(str(ESTIMATE_YUAN))
    await page.locator("#quote button[type=submit]").click()
    await expect(page.locator("#quote")).to_contain_text(total_text)
    await expect(page.locator("#quote-schedule")).to_contain_text("≈")


async def test_sme_searches_filters_quotes_and_accepts_a_trial_licence_in_chinese(
    visitor: Visitor, site: Site
) -> None:
    page = visitor.page
    await page.goto("/")
    assert await page.locator("html").get_attribute("lang") == "zh-CN"
    await expect(page.get_by_role("heading", level=1)).to_have_text("专利开放许可")
    await visitor.shot("home")

    await _search_and_filter(visitor, "石墨烯", "分阶段许可")
    await visitor.shot("catalogue")
    await page.get_by_role("link", name=GRAPHENE_TITLE).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(GRAPHENE_TITLE)
    await expect(page.locator(".facts").first).to_contain_text("ZL 2021 1 0999001.1")
    await expect(page.locator("#offer-title + h3 + p")).to_contain_text("先试用后付费")
    projected = await _projected_total(site)
    await _quote(visitor, "预计年净销售额（元）", translator("zh_CN").money(projected))  # 万元
    await visitor.shot("patent", full_page=True)

    await page.get_by_role("link", name="接受许可").click()  # not signed in: sign in first
    await page.wait_for_url(re.compile("/login"))
    await visitor.login("sme@demo.test")
    await expect(page.locator('.progress [aria-current="step"]')).to_have_text("1 选择方案")
    await expect(page.locator("main")).to_contain_text("免费试用")

    await page.get_by_role("link", name="下一步：阅读合同").click()
    contract = page.locator("article.contract")
    await expect(contract).to_contain_text("专利开放许可实施合同")
    for clause in ("知识产权归属", "后续改进", "许可使用费支付方式、标准"):
        await expect(contract).to_contain_text(clause)
    await page.get_by_role("link", name="English text").click()
    await expect(page.locator("article.contract")).to_contain_text("Patent Open Licence Agreement")

    await page.get_by_role("link", name="下一步：确认").click()
    await expect(page.locator('.progress [aria-current="step"]')).to_have_text("3 确认")
    await page.get_by_label("我已阅读合同，并代表本单位接受。").check()
    await visitor.shot("acceptance")
    await page.get_by_role("button", name="接受许可").dblclick()  # a double click: one licence
    await page.wait_for_url(re.compile(r"/agreements/[0-9a-f-]+\?accepted=1"))
    receipt = page.locator(".alert.ok")
    await expect(receipt).to_contain_text("已接受许可")
    number = await receipt.locator("dd").first.inner_text()
    assert re.fullmatch(r"OLA-2026-[0-9A-F]{10}", number)
    await expect(receipt.locator(".seal")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    await expect(page.locator("main")).to_contain_text("结束试用并终止许可")  # may end the trial
    agreement_url = page.url.split("?")[0]
    await visitor.shot("agreement")

    # "Back" to step 3 and confirm again: still one licence.
    await page.go_back()
    await page.get_by_label("我已阅读合同，并代表本单位接受。").check()
    await page.get_by_role("button", name="接受许可").click()
    await page.wait_for_load_state()
    same = page.url.split("?")[0] == agreement_url
    assert same or "已持有该专利" in await page.inner_text("main")
    await page.goto("/my/agreements")
    await expect(page.get_by_role("cell", name=re.compile(GRAPHENE_TITLE))).to_have_count(1)

    await page.goto(agreement_url)
    async with page.expect_download() as download:
        await page.get_by_role("link", name="下载 PDF").first.click()
    pdf = await download.value
    assert pdf.suggested_filename == f"{number}.pdf"
    content = await asyncio.to_thread(Path(await pdf.path()).read_bytes)
    assert content.startswith(b"%PDF") and len(content) > 10_000

    await page.get_by_role("link", name="校验封存").click()  # htmx: the seal check in place
    await expect(page.locator("#seal-result")).to_contain_text("封存完好")


async def test_the_same_journey_in_english(new_visitor: Any, site: Site) -> None:
    visitor: Visitor = await new_visitor()
    page = visitor.page
    await page.goto("/")
    await page.get_by_role("link", name="English").first.click()  # the switch, remembered
    await page.wait_for_load_state()
    assert await page.locator("html").get_attribute("lang") == "en"
    await page.goto("/patents")
    assert await page.locator("html").get_attribute("lang") == "en"  # the cookie remembers

    await _search_and_filter(visitor, "graphene", "Staged licence")
    await page.get_by_role("link", name=re.compile("Graphene-reinforced")).click()
    await expect(page.locator(".facts").first).to_contain_text("ZL 2021 1 0999001.1")
    await expect(page.locator("#offer-title + h3 + p")).to_contain_text("try before you pay")
    projected = await _projected_total(site)
    await _quote(visitor, "Expected annual net sales (yuan)", translator("en").money(projected))

    await page.get_by_role("link", name="Take this licence").click()
    await visitor.login("member2@ent.test")
    await expect(page.locator('.progress [aria-current="step"]')).to_have_text("1 Choose the offer")
    await page.get_by_role("link", name="Next: read the contract").click()
    await expect(page.locator("article.contract")).to_contain_text("Patent Open Licence Agreement")
    await page.get_by_role("link", name="Next: confirm").click()
    await page.get_by_label(re.compile("I have read the contract and accept it")).check()
    await page.get_by_role("button", name="Accept the licence").click()
    await page.wait_for_url(re.compile(r"\?accepted=1"))
    await expect(page.locator(".alert.ok")).to_contain_text("Accepted.")
    await expect(page.locator("main")).to_contain_text("Free trial")
    async with page.expect_download() as download:
        await page.get_by_role("link", name="Download the PDF").first.click()
    saved = Path(await (await download.value).path())
    assert (await asyncio.to_thread(saved.read_bytes))[:4] == b"%PDF"
