"""Exit 0 when a PostgreSQL server answers at the test URL with its credentials (make test then
needs no local server): `python scripts/postgres_answers.py [URL]`."""

from __future__ import annotations

import asyncio
import os
import sys

import asyncpg
from sqlalchemy.engine import make_url

DEFAULT = "postgresql+asyncpg://openlicense:openlicense@127.0.0.1:5432/openlicense_test"


async def _answers(url: str) -> bool:
    parsed = make_url(url)
    try:
        connection = await asyncpg.connect(
            user=parsed.username,
            password=parsed.password,
            host=parsed.host or "127.0.0.1",
            port=parsed.port or 5432,
            database="postgres",
            timeout=5,
        )
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await connection.close()
    return True


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("OPENLICENSE_TEST_POSTGRES_URL")
    sys.exit(0 if asyncio.run(_answers(target or DEFAULT)) else 1)
