"""Browser-test helpers: the live site's data, a visitor (browser context) and its checks.

The app on a live port with the demo data, driven by Debian's Chromium.

One server and one browser serve the whole session. The server runs on SQLite only: the pages
call the same services as the API, whose every test already runs on SQLite and PostgreSQL; the
browser journeys test what the pages add (forms, language, htmx, layout), which the database
does not change. Each test gets a fresh browser context (its own cookies); every request to a
host other than the server fails the test (no CDN, no web font, no tracker)."""

from __future__ import annotations

import datetime
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page
from sqlalchemy import select

from openlicense.accounts.models import OrganisationKind, Role, User
from openlicense.accounts.principal import Principal
from openlicense.app import make_document_source, make_search_engine
from openlicense.catalogue.rules import RuleConfig
from openlicense.catalogue.schemas import PatentCreate
from openlicense.catalogue.service import DeclarationService, PatentService
from openlicense.catalogue.terms import DeclarationTerms
from openlicense.core.clock import FixedClock
from openlicense.db import sqlalchemy_config
from openlicense.search.reindex import reindex
from openlicense.seed.generate import DEMO_PASSWORD, seed
from openlicense.seed.licences import seed_licences
from openlicense.settings import (
    AuditSettings,
    AuthSettings,
    DatabaseSettings,
    LifecycleSettings,
    SearchSettings,
    Settings,
)

