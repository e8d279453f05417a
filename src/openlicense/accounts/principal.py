"""Principal: who is calling, as the rest of the app sees it (no ORM objects leak out)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from openlicense.accounts.models import OrganisationKind, Role


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: uuid.UUID
    role: Role
    organisation_id: uuid.UUID
    organisation_kind: OrganisationKind
    via_api_key: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def belongs_to(self, organisation_id: uuid.UUID) -> bool:
        return self.organisation_id == organisation_id
