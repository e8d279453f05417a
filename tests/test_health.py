"""GET /health reports database reachability."""

from litestar.testing import AsyncTestClient


async def test_health_reports_database_ok_when_reachable(client: AsyncTestClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"


async def test_health_is_503_when_database_is_unreachable(tmp_path) -> None:
    from openlicense.app import create_app
    from openlicense.settings import DatabaseSettings, Settings

    settings = Settings(
        database=DatabaseSettings(url="postgresql+asyncpg://nobody:x@127.0.0.1:1/none"),
        _env_file=None,  # type: ignore[call-arg]
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        response = await client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"]["status"] == "down"
