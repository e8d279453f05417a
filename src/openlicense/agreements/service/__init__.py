"""Agreement use cases: accept, quote, perform (reports, recording), settle, run the lifecycle.

Other domains use these through this package; `history` is the one place state changes."""

from openlicense.agreements.service.acceptance import (
    AcceptanceService,
    ContractPreview,
    schedule_entries,
)
from openlicense.agreements.service.access import AgreementReader, ensure_party, find_entry
from openlicense.agreements.service.lifecycle import LifecycleReport, run_lifecycle
from openlicense.agreements.service.obligations import ObligationService, RoyaltyPreview
from openlicense.agreements.service.offers import quote, quote_declaration
from openlicense.agreements.service.overview import (
    AgreementLine,
    LicensorTotals,
    RecordingLine,
    agreement_lines,
    licensor_totals,
    recording_lines,
)
from openlicense.agreements.service.seal import seal_check
from openlicense.agreements.service.settlement import settle_entry

__all__ = [
    "AcceptanceService",
    "AgreementLine",
    "AgreementReader",
    "ContractPreview",
    "LicensorTotals",
    "LifecycleReport",
    "ObligationService",
    "RecordingLine",
    "RoyaltyPreview",
    "agreement_lines",
    "ensure_party",
    "find_entry",
    "licensor_totals",
    "quote",
    "quote_declaration",
    "recording_lines",
    "run_lifecycle",
    "schedule_entries",
    "seal_check",
    "settle_entry",
]
