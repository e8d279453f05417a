"""The agreements domain's named refusals; each maps to one HTTP status and stable code."""

from __future__ import annotations

from openlicense.core.errors import Conflict, Forbidden, Invalid


class AcceptanceConflict(Conflict):
    code = "acceptance_conflict"


class AlreadyLicensed(Conflict):
    code = "already_licensed"


class AlreadyRecorded(Conflict):
    code = "already_recorded"


class AlreadyReported(Conflict):
    code = "already_reported"


class DeclarationVersionMismatch(Conflict):
    code = "declaration_version_mismatch"


class FiledInFuture(Invalid):
    code = "filed_in_future"


class IdempotencyKeyReused(Invalid):
    code = "idempotency_key_reused"


class InvalidEstimate(Invalid):
    code = "invalid_estimate"


class NotARoyaltyPeriod(Invalid):
    code = "not_a_royalty_period"


class NotAnEnterprise(Forbidden):
    code = "not_an_enterprise"


class NotEffectiveYet(Conflict):
    code = "not_effective_yet"


class OutsideLicencePeriod(Invalid):
    code = "outside_licence_period"


class PeriodNotEnded(Conflict):
    code = "period_not_ended"


class AmendmentWindowClosed(Conflict):
    """Rule 20: a royalty report is amended within the following reporting period only."""

    code = "amendment_window_closed"


class NotReported(Conflict):
    code = "not_reported"


class CreditNotSettleable(Conflict):
    code = "amendment_credit_unsettled"
