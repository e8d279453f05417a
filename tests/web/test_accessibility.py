"""Every page type, for the audience that sees it: axe-core finds no serious or critical
problem, every form field has a label, `<html lang>` is the page's language, nothing needs a
wider screen than a phone's 390 px, and the catalogue's first load stays under 300 KB."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import expect

from web.browsing import GRAPHENE_NUMBER, Site, Visitor

PHONE = {"width": 390, "height": 844}
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


async def _first_link(v: Visitor, path: str, pattern: str) -> str:
    await v.page.goto(path)
    href = await v.page.locator(f"main a[href^='{pattern}']").first.get_attribute("href")
    assert href, f"no link to {pattern} on {path}"
    return href


async def _pages(v: Visitor, site: Site, role: str) -> list[str]:
    graphene = site.ids["graphene"]
    offer = f"/offers/{site.ids['graphene_declaration']}"
    if role == "anonymous":
        return [
            "/",
            "/patents?q=石墨烯",
            "/patents?q=zzzzqqq",  # no results, with the help
            f"/patents/{GRAPHENE_NUMBER}",
            "/universities",
            "/universities/zhejiang-university",
            "/login",
            "/privacy",
            "/no-such-page-here/patents/1",  # the error page
        ]
    if role == "sme@demo.test":
        agreement = await _first_link(v, "/my/agreements", "/agreements/")
        return [offer, f"{offer}/contract", f"{offer}/confirm", "/my/agreements", agreement,
                f"{agreement}/report", "/payments/cancelled"]  # fmt: skip
    if role == "tto@zju.test":
        return ["/tto", "/tto/patents", "/tto/patents/new", f"/tto/patents/{graphene}",
                f"/tto/patents/{graphene}/edit", f"/tto/patents/{graphene}/declare",
                "/tto/import", "/tto/agreements"]  # fmt: skip
    if role == "auditor@cnipa.test":
        agreement = await _first_link(v, "/office/agreements", "/office/agreements/")
        return ["/office", "/office?group_by=province", "/office/agreements", agreement,
                "/office/ledger", "/office/exports"]  # fmt: skip
    organisation = await _first_link(v, "/admin", "/admin/organisations/")
    return ["/admin", organisation]


ROLES = [
    "anonymous",
    "sme@demo.test",
    "tto@zju.test",
    "auditor@cnipa.test",
    "admin@openlicense.test",
]


@pytest.mark.parametrize("role", ROLES)
async def test_every_page_type_passes_axe_and_has_labels(
    new_visitor: Any, site: Site, role: str
) -> None:
    v: Visitor = await new_visitor(bypass_csp=True)  # axe is injected as a script
    if role != "anonymous":
        await v.login(role)
    problems: dict[str, Any] = {}
    for path in await _pages(v, site, role):
        await v.page.goto(path)
        assert await v.page.locator("html").get_attribute("lang") == "zh-CN", path
        if found := await v.axe():
            problems[path] = found
        if unlabelled := await v.page.evaluate(UNLABELLED):
            problems[f"{path} (unlabelled)"] = unlabelled
    assert problems == {}


async def test_english_pages_say_so_and_pass_axe(new_visitor: Any) -> None:
    v: Visitor = await new_visitor(
        bypass_csp=True, locale="en-GB", extra_http_headers={"Accept-Language": "en-GB,en;q=0.8"}
    )
    for path in ("/", "/patents?q=graphene", f"/patents/{GRAPHENE_NUMBER}", "/login"):
        await v.page.goto(path)
        assert await v.page.locator("html").get_attribute("lang") == "en", path
        assert await v.axe() == [], path


@pytest.mark.parametrize(
    "path", ["/", "/patents?q=石墨烯", f"/patents/{GRAPHENE_NUMBER}", "/universities"]
)
async def test_pages_fit_a_390_px_phone(new_visitor: Any, path: str) -> None:
    v: Visitor = await new_visitor(viewport=PHONE, is_mobile=True, has_touch=True)
    await v.page.goto(path)
    assert await v.page.evaluate(OVERFLOW) <= 0, f"{path} scrolls sideways on a phone"
    if path.startswith("/patents?"):  # filters fold into a drawer on phones
        assert await v.page.locator("details.filters").get_attribute("open") is None
        await v.shot("catalogue-phone")


async def test_catalogue_first_load_weighs_under_300_kb(new_visitor: Any) -> None:
    v: Visitor = await new_visitor()
    sizes: dict[str, int] = {}

    async def measure(response: Any) -> None:
        body = await response.body()
        sizes[response.url] = len(body)

    v.page.on("response", measure)
    await v.page.goto("/patents?q=石墨烯", wait_until="networkidle")
    total = sum(sizes.values())
    print(f"catalogue first load: {total} bytes in {len(sizes)} responses")
    assert all(re.match(r"^http://127\.0\.0\.1:\d+/", url) for url in sizes)
    assert total <= 300 * 1024, sizes


async def test_api_docs_render_with_local_assets(new_visitor: Any) -> None:
    v: Visitor = await new_visitor()
    await v.page.goto("/schema", wait_until="networkidle")
    await v.page.get_by_text("openlicense API").first.wait_for()
    await v.page.goto("/schema/scalar", wait_until="networkidle")
    await v.page.get_by_text("openlicense API").first.wait_for()


async def test_phone_navigation_is_one_row_showing_the_current_page(new_visitor: Any) -> None:
    # a TTO has eleven items: on a phone they scroll sideways in one row, the current one shown
    v: Visitor = await new_visitor(viewport=PHONE, is_mobile=True, has_touch=True)
    await v.login("tto@zju.test")
    await v.page.goto("/tto/agreements")
    items = v.page.locator("ul.nav a")
    tops = {round(box["y"]) for box in [await a.bounding_box() for a in await items.all()] if box}
    assert len(tops) == 1, "the navigation wraps onto more rows"
    current = v.page.locator('ul.nav a[aria-current="page"]')
    await expect(current).to_have_count(1)  # 许可合同 only, not the dashboard (/tto) as well
    await expect(current).to_be_in_viewport(ratio=1)
    assert await v.page.evaluate(OVERFLOW) <= 0
