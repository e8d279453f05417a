"""Helpers for page tests without a browser: an HTTPS test client (the session and CSRF cookies
are `Secure`), signing in through the page form, and form posts with the CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar.testing import AsyncTestClient

from builders import PASSWORD


@asynccontextmanager
async def browser_like(api: AsyncTestClient) -> AsyncIterator[AsyncTestClient]:
    """Another visitor of the app `api` serves, with cookies of its own, over HTTPS (the page
    cookies are Secure). It shares `api`'s event loop (its blocking portal) and does not run the
    app's lifespan again: two clients with two loops would share one PostgreSQL pool, whose
    connections belong to the loop that opened them."""
    visitor = AsyncTestClient(
        app=api.app, base_url="https://testserver.local", raise_server_exceptions=False
    )
    visitor.blocking_portal = api.blocking_portal
    yield visitor  # nothing to close: the transport is the app itself


async def csrf_token(client: AsyncTestClient, path: str = "/login") -> str:
    """The token a page form carries: read from the page, as a browser would submit it."""
    html = (await client.get(path)).text
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


async def post_form(
    client: AsyncTestClient, path: str, data: dict[str, Any], *, form_page: str = "/login"
) -> Any:
    token = await csrf_token(client, form_page)
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


async def sign_in(client: AsyncTestClient, email: str, password: str = PASSWORD) -> Any:
    response = await post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 303, response.text
    return response
