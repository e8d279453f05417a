"""Named refusals of the talent library and consulting."""

from __future__ import annotations

from openlicense.core.errors import Conflict, Forbidden, Invalid, NotFound


class ExpertNotFound(NotFound):
    code = "expert_not_found"


class ConsultingNotFound(NotFound):
    code = "consulting_not_found"


class NotExpertOwner(Forbidden):
    code = "not_expert_owner"


class WrongKind(Forbidden):
    code = "organisation_kind_not_allowed"


class NotAMentor(Conflict):
    code = "not_a_mentor"


class ConsultingWrongState(Conflict):
    code = "consulting_wrong_state"


class UnitConsentMissing(Invalid):
    code = "unit_consent_missing"
