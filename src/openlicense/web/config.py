"""App-level pieces the pages need, built from `Settings` for `app.py` to install: the template
engine, the page-session cookie, CSRF protection, the static files and the OpenAPI docs assets.

Secrets come only from `Settings.web.session_secret`; the session key and the CSRF key are
derived from it with different labels, so neither can stand in for the other."""

from __future__ import annotations

import hashlib
import hmac
from functools import cache
from pathlib import Path
from typing import Final

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.openapi.plugins import OpenAPIRenderPlugin, ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from openlicense.settings import Settings
from openlicense.web import jinja

WEB_DIR: Final = Path(__file__).resolve().parent
TEMPLATES: Final = WEB_DIR / "templates"
STATIC: Final = WEB_DIR / "static"
SESSION_COOKIE: Final = "ol_session"
CSRF_COOKIE: Final = "ol_csrf"
NOT_PAGES: Final = ["^/api", "^/webhooks", "^/schema", "^/static", "^/health"]
"""Paths without page sessions (the API keeps bearer tokens; the Stripe webhook is signed)."""
NO_CSRF: Final = ["^/api", "^/webhooks", "^/health"]


def _derive(settings: Settings, label: str) -> bytes:
    secret = settings.web.session_secret.get_secret_value().encode()
    return hmac.new(secret, label.encode(), hashlib.sha256).digest()


def session_config(settings: Settings) -> CookieBackendConfig:
    """An AES-GCM encrypted, HttpOnly, SameSite=Lax cookie holding only the user id and expiry."""
    return CookieBackendConfig(
        secret=_derive(settings, "openlicense page session"),
        key=SESSION_COOKIE,
        max_age=settings.web.session_max_age_seconds,
        secure=settings.web.cookie_secure,
        httponly=True,
        samesite="lax",
        exclude=NOT_PAGES,
    )


def csrf_config(settings: Settings) -> CSRFConfig:
    """Every page form carries the token (`csrf_input`); htmx sends it as a header. The JSON API
    (bearer tokens) and the signed Stripe webhook are outside it."""
    return CSRFConfig(
        secret=_derive(settings, "openlicense csrf").hex(),
        cookie_name=CSRF_COOKIE,
        cookie_secure=settings.web.cookie_secure,
        cookie_httponly=True,
        cookie_samesite="lax",
        exclude=NO_CSRF,
    )


def template_config(settings: Settings) -> TemplateConfig[JinjaTemplateEngine]:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        auto_reload=settings.server.debug,
    )
    jinja.install(env, settings, static_url)
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(env))


@cache
def _digest(relative: str) -> str:
    return hashlib.sha256((STATIC / relative).read_bytes()).hexdigest()[:10]


def static_url(relative: str) -> str:
    """`/static/<path>?v=<content hash>`: safe to cache for long, changes when the file does."""
    return f"/static/{relative}?v={_digest(relative)}"


def static_router() -> Router:
    return create_static_files_router(
        path="/static",
        directories=[STATIC],
        cache_control=CacheControlHeader(max_age=7 * 86400, public=True),
        include_in_schema=False,
    )


def openapi_renderers() -> list[OpenAPIRenderPlugin]:
    """Swagger UI at /schema and Scalar at /schema/scalar, with their files served from here."""
    favicon = f"<link rel='icon' type='image/svg+xml' href='{static_url('favicon.svg')}'>"
    return [
        SwaggerRenderPlugin(
            js_url=static_url("vendor/swagger-ui/swagger-ui-bundle.js"),
            css_url=static_url("vendor/swagger-ui/swagger-ui.css"),
            standalone_preset_js_url=static_url(
                "vendor/swagger-ui/swagger-ui-standalone-preset.js"
            ),
            favicon=favicon,
        ),
        ScalarRenderPlugin(
            path="/scalar",
            js_url=static_url("vendor/scalar/standalone.js"),
            css_url=static_url("scalar.css"),
            favicon=favicon,
            options={"withDefaultFonts": False, "hideClientButton": True},
        ),
    ]
