"""Correcting a patent's co-owners and their consents (rule 7) while nothing relies on them.

Before any declaration of the patent is published, a TTO may correct a wrongly recorded co-owner
or consent. The old list is kept in the audit ledger (`patent.co_owners_corrected`, before and
after); an unchanged owner keeps the time its consent was first recorded. Once a declaration has
been published (even if withdrawn since), the consents it relied on are evidence: refused."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.catalogue.errors import CoOwnersLocked
from openlicense.catalogue.models import Declaration, DeclarationStatus, Patent, PatentOwner

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.catalogue.schemas import PatentOwnerIn


def _snapshot(owner: PatentOwner) -> dict[str, Any]:
    return {
        "position": owner.position,
        "name": owner.name,
        "organisation_id": str(owner.organisation_id) if owner.organisation_id else None,
        "consents_to_open_licence": owner.consents_to_open_licence,
        "consent_document_ref": owner.consent_document_ref,
        "consent_recorded_at": owner.consent_recorded_at.isoformat()
        if owner.consent_recorded_at
        else None,
    }


async def correct_co_owners(
    session: AsyncSession,
    patent: Patent,
    owners: list[PatentOwnerIn],
    *,
    now: datetime.datetime,
    actor_id: uuid.UUID,
) -> None:
    published = await session.scalar(
        select(Declaration.id)
        .where(
            Declaration.patent_id == patent.id,
            Declaration.status != DeclarationStatus.DRAFT,
        )
        .limit(1)
    )
    if published is not None:
        raise CoOwnersLocked(
            "rule 7: the co-owners and consents of a patent with a published declaration cannot "
            "be corrected; they are the evidence the declaration relied on.",
        )
    before = [_snapshot(o) for o in patent.co_owners]
    kept = {(o.name, o.consents_to_open_licence): o.consent_recorded_at for o in patent.co_owners}
    # Remove the old rows first: (patent_id, position) is unique, and the new list reuses it.
    patent.co_owners.clear()
    await session.flush()
    for position, data in enumerate(owners):
        recorded = kept.get((data.name, data.consents_to_open_licence))
        patent.co_owners.append(
            PatentOwner(
                position=position,
                **data.model_dump(),
                consent_recorded_at=(recorded or now) if data.consents_to_open_licence else None,
            )
        )
    await session.flush()
    ledger.append(
        session,
        LedgerRecord(
            action="patent.co_owners_corrected",
            subject_type="patent",
            subject_id=str(patent.id),
            actor_id=ledger.actor(actor_id),
            data={"before": before, "after": [_snapshot(o) for o in patent.co_owners]},
        ),
    )
