"""The demo patents as rows of the flat import format (`docs/import-format.md`): realistic input
for the import benchmark (`scripts/bench_bulk.py`) and for trying a large import by hand.

Patent i here is patent i of `seed` (same text, register facts, co-owners), without its
declaration; the rows validate as they are. Import them into a database seeded with
``--patents 0`` (a seeded patent has the same application number)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from openlicense.catalogue.imports import FLAT_COLUMNS, LIST_SEPARATOR
from openlicense.seed.common import _uid
from openlicense.seed.organisations import _organisations_and_users
from openlicense.seed.patents import _build_patent, _World

__all__ = ["FLAT_COLUMNS", "flat_rows"]


def flat_rows(count: int, *, today: dt.date) -> Iterator[dict[str, str]]:
    """Rows 0..count-1, one dict of cell texts per patent, keyed by `FLAT_COLUMNS`."""
    orgs, users, enterprise_fields = _organisations_and_users(today)
    org_ids = {o["id"]: o["id"] for o in orgs}
    user_ids = {u["id"]: u["id"] for u in users}
    world = _World.build(today, orgs, enterprise_fields, org_ids, user_ids)
    for i in range(count):
        bundle = _build_patent(i, _uid(f"patent:{i}"), world)
        yield _flat(bundle.patent, bundle.owners)


def _flat(patent: dict[str, Any], owners: list[dict[str, Any]]) -> dict[str, str]:
    report = patent["evaluation_report"] or {}
    refs = [o["consent_document_ref"] or "" for o in owners]
    cells: dict[str, Any] = {
        **patent,
        "patent_type": patent["patent_type"].value,
        "legal_status": patent["legal_status"].value,
        "pledged": "是" if patent["pledged"] else "否",
        "suspended": "yes" if patent["suspended"] else "no",
        "evaluation_report_reference": report.get("reference"),
        "evaluation_report_issued_on": report.get("issued_on"),
        "evaluation_report_conclusion": report.get("conclusion"),
        "co_owners": LIST_SEPARATOR.join(o["name"] for o in owners),
        "co_owner_consent_refs": LIST_SEPARATOR.join(refs) if any(refs) else None,
    }
    return {column: _cell(cells.get(column)) for column in FLAT_COLUMNS}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
