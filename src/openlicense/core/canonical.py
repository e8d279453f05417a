"""Canonical JSON: the one byte form that is hashed (contract seals, ledger entries, checkpoints).

Sorted keys, no whitespace, UTF-8, floats refused — money travels as int minor units and rates as
decimal strings, so nothing can drift through binary rounding."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def _refuse_floats(obj: Any, path: str = "$") -> None:
    if isinstance(obj, float):
        raise TypeError(f"floats are not allowed in canonical JSON (at {path}): use int or str")
    if isinstance(obj, dict):
        for key, value in obj.items():
            _refuse_floats(value, f"{path}.{key}")
    elif isinstance(obj, list | tuple):
        for i, value in enumerate(obj):
            _refuse_floats(value, f"{path}[{i}]")


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the bytes that are hashed."""
    _refuse_floats(obj)
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sha256_hex(obj: Any) -> str:
    """SHA-256 (lowercase hex) of the canonical JSON of `obj`."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()
