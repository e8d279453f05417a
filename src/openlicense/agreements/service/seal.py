"""Checking an agreement's seal: the API and the pages ask the same question the same way."""

from __future__ import annotations

from openlicense.agreements.contract import RenderedContract, render_contract, seal
from openlicense.agreements.models import Agreement
from openlicense.agreements.schemas import SealCheck


def seal_check(agreement: Agreement) -> SealCheck:
    """Recompute the seal over the stored snapshot and texts, and render the snapshot afresh:
    any later change to either shows."""
    stored = RenderedContract(agreement.text_zh, agreement.text_en)
    recomputed = seal(agreement.snapshot, stored)
    try:
        matches = render_contract(agreement.snapshot) == stored
    except Exception:  # a tampered snapshot may not even render
        matches = False
    return SealCheck(
        agreement_id=agreement.id,
        seal=agreement.seal,
        recomputed=recomputed,
        intact=recomputed == agreement.seal and matches,
        text_matches_snapshot=matches,
    )
