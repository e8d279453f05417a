"""Build an agreement's frozen snapshot: terms, clauses, parties, patent, notice, schedule.

Everything a court or an IP office needs to read the agreement is copied in, not referenced:
equal treatment (rule 14) requires byte-identical terms, and the seal covers these bytes."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from openlicense.accounts.models import Organisation, User
from openlicense.catalogue.models import Declaration, Patent
from openlicense.clauses.library import ClauseVersion
from openlicense.pricing.schedule import Schedule, ScheduleItem


@dataclass(frozen=True)
class Notice:
    """The written notice (PL 51(1)): who, for which organisation, when, from where."""

    user: User
    organisation: Organisation
    at: datetime.datetime
    ip: str | None
    user_agent: str | None
    idempotency_key: str


def agreement_number(agreement_id: uuid.UUID, year: int) -> str:
    return f"OLA-{year}-{agreement_id.hex[-10:].upper()}"


def build_snapshot(
    *,
    agreement_id: uuid.UUID,
    number: str,
    declaration: Declaration,
    patent: Patent,
    licensor: Organisation,
    notice: Notice,
    schedule: Schedule,
    clauses: tuple[ClauseVersion, ...],
) -> dict[str, Any]:
    return {
        "agreement_id": str(agreement_id),
        "agreement_number": number,
        "declaration": {
            "id": str(declaration.id),
            "version": declaration.version,
            "terms_hash": declaration.terms_hash,
            "announcement_ref": declaration.announcement_ref,
            "announcement_date": _iso(declaration.announcement_date),
            "terms": declaration.terms,
        },
        "patent": {
            "id": str(patent.id),
            "application_number": patent.application_number,
            "patent_number": patent.patent_number,
            "patent_type": patent.patent_type.value,
            "title_zh": patent.title_zh,
            "title_en": patent.title_en,
            "filing_date": _iso(patent.filing_date),
            "expiry_date": _iso(patent.expiry_date),
            "ipc_codes": list(patent.ipc_codes),
        },
        "licensor": {
            "organisation_id": str(licensor.id),
            "name": licensor.name,
            "name_en": licensor.name_en,
            "patentees": [o.name for o in patent.co_owners],
        },
        "licensee": {
            "organisation_id": str(notice.organisation.id),
            "name": notice.organisation.name,
            "name_en": notice.organisation.name_en,
            "credit_code": notice.organisation.credit_code,
            "province": notice.organisation.province,
        },
        "notice": {
            "user_id": str(notice.user.id),
            "user_email": notice.user.email,
            "user_name": notice.user.display_name,
            "notified_at": notice.at.isoformat(),
            "ip": notice.ip,
            "user_agent": notice.user_agent,
            "idempotency_key": notice.idempotency_key,
        },
        "licence": {"start": _iso(schedule.licence_start), "end": _iso(schedule.licence_end)},
        "stages": [
            {
                "index": s.index,
                "label": s.label,
                "start": _iso(s.start),
                "end": _iso(s.end),
                "fee_type": s.fee_type,
                "is_trial": s.is_trial,
            }
            for s in schedule.stages
        ],
        "schedule": [schedule_item_json(item) for item in schedule.items],
        "clauses": [
            {
                "key": c.key,
                "option": c.option,
                "version": c.version,
                "title_zh": c.title_zh,
                "title_en": c.title_en,
                "text_zh": c.text_zh,
                "text_en": c.text_en,
                "legal_anchor": c.legal_anchor,
            }
            for c in clauses
        ],
    }


def schedule_item_json(item: ScheduleItem) -> dict[str, Any]:
    return {
        "key": item.key,
        "kind": item.kind.value,
        "due_date": _iso(item.due_date),
        "amount_minor": item.amount_minor,
        "stage_index": item.stage_index,
        "period_start": _iso(item.period_start),
        "period_end": _iso(item.period_end),
        "rate": None if item.rate is None else str(item.rate),
        "base": item.base,
        "description": item.description,
    }


def _iso(day: datetime.date | None) -> str | None:
    return None if day is None else day.isoformat()
