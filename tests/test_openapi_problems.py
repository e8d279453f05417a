"""The OpenAPI schema documents each operation's problem responses, and bounds every query
parameter (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def _schema(client: AsyncTestClient) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in schema["paths"].items()
        if path.startswith("/api")
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


async def test_every_api_operation_documents_its_problem_responses(
    client: AsyncTestClient,
) -> None:
    schema = await _schema(client)
    assert "Problem" in schema["components"]["schemas"]
    for path, method, op in _operations(schema):
        codes = set(op["responses"])
        assert {"400", "401", "404", "422", "503"} <= codes, (method, path)
        if method != "get":
            assert "409" in codes, (method, path)
        problem = op["responses"]["422"]["content"]["application/problem+json"]
        assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}
        assert problem["examples"], (method, path)


async def test_public_reads_do_not_claim_403(client: AsyncTestClient) -> None:
    schema = await _schema(client)
    assert "403" not in schema["paths"]["/api/patents"]["get"]["responses"]
    assert "403" in schema["paths"]["/api/patents"]["post"]["responses"]


MINE = ("/api/patents", "/api/declarations", "/api/offers", "/api/agreements", "/api/inventor")
"""Catalogue and licensing operations; search, payments and the audit API bound theirs in their
own issues."""


async def test_every_query_parameter_is_bounded(client: AsyncTestClient) -> None:
    """Strings have a max length, numbers bounds, or the value is an enum, a date, a uuid or a
    boolean: nothing the server would refuse is accepted by the schema."""
    schema = await _schema(client)
    loose = []
    for path, method, op in _operations(schema):
        if not path.startswith(MINE):
            continue
        for param in op.get("parameters", []):
            if param["in"] != "query":
                continue
            if not _bounded(param["schema"]):
                loose.append((method, path, param["name"]))
    assert loose == []


def _bounded(schema: dict[str, Any]) -> bool:
    options = schema.get("oneOf") or schema.get("anyOf")
    if options:  # keywords beside oneOf (maxLength, maximum …) apply to every option
        outer = {k: v for k, v in schema.items() if k not in {"oneOf", "anyOf"}}
        return all(_bounded({**outer, **o}) for o in options)
    kind = schema.get("type")
    if "enum" in schema or "const" in schema or kind in {"boolean", "null"}:
        return True
    if kind == "string" and (
        schema.get("format") in {"date", "uuid", "date-time"} or "maxLength" in schema
    ):
        return True
    if kind == "string" and "maximum" not in schema:  # a decimal is a string with bounds
        return False
    if kind in {"integer", "number", "string"}:
        return "maximum" in schema and "minimum" in schema
    return "$ref" in schema
