"""Register facts (rules 24–27) as pure functions: who may change them, the flags they raise,
and whether a listing must close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from openlicense.core.violations import RuleViolation

REGISTER_FIELDS = ("legal_status", "annual_fee_paid_through", "pledged", "suspended")
"""Rule 27 (IR 88, 100): facts that come from the patent register, not from the patentee."""

VERIFIED_SOURCES = frozenset({"admin", "register_extract"})
ENDED = frozenset({"lapsed", "expired", "invalidated"})
FEE_REDUCTION = "0.15"


def check_register_edit(
    changes: dict[str, Any], current: dict[str, Any], *, is_admin: bool
) -> list[RuleViolation]:
    """Rule 27: only a platform admin (or a register-extract import) changes register facts;
    the patentee asks for a refresh. Sending the value already on file is not a change."""
    if is_admin:
        return []
    return [
        RuleViolation(
            27,
            "register_fact_locked",
            f"rule 27: {field} comes from the verified register snapshot and cannot be typed "
            "in; ask for a register refresh (POST /api/patents/{id}/register/refresh).",
            kind="conflict",
            field=field,
        )
        for field in REGISTER_FIELDS
        if field in changes and changes[field] != current.get(field)
    ]


def check_register_verified(source: str, *, required: bool) -> list[RuleViolation]:
    """Rule 27 at publication: the register facts should be a verified snapshot. A warning by
    default (`rules.require_verified_register` makes it blocking)."""
    if source in VERIFIED_SOURCES:
        return []
    return [
        RuleViolation(
            27,
            "register_unverified",
            "rule 27: the register facts were typed by the patentee and are not yet verified "
            "against the patent register.",
            kind="conflict",
            field="register_source",
            warning=not required,
        )
    ]


@dataclass(frozen=True, slots=True)
class RegisterFlags:
    at_risk_of_lapse: bool
    """Rule 25: annual fee in arrears (IR 115 late period): listed, but a lapse ends licences."""
    fee_reduction_eligible: bool
    """Rule 26: under an active declaration → 15 % annual-fee reduction, not combinable."""
    listing_must_close: bool
    """Rule 24: expired, lapsed or invalidated."""
    warnings: tuple[str, ...]


def register_flags(
    *,
    legal_status: str,
    expiry_date: date,
    annual_fee_paid_through: date | None,
    open_licence_active: bool,
    today: date,
) -> RegisterFlags:
    """Rules 24–26 for one patent today."""
    ended = legal_status in ENDED or expiry_date <= today
    in_force = legal_status == "valid" and not ended
    arrears = in_force and (annual_fee_paid_through is None or annual_fee_paid_through < today)
    eligible = in_force and open_licence_active
    warnings = []
    if arrears:
        warnings.append(
            "rule 25: the annual fee is in arrears; if it is not paid within the late-payment "
            "period the patent lapses and every licence under it ends."
        )
    if eligible:
        warnings.append(
            "rule 26: eligible for the 15% annual-fee reduction during the open licence; it "
            "does not combine with other reductions (the most favourable one applies)."
        )
    return RegisterFlags(arrears, eligible, ended, tuple(warnings))
