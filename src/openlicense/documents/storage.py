"""Where document bytes live: one small interface, the local file system by default, S3-
compatible object storage (obstore) in production. Keys are opaque (`ab/<uuid>`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import anyio

if TYPE_CHECKING:
    from openlicense.settings import Settings


@runtime_checkable
class DocumentStorage(Protocol):
    name: str

    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files under `root` (default `<data_dir>/documents`), written to a temporary name and
    renamed, so a reader never sees half a file."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key escapes the document root")
        return path

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(path)

        await anyio.to_thread.run_sync(write)

    async def get(self, key: str) -> bytes:
        return await anyio.to_thread.run_sync(self._path(key).read_bytes)

    async def delete(self, key: str) -> None:
        await anyio.to_thread.run_sync(lambda: self._path(key).unlink(missing_ok=True))


def make_document_storage(settings: Settings) -> DocumentStorage:
    docs = settings.documents
    if docs.storage == "s3":
        from openlicense.documents.s3 import S3Storage

        return S3Storage(docs)
    return LocalStorage(docs.local_dir or settings.data_dir / "documents")
