"""The baseline of `make bench`: a bare Litestar app whose one JSON handler answers every path the
benchmark requests, served by uvicorn with the same settings as the openlicense app."""

from __future__ import annotations

from litestar import Litestar, get


@get(["/health", "/api/patents", "/api/patents/{patent_id:str}"], sync_to_thread=False)
def bare() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar(route_handlers=[bare], openapi_config=None)
