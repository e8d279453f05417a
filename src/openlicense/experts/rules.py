"""Pure rules of consulting: what may happen in which state."""

from __future__ import annotations

from openlicense.experts.states import ConsultingStatus


def can_decide(status: ConsultingStatus) -> bool:
    return status is ConsultingStatus.REQUESTED


def can_hold_session(status: ConsultingStatus) -> bool:
    """Sessions only after the TTO approved (with the unit's consent)."""
    return status is ConsultingStatus.APPROVED


def can_complete(status: ConsultingStatus) -> bool:
    return status is ConsultingStatus.APPROVED
