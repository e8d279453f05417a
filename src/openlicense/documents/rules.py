"""What may be stored: the content's real type (sniffed from its first bytes, never the name or
the client's header) and its size. Pure: bytes in, a decision out."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Final

PDF: Final = "application/pdf"
PNG: Final = "image/png"
JPEG: Final = "image/jpeg"
XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOWED: Final = (PDF, PNG, JPEG, XLSX)
SUFFIX: Final = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", XLSX: ".xlsx"}


def sniff(content: bytes) -> str | None:
    """The content type of `content` if it is one we keep (PDF, PNG, JPEG, XLSX), else None.
    An XLSX is a zip whose parts name a workbook; any other zip (or a renamed file) is refused."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
    return None


def clean_filename(name: str, content_type: str) -> str:
    """A safe display name: no path, no control characters, at most 150 characters, with the
    suffix of the sniffed type."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "", base).strip(" .") or "document"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return stem[:150] + SUFFIX[content_type]
