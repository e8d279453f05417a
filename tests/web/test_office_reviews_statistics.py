"""An IP-office auditor opens the statistics (charts with tables beside them), regroups them,
opens an agreement down to its sealed contract, verifies the ledger and exports the data."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from playwright.async_api import expect

from web.browsing import Visitor


async def test_auditor_opens_statistics_and_an_agreement(visitor: Visitor) -> None:
    page = visitor.page
    await visitor.login("auditor@cnipa.test")
    await expect(page.get_by_role("heading", level=1)).to_have_text("开放许可统计")
    for chart in ("activity", "money"):  # ECharts drew an SVG beside each table
        await expect(page.locator(f'[data-chart-key="{chart}"] svg')).to_have_count(1)
    table = page.locator("#activity-table")
    await expect(table.locator("thead")).to_contain_text("达成许可数")
    assert await table.locator("tbody tr").count() >= 1
    await expect(page.locator("main")).to_contain_text("“千校万企”指标")
    await page.locator("#ind-title").scroll_into_view_if_needed()
    await page.evaluate(
        "window.scrollBy(0, document.querySelector('#ind-title').getBoundingClientRect().top - 16)"
    )
    await visitor.shot("statistics")

    await page.get_by_label("分组方式").select_option("fee_type")
    await page.get_by_role("button", name="显示").click()
    await expect(page.locator("#activity-table tbody")).to_contain_text("免费")

    async with page.expect_download() as download:
        await page.get_by_role("link", name="导出 CSV").click()
    saved = Path(await (await download.value).path())
    text = (await asyncio.to_thread(saved.read_bytes)).decode("utf-8-sig")
    assert text.startswith("group,patents_declared,")
    assert "FREE" in text

    await page.get_by_role("link", name="许可合同").first.click()
    await page.get_by_label("付费方式").select_option("FREE")
    await page.get_by_role("button", name="筛选").click()
    first = page.locator("main table tbody tr a").first
    number = await first.inner_text()
    await first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"许可合同 {number}")
    await expect(page.locator("main")).to_contain_text("封存完好")
    await expect(page.locator("article.contract")).to_contain_text("专利开放许可实施合同")
    await expect(page.locator("article.contract")).to_contain_text(number)

    await page.goto("/office/ledger")
    await page.get_by_role("link", name="立即校验").click()
    await expect(page.locator("#verification")).to_contain_text("校验通过")
    await expect(page.locator("main")).to_contain_text(re.compile(r"[0-9a-f]{64}"))

    # The agreement export takes the list page's filters: blank means any, unknown is a 400 page.
    blank = await page.request.get("/office/exports/agreements.csv?status=&fee_type=FREE")
    assert blank.status == 200 and "FREE" in (await blank.text())
    for bad in ("status=nonsense", "fee_type=NOPE"):
        refused = await page.request.get(f"/office/exports/agreements.csv?{bad}")
        assert refused.status == 400, bad
