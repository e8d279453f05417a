"""S3-compatible storage against moto in server mode (a real HTTP S3 API on 127.0.0.1)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from openlicense.documents.s3 import S3Storage
from openlicense.settings import DocumentSettings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket="documents")
    yield endpoint
    server.stop()


async def test_s3_storage_puts_gets_and_deletes(s3_endpoint: str) -> None:
    storage = S3Storage(
        DocumentSettings(
            storage="s3",
            s3_bucket="documents",
            s3_endpoint=s3_endpoint,
            s3_region="us-east-1",
            s3_access_key_id="test",
            s3_secret_access_key="test",  # type: ignore[arg-type]  # pydantic coerces to SecretStr
        )
    )
    await storage.put("ab/one", b"%PDF-1.7 evidence", "application/pdf")
    assert await storage.get("ab/one") == b"%PDF-1.7 evidence"
    await storage.delete("ab/one")
    with pytest.raises(FileNotFoundError):
        await storage.get("ab/one")
