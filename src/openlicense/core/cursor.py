"""Opaque keyset cursors: the sort key of the last row a page showed, as base64url JSON.

Lists page by keyset (`WHERE (sort_key, id) < cursor ORDER BY sort_key, id LIMIT n`), served by
an index at any depth, instead of OFFSET (advanced-alchemy offers offset pagination only). A
cursor that does not decode to the expected kinds is a clear 422, never a 500."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import uuid
from typing import Any

from openlicense.core.errors import Invalid

MAX_LENGTH = 512
CursorValue = datetime.datetime | datetime.date | uuid.UUID | int | str


class InvalidCursor(Invalid):
    code = "invalid_cursor"


def encode_cursor(*values: CursorValue) -> str:
    text = [v.isoformat() if isinstance(v, datetime.date) else str(v) for v in values]
    return base64.urlsafe_b64encode(json.dumps(text).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *kinds: type[Any]) -> tuple[Any, ...]:
    """The cursor's values converted to `kinds` (datetime, date, UUID, int or str)."""
    try:
        if len(cursor) > MAX_LENGTH:
            raise ValueError("too long")
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(kinds):
            raise ValueError("wrong shape")
        return tuple(_convert(value, kind) for value, kind in zip(raw, kinds, strict=True))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor("The cursor is not valid; start again without it.") from exc


def _convert(value: Any, kind: type[Any]) -> Any:
    if not isinstance(value, str):
        raise TypeError("cursor values are strings")
    if kind is datetime.datetime:
        moment = datetime.datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
    if kind is datetime.date:
        return datetime.date.fromisoformat(value)
    if kind is uuid.UUID:
        return uuid.UUID(value)
    if kind is int:
        return int(value)
    return value
