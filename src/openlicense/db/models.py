"""Every model, imported in one place so the app and the migrations see the same metadata."""

from advanced_alchemy.base import metadata_registry

from openlicense.accounts.models import AccountToken, ApiKey, LoginFailure, Organisation, User
from openlicense.achievements.models import Achievement
from openlicense.agreements.models import (
    Agreement,
    AgreementEvent,
    RecordingTask,
    RoyaltyReport,
    ScheduleEntry,
)
from openlicense.audit.models import LedgerCheckpoint, LedgerEntry
from openlicense.catalogue.models import (
    CatalogueChange,
    CatalogueVersion,
    Declaration,
    DeclarationWithdrawal,
    Patent,
    PatentOwner,
    RecordedLicence,
)
from openlicense.challenges.models import (
    Challenge,
    ChallengeApplication,
    CooperationAgreement,
    Milestone,
)
from openlicense.documents.models import Document
from openlicense.experts.models import ConsultingRequest, ConsultingSession, Expert
from openlicense.needs.models import MatchVisit, Need, NeedMatch
from openlicense.notifications.models import (
    EmailPreference,
    Notification,
    OutgoingMail,
    ReminderKey,
)
from openlicense.oversight.models import AuditAccess
from openlicense.payments.models import Payment, PaymentAnomaly, Refund, StripeEvent
from openlicense.search.models import SearchOutbox
from openlicense.zones.models import EventOutcome, EventRegistration, MatchEvent, Zone, ZoneItem

metadata = metadata_registry.get(None)

__all__ = [
    "AccountToken",
    "Achievement",
    "Agreement",
    "AgreementEvent",
    "ApiKey",
    "AuditAccess",
    "CatalogueChange",
    "CatalogueVersion",
    "Challenge",
    "ChallengeApplication",
    "ConsultingRequest",
    "ConsultingSession",
    "CooperationAgreement",
    "Declaration",
    "DeclarationWithdrawal",
    "Document",
    "EmailPreference",
    "EventOutcome",
    "EventRegistration",
    "Expert",
    "LedgerCheckpoint",
    "LedgerEntry",
    "LoginFailure",
    "MatchEvent",
    "MatchVisit",
    "Milestone",
    "Need",
    "NeedMatch",
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
    "Zone",
    "ZoneItem",
    "metadata",
]
