"""Every model, imported in one place so the app and the migrations see the same metadata."""

from advanced_alchemy.base import metadata_registry

from openlicense.accounts.models import ApiKey, Organisation, User
from openlicense.agreements.models import (
    Agreement,
    AgreementEvent,
    RecordingTask,
    RoyaltyReport,
    ScheduleEntry,
)
from openlicense.audit.models import LedgerCheckpoint, LedgerEntry
from openlicense.catalogue.models import (
    Declaration,
    DeclarationWithdrawal,
    Patent,
    PatentOwner,
    RecordedLicence,
)
from openlicense.oversight.models import AuditAccess
from openlicense.payments.models import Payment, PaymentAnomaly, Refund, StripeEvent
from openlicense.search.models import SearchOutbox

metadata = metadata_registry.get(None)

__all__ = [
    "Agreement",
    "AgreementEvent",
    "ApiKey",
    "AuditAccess",
    "Declaration",
    "DeclarationWithdrawal",
    "LedgerCheckpoint",
    "LedgerEntry",
    "Organisation",
    "Patent",
    "PatentOwner",
    "Payment",
    "PaymentAnomaly",
    "RecordedLicence",
    "RecordingTask",
    "Refund",
    "RoyaltyReport",
    "ScheduleEntry",
    "SearchOutbox",
    "StripeEvent",
    "User",
    "metadata",
]
