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
from openlicense.catalogue.models import (
    Declaration,
    DeclarationWithdrawal,
    Patent,
    PatentOwner,
    RecordedLicence,
)

metadata = metadata_registry.get(None)

__all__ = [
    "Agreement",
    "AgreementEvent",
    "ApiKey",
    "Declaration",
    "DeclarationWithdrawal",
    "Organisation",
    "Patent",
    "PatentOwner",
    "RecordedLicence",
    "RecordingTask",
    "RoyaltyReport",
    "ScheduleEntry",
    "User",
    "metadata",
]
