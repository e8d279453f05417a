"""Shared helpers of the challenge use cases."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord

if TYPE_CHECKING:
    from openlicense.accounts.principal import Principal


def record(
    action: str, subject_type: str, subject_id: uuid.UUID, principal: Principal, **data: object
) -> LedgerRecord:
    return LedgerRecord(
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        actor_id=ledger.actor(principal.user_id),
        data={"organisation_id": str(principal.organisation_id), **data},
    )
