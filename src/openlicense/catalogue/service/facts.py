"""Turn loaded models into the plain facts the pure rules take."""

from __future__ import annotations

from openlicense.catalogue.models import Patent
from openlicense.catalogue.rules import LicenceFacts, OwnerFacts, PatentFacts


def patent_facts(patent: Patent) -> PatentFacts:
    """Needs `co_owners` and `licences` loaded."""
    report = patent.evaluation_report or {}
    return PatentFacts(
        patent_type=patent.patent_type.value,
        legal_status=patent.legal_status.value,
        patent_number=patent.patent_number,
        announcement_date=patent.announcement_date,
        expiry_date=patent.expiry_date,
        annual_fee_paid_through=patent.annual_fee_paid_through,
        pledged=patent.pledged,
        pledgee_consent_ref=patent.pledgee_consent_ref,
        suspended=patent.suspended,
        evaluation_conclusion=report.get("conclusion"),
        owners=tuple(
            OwnerFacts(name=o.name, consents=o.consents_to_open_licence, owner_id=str(o.id))
            for o in patent.co_owners
        ),
        licences=tuple(
            LicenceFacts(
                kind=lic.kind.value,
                start=lic.start_date,
                end=lic.end_date,
                terminated_on=lic.terminated_on,
                negotiated=lic.negotiated,
            )
            for lic in patent.licences
        ),
    )
