"""Every 4xx/5xx is an RFC 9457 problem: type, title, status, detail, code (+ errors for fields)."""

from __future__ import annotations

from litestar import get
from litestar.testing import AsyncTestClient

from openlicense.accounts.guards import public
from openlicense.problems import problem_details_plugin

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


async def test_unknown_route_is_a_problem(client: AsyncTestClient) -> None:
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json().keys() >= PROBLEM_KEYS


async def test_wrong_method_is_a_problem(client: AsyncTestClient) -> None:
    response = await client.put("/api/patents")
    assert response.status_code == 405
    assert response.json()["status"] == 405


async def test_malformed_json_is_a_4xx_problem(client: AsyncTestClient) -> None:
    response = await client.post(
        "/api/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert response.json().keys() >= PROBLEM_KEYS


async def test_invalid_fields_are_listed(client: AsyncTestClient) -> None:
    response = await client.post("/api/auth/login", json={"email": "not-an-email", "extra": 1})
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert {e["field"] for e in problem["errors"]} >= {"email", "password"}


async def test_unexpected_exception_is_500_without_internals() -> None:
    from litestar import Litestar

    @get("/boom", guards=[public])
    async def boom() -> None:
        raise RuntimeError("secret connection string postgres://admin:pw@db")

    app = Litestar([boom], plugins=[problem_details_plugin()])
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    body = response.text
    assert "secret" not in body and "Traceback" not in body and "RuntimeError" not in body
    assert response.json()["code"] == "internal_error"


async def test_an_unreachable_database_is_503_with_retry_after() -> None:
    """A restart or failover drops connections: the API answers 503 `database_unavailable`
    (retry), the pages a 503 page; anything else unexpected stays a 500."""
    from litestar import Litestar
    from sqlalchemy.exc import InterfaceError, OperationalError, PendingRollbackError

    failures: list[BaseException] = [
        OperationalError("SELECT 1", {}, ConnectionRefusedError("[Errno 111] Connection refused")),
        InterfaceError("SELECT 1", {}, Exception("connection is closed")),
        OperationalError("SELECT 1", {}, Exception("FATAL: the database system is starting up")),
        ConnectionResetError("reset by peer"),
        PendingRollbackError("Can't reconnect until invalid transaction is rolled back."),
    ]
    current: list[BaseException] = []

    @get("/db", guards=[public])
    async def db() -> None:
        raise current[0]

    app = Litestar([db], plugins=[problem_details_plugin()])
    async with AsyncTestClient(app=app) as client:
        for failure in failures:
            current[:] = [failure]
            response = await client.get("/db")
            assert response.status_code == 503, failure
            assert response.json()["code"] == "database_unavailable"
            assert response.headers["retry-after"] == "2"
            assert "Errno" not in response.text and "FATAL" not in response.text
        current[:] = [OperationalError("SELECT 1", {}, Exception("syntax error at or near"))]
        assert (await client.get("/db")).status_code == 500
