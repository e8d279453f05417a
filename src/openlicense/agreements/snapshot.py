"""Build an agreement's frozen snapshot: terms, clauses, parties, patent, notice, schedule.

Everything a court or an IP office needs to read the agreement is copied in, not referenced:
equal treatment (rule 14) requires byte-identical terms, and the seal covers these bytes."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from openlicense.accounts.models import Organisation, User
from openlicense.agreements.sealed import (
    ClausePart,
    NoticePart,
    PatentPart,
    ScheduleItemPart,
    Snapshot,
    StagePart,
)
from openlicense.catalogue.models import Declaration, Patent
from openlicense.clauses.library import ClauseVersion
from openlicense.pricing.schedule import Schedule, ScheduleItem, StagePeriod


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
) -> Snapshot:
    return {
        "agreement_id": str(agreement_id),
        "agreement_number": number,
        "declaration": {
            "id": str(declaration.id),
            "version": declaration.version,
            "terms_hash": declaration.terms_hash,
            "announcement_ref": declaration.announcement_ref,
            "announcement_date": _announced(declaration),
            "terms": declaration.terms,
        },
        "patent": _patent(patent),
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
        "notice": _notice(notice),
        "licence": {
            "start": schedule.licence_start.isoformat(),
            "end": schedule.licence_end.isoformat(),
        },
        "stages": [_stage(s) for s in schedule.stages],
        "schedule": [schedule_item_json(item) for item in schedule.items],
        "clauses": [_clause(c) for c in clauses],
    }


def _patent(patent: Patent) -> PatentPart:
    return {
        "id": str(patent.id),
        "application_number": patent.application_number,
        "patent_number": patent.patent_number,
        "patent_type": patent.patent_type.value,
        "title_zh": patent.title_zh,
        "title_en": patent.title_en,
        "filing_date": _iso(patent.filing_date),
        "expiry_date": patent.expiry_date.isoformat(),
        "ipc_codes": list(patent.ipc_codes),
    }


def _notice(notice: Notice) -> NoticePart:
    return {
        "user_id": str(notice.user.id),
        "user_email": notice.user.email,
        "user_name": notice.user.display_name,
        "notified_at": notice.at.isoformat(),
        "ip": notice.ip,
        "user_agent": notice.user_agent,
        "idempotency_key": notice.idempotency_key,
    }


def _stage(stage: StagePeriod) -> StagePart:
    return {
        "index": stage.index,
        "label": stage.label,
        "start": stage.start.isoformat(),
        "end": stage.end.isoformat(),
        "fee_type": stage.fee_type,
        "is_trial": stage.is_trial,
    }


def _clause(clause: ClauseVersion) -> ClausePart:
    return {
        "key": clause.key,
        "option": clause.option,
        "version": clause.version,
        "title_zh": clause.title_zh,
        "title_en": clause.title_en,
        "text_zh": clause.text_zh,
        "text_en": clause.text_en,
        "legal_anchor": clause.legal_anchor,
    }


def schedule_item_json(item: ScheduleItem) -> ScheduleItemPart:
    return {
        "key": item.key,
        "kind": item.kind.value,
        "due_date": item.due_date.isoformat(),
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


def _announced(declaration: Declaration) -> str:
    """Only a published declaration can be accepted, and it always has its announcement date."""
    if declaration.announcement_date is None:
        raise ValueError(f"declaration {declaration.id} was never announced")
    return declaration.announcement_date.isoformat()
