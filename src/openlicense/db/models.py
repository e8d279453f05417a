"""Every model, imported in one place so the app and the migrations see the same metadata."""

from advanced_alchemy.base import metadata_registry

from openlicense.accounts.models import AccountToken, ApiKey, LoginFailure, Organisation, User
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
from openlicense.documents.models import Document
from openlicense.notifications.models import (
    EmailPreference,
    Notification,
    OutgoingMail,
    ReminderKey,
)
from openlicense.oversight.models import AuditAccess
from openlicense.payments.models import Payment, PaymentAnomaly, Refund, StripeEvent
from openlicense.search.models import SearchOutbox

metadata = metadata_registry.get(None)

__all__ = [
    "AccountToken",
    "Agreement",
    "AgreementEvent",
    "ApiKey",
    "AuditAccess",
    "Declaration",
    "DeclarationWithdrawal",
    "Document",
    "EmailPreference",
    "LedgerCheckpoint",
    "LedgerEntry",
    "LoginFailure",
    "Notification",
    "Organisation",
    "OutgoingMail",
    "Patent",
    "PatentOwner",
    "Payment",
    "PaymentAnomaly",
    "RecordedLicence",
    "RecordingTask",
    "Refund",
    "ReminderKey",
    "RoyaltyReport",
    "ScheduleEntry",
    "SearchOutbox",
    "StripeEvent",
    "User",
    "metadata",
]