CHROMIUM = "/usr/lib/chromium/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TODAY = datetime.date(2026, 11, 23)
NOW = datetime.datetime(2026, 11, 23, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Beijing
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PASSWORD = DEMO_PASSWORD
GRAPHENE_TITLE = "一种石墨烯增强导热聚合物复合材料及其制备方法"
GRAPHENE_NUMBER = "202110999001.1"
XSS_TITLE = "<script>alert(1)</script>"
XSS_NUMBER = "202110999002.6"


@dataclass
class Site:
    url: str
    settings: Settings
    ids: dict[str, str] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def site_settings(root: Path) -> Settings:
    return Settings(
        environment="test",
        database=DatabaseSettings(url=f"sqlite+aiosqlite:///{root / 'web.sqlite3'}"),
        auth=AuthSettings(jwt_secret="web-test-secret-web-test-secret-0123456789"),
        data_dir=root,
        lifecycle=LifecycleSettings(worker_enabled=False),
        search=SearchSettings(worker_enabled=True, worker_interval_seconds=0.5),
        audit=AuditSettings(
            signing_key="b3BlbmxpY2Vuc2UtdGVzdC1zaWduaW5nLWtleS0wMDE=", checkpoint_every=10
        ),
        _env_file=None,  # type: ignore[call-arg]
    )


def _patent(number: str, title: str, **extra: Any) -> PatentCreate:
    return PatentCreate.model_validate(
        {
            "application_number": number,
            "patent_type": "invention",
            "title_zh": title,
            "title_en": extra.pop("title_en", None),
            "abstract_zh": extra.pop("abstract_zh", None),
            "ipc_codes": ["C08K 3/04", "C08L 23/06"],
            "inventors": ["陈明", "刘洋"],
            "filing_date": "2021-06-01",
            "grant_date": "2023-08-01",
            "announcement_date": "2023-08-20",
            "annual_fee_paid_through": "2027-06-01",
            "technology_field": "new_materials",
            "trl": 6,
            "application_scenarios": ["新能源汽车电池包", "电子器件散热"],
            "keywords": ["石墨烯", "导热", "复合材料"],
            "co_owners": [
                {
                    "name": "浙江大学",
                    "consents_to_open_licence": True,
                    "consent_document_ref": "ZJU-OL-9",
                }
            ],
            **extra,
        }
    )


TRIAL_THEN_ROYALTY = {
    "type": "STAGED",
    "stages": [
        {"label": "试用期（先试用后付费）", "duration_months": 6, "standard": {"type": "FREE"}},
        {
            "label": "正式许可期",
            "duration_months": None,
            "standard": {
                "type": "ROYALTY",
                "base": "net_sales",
                "rate": "0.03",
                "reporting_period": "quarterly",
                "payable_on_acceptance_minor": 0,
            },
        },
    ],
}


async def _extras(session_maker: Any, settings: Settings, clock: FixedClock) -> dict[str, str]:
    """Two patents of 浙江大学 the journeys rely on: a graphene patent with a staged licence
    (free trial, then a royalty), and one whose title is a script (it must render as text)."""
    async with session_maker() as session, session.begin():
        user = await session.scalar(select(User).where(User.email == "tto@zju.test"))
        assert user is not None
        tto = Principal(
            user.id, Role.TTO_OFFICER, user.organisation_id, OrganisationKind.UNIVERSITY
        )
        patents = PatentService(session, clock=clock)
        declarations = DeclarationService(
            session, clock=clock, rules=RuleConfig.from_settings(settings.rules)
        )
        ids = {}
        for key, number, title, standard in (
            ("graphene", GRAPHENE_NUMBER, GRAPHENE_TITLE, TRIAL_THEN_ROYALTY),
            ("xss", XSS_NUMBER, XSS_TITLE, {"type": "FREE"}),
        ):
            extra = {"title_en": "Graphene-reinforced thermally conductive polymer composite"}
            if key == "xss":
                extra = {"abstract_zh": "<img src=x onerror=alert(2)> 摘要"}
            patent = await patents.create(tto, _patent(number, title, **extra))
            terms = DeclarationTerms.model_validate(
                {
                    "fee_standard": standard,
                    "licence_start": TODAY.isoformat(),
                    "licence_end": "2031-11-22",
                    "payment_channels": ["bank_transfer"],
                }
            )
            draft = await declarations.draft(tto, patent.id, terms)
            await declarations.publish(tto, draft.id)
            ids[key] = str(patent.id)
            ids[f"{key}_declaration"] = str(draft.id)
        return ids


async def prepare_site(settings: Settings, clock: FixedClock) -> dict[str, str]:
    config = sqlalchemy_config(settings)
    session_maker = config.create_session_maker()
    try:
        await seed(session_maker, patents=160, today=TODAY)
        await seed_licences(session_maker, count=24, today=TODAY)
        ids = await _extras(session_maker, settings, clock)
        engine = make_search_engine(settings)
        try:
            await reindex(session_maker, engine, make_document_source(), today=TODAY)
        finally:
            await engine.close()
        return ids
    finally:
        await config.get_engine().dispose()


class Visitor:
    """A browser context on the site: its page, and what it asked of other hosts."""

    def __init__(self, context: BrowserContext, page: Page, site: Site) -> None:
        self.context = context
        self.site = site
        self.page = page
        self.foreign: list[str] = []
        self.console_errors: list[str] = []
        context.on("request", self._request)
        page.on("console", self._console)

    @classmethod
    async def open(cls, browser: Browser, site: Site, **options: Any) -> Visitor:
        context = await new_context(browser, site, **options)
        return cls(context, await context.new_page(), site)

    def _request(self, request: Any) -> None:
        if not request.url.startswith((self.site.url, "data:", "blob:", "about:")):
            self.foreign.append(request.url)

    def _console(self, message: Any) -> None:
        if message.type == "error" and "status of 4" not in message.text:
            self.console_errors.append(message.text)

    async def login(self, email: str, *, then: str | None = None) -> None:
        """Sign in on the sign-in page (where a protected page sent us, or a fresh one)."""
        page = self.page
        if "/login" not in page.url or then:
            await page.goto("/login" + (f"?next={then}" if then else ""))
        await page.locator("#f-email").fill(email)
        await page.locator("#f-password").fill(PASSWORD)
        await page.locator("main form button[type=submit]").click()
        await page.wait_for_load_state()
        assert "/login" not in page.url, await page.locator("main").inner_text()

    async def shot(self, name: str, *, full_page: bool = False) -> None:
        """A screenshot for the README and the user guides (docs/screenshots)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    async def axe(self) -> list[dict[str, Any]]:
        """Serious or critical axe-core violations of the current page (empty = fine)."""
        await self.page.add_script_tag(path=str(AXE))
        result = await self.page.evaluate(
            "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }"
        )
        return [v for v in result if v["impact"] in ("serious", "critical")]

    async def close(self) -> None:
        await self.context.close()
        assert self.foreign == [], f"requests to other hosts: {self.foreign}"
        assert self.console_errors == [], self.console_errors


async def new_context(browser: Browser, site: Site, **options: Any) -> BrowserContext:
    settings = {
        "base_url": site.url,
        "locale": "zh-CN",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
        "reduced_motion": "reduce",  # charts drawn at once: screenshots show the final bars
        "extra_http_headers": {"Accept-Language": "zh-CN,zh;q=0.9"},
    }
    settings.update(options)
    return await browser.new_context(**settings)
