"""A TTO officer uploads a spreadsheet with one bad row, sees the row's error, fixes the file
and imports it; then declares an open licence on an imported patent, sees a rule violation
with its number in the live check, fixes it and publishes."""

from __future__ import annotations

import csv
import io
import re

from playwright.async_api import expect

from web.browsing import Site, Visitor

GOOD = "202210888001.9"
FIXED = "202210888002.3"
BAD = "202210888002.7"  # wrong check character: it should be 3
TITLES = ("一种低温锂离子电池电解液及其制备方法", "一种高镍正极材料包覆改性方法")


def _csv(second_number: str) -> bytes:
    rows = [
        {
            "application_number": number,
            "patent_type": "invention",
            "title_zh": title,
            "ipc_codes": "H01M 10/0567;H01M 4/36",
            "inventors": "赵敏;钱伟",
            "filing_date": "2022-02-10",
            "grant_date": "2024-03-01",
            "announcement_date": "2024-03-22",
            "annual_fee_paid_through": "2027-02-10",
            "technology_field": "new_energy",
            "keywords": "锂电池;电解液",
            "co_owners": "浙江大学",
            "co_owner_consent_refs": "ZJU-OL-2024-17",
        }
        for number, title in ((GOOD, TITLES[0]), (second_number, TITLES[1]))
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


async def _upload(v: Visitor, content: bytes) -> None:
    page = v.page
    await page.get_by_label(re.compile("^文件")).set_input_files(
        {"name": "patents.csv", "mimeType": "text/csv", "buffer": content}
    )
    await page.get_by_role("button", name="检查并导入").click()
    await page.wait_for_load_state()


async def test_tto_imports_a_spreadsheet_and_declares_an_open_licence(
    visitor: Visitor, site: Site
) -> None:
    page = visitor.page
    await visitor.login("tto@zju.test")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("技术转移工作台")
    await expect(page.locator("main")).to_contain_text("有效的开放许可声明")
    await visitor.shot("tto-dashboard")

    await page.get_by_role("link", name="导入表格").first.click()
    await _upload(visitor, _csv(BAD))
    errors = page.locator("#import-errors")
    await expect(page.locator(".alert.error")).to_contain_text("未导入任何专利")
    await expect(errors.locator("tbody tr")).to_have_count(1)
    row = errors.locator("tbody tr").first
    await expect(row.locator("td").nth(0)).to_have_text("3")  # the header is row 1
    await expect(row.locator("td").nth(1)).to_have_text("application_number")
    await expect(row.locator("td").nth(2)).to_contain_text("校验位错误：应为 3")
    await visitor.shot("tto-import-errors", full_page=True)

    await _upload(visitor, _csv(FIXED))
    await expect(page.locator(".alert.ok")).to_contain_text("已从 patents.csv 导入 2 项专利")

    await page.get_by_role("link", name="查看草稿").click()
    await page.get_by_role("link", name=TITLES[1]).click()
    await page.get_by_role("link", name="声明开放许可").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("声明开放许可")

    await page.get_by_label("一次总算、一次总付").check()
    await page.get_by_label("金额（元）", exact=True).fill("80000")
    await page.get_by_label(re.compile("许可期限截止日")).fill("2027-05-22")  # six months
    check = page.locator("#rule-check")
    await expect(check).to_contain_text("规则 9")
    await expect(check).to_contain_text("许可期限不少于12个月")
    await check.scroll_into_view_if_needed()
    await visitor.shot("tto-declare-rule-check")

    await page.get_by_label(re.compile("许可期限截止日")).fill("2029-11-22")
    await expect(check).to_contain_text("全部通过")
    await page.get_by_label(re.compile("本人保证声明内容")).check()
    await page.get_by_role("button", name="发布声明").click()
    await page.wait_for_url(re.compile(r"/tto/patents/[0-9a-f-]+\?done=declared"))
    await expect(page.locator(".alert.ok")).to_contain_text("开放许可声明已发布")
    await expect(page.locator("main table")).to_contain_text("已公告")
    await expect(page.locator("main table")).to_contain_text("一次性")
