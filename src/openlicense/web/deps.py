"""Dependencies of the page handlers. The services themselves (accounts, patents, declarations,
acceptance, obligations, payments) are the app-level providers the JSON API uses too."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import Provide

from openlicense.web.i18n import Translator
from openlicense.web.jinja import request_translator


async def provide_tr(request: Request[Any, Any, Any]) -> Translator:
    return request_translator(request)


DEPENDENCIES = {"tr": Provide(provide_tr)}
