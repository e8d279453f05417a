"""S3-compatible object storage for documents, through obstore (a maintained Rust client):
AWS S3, MinIO, Aliyun OSS, Tencent COS. Tested against moto in server mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

import obstore
from obstore.store import S3Store

if TYPE_CHECKING:
    from obstore.store import S3Config

    from openlicense.settings import DocumentSettings


class S3Storage:
    name = "s3"

    def __init__(self, settings: DocumentSettings) -> None:
        if not settings.s3_bucket:
            raise ValueError("documents.s3_bucket must be set for S3 storage")
        endpoint = settings.s3_endpoint
        secret = settings.s3_secret_access_key
        config: S3Config = {"region": settings.s3_region}
        if endpoint:
            config["endpoint"] = endpoint
        if settings.s3_access_key_id:
            config["access_key_id"] = settings.s3_access_key_id
        if secret:
            config["secret_access_key"] = secret.get_secret_value()
        self.store = S3Store(
            settings.s3_bucket,
            config=config,
            client_options={"allow_http": bool(endpoint and endpoint.startswith("http://"))},
        )

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await obstore.put_async(self.store, key, data, attributes={"Content-Type": content_type})

    async def get(self, key: str) -> bytes:
        result = await obstore.get_async(self.store, key)
        return bytes(await result.bytes_async())

    async def delete(self, key: str) -> None:
        await obstore.delete_async(self.store, key)
