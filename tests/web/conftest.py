"""Browser tests: one live server with the demo data and one Debian Chromium for the session.

The server runs on SQLite only: the pages call the same services as the API, whose every test
already runs on SQLite and PostgreSQL; the browser journeys test what the pages add (forms,
language, htmx, layout), which the database does not change. Each test gets a fresh browser
context (its own cookies); a request to any other host fails the test."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import uvicorn
from playwright.async_api import Browser, async_playwright

from openlicense.app import create_app
from openlicense.core.clock import FixedClock
from openlicense.db.migrate import alembic_commands
from web.browsing import (
    ARGS,
    CHROMIUM,
    NOW,
    Site,
    Visitor,
    free_port,
    prepare_site,
    site_settings,
)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    root = tmp_path_factory.mktemp("web")
    settings = site_settings(root)
    clock = FixedClock(NOW)
    alembic_commands(settings).upgrade("head")
    ids = asyncio.run(prepare_site(settings, clock))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, clock=clock), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield Site(f"http://127.0.0.1:{port}", settings, ids)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
async def browser(site: Site) -> AsyncIterator[Browser]:
    """Playwright's async API, on the test session's event loop (its sync API would hold a
    loop of its own and stop every async test after it)."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def visitor(browser: Browser, site: Site) -> AsyncIterator[Visitor]:
    person = await Visitor.open(browser, site)
    yield person
    await person.close()


@pytest.fixture
async def new_visitor(browser: Browser, site: Site) -> AsyncIterator[Any]:
    """Make visitors with other options (English, a phone, CSP bypassed for axe)."""
    made: list[Visitor] = []

    async def make(**options: Any) -> Visitor:
        person = await Visitor.open(browser, site, **options)
        made.append(person)
        return person

    yield make
    for person in made:
        await person.close()
