"""Who may see and change which catalogue records. Pure functions over Principal."""

from __future__ import annotations

from openlicense.accounts.models import Role
from openlicense.accounts.principal import Principal
from openlicense.catalogue.errors import NotYourPatent
from openlicense.catalogue.models import ListingStatus, Patent
from openlicense.core.errors import NotFound

PUBLIC_LISTINGS = frozenset({ListingStatus.PUBLISHED})
AUDITOR_LISTINGS = frozenset({ListingStatus.PUBLISHED, ListingStatus.RETIRED})


def can_view(principal: Principal | None, patent: Patent) -> bool:
    if patent.listing_status in PUBLIC_LISTINGS:
        return True
    if principal is None:
        return False
    if principal.is_admin or principal.belongs_to(patent.owner_organisation_id):
        return True
    return principal.role is Role.AUDITOR and patent.listing_status in AUDITOR_LISTINGS


def ensure_visible(principal: Principal | None, patent: Patent) -> None:
    # 404, not 403: a draft's existence is itself private to its university.
    if not can_view(principal, patent):
        raise NotFound("No such patent.")


def ensure_manages(principal: Principal, patent: Patent) -> None:
    """Only the owning university's TTO officers change a patent or its declarations."""
    ensure_visible(principal, patent)
    if principal.role is not Role.TTO_OFFICER or not principal.belongs_to(
        patent.owner_organisation_id
    ):
        raise NotYourPatent(
            "Only the owning university's TTO officers can change this patent.",
        )
