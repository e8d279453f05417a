"""Table tests of the pure functions behind rules 19, 24–28, 30 and 32 (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from openlicense.agreements.rules import check_dispute_step, check_sublicence, minimum_reward
from openlicense.catalogue.rules.ownership import check_lister_owns
from openlicense.catalogue.rules.register import (
    check_register_edit,
    check_register_verified,
    register_flags,
)

TODAY = date(2026, 11, 23)


def _flags(**overrides: object) -> object:
    facts: dict[str, object] = {
        "legal_status": "valid",
        "expiry_date": date(2041, 3, 1),
        "annual_fee_paid_through": date(2027, 3, 1),
        "open_licence_active": False,
        "today": TODAY,
    }
    facts.update(overrides)
    return register_flags(**facts)  # type: ignore[arg-type]


def test_rule_19_an_open_licence_is_never_sublicensed() -> None:
    (violation,) = check_sublicence()
    assert (violation.rule, violation.code) == (19, "sublicensing_not_allowed")


@pytest.mark.parametrize(
    ("status", "expiry", "closes"),
    [
        ("valid", date(2041, 3, 1), False),
        ("invalidated", date(2041, 3, 1), True),
        ("lapsed", date(2041, 3, 1), True),
        ("valid", TODAY, True),  # expired today
    ],
)
def test_rule_24_an_ended_patent_closes_its_listing(
    status: str, expiry: date, closes: bool
) -> None:
    assert _flags(legal_status=status, expiry_date=expiry).listing_must_close is closes  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("paid_through", "status", "at_risk"),
    [
        (date(2027, 3, 1), "valid", False),
        (date(2026, 11, 22), "valid", True),
        (None, "valid", True),
        (date(2026, 11, 22), "lapsed", False),  # already ended: no longer "at risk"
    ],
)
def test_rule_25_arrears_flag_at_risk_of_lapse(
    paid_through: date | None, status: str, at_risk: bool
) -> None:
    flags = _flags(annual_fee_paid_through=paid_through, legal_status=status)
    assert flags.at_risk_of_lapse is at_risk  # type: ignore[attr-defined]
    assert any("rule 25" in w for w in flags.warnings) is at_risk  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("active", "status", "eligible"),
    [(True, "valid", True), (False, "valid", False), (True, "invalidated", False)],
)
def test_rule_26_active_declaration_is_eligible_for_the_fee_reduction(
    active: bool, status: str, eligible: bool
) -> None:
    flags = _flags(open_licence_active=active, legal_status=status)
    assert flags.fee_reduction_eligible is eligible  # type: ignore[attr-defined]


def test_rule_27_register_facts_are_not_typed_by_the_patentee() -> None:
    current = {"suspended": True, "legal_status": "valid"}
    changed = check_register_edit({"suspended": False}, current, is_admin=False)
    assert [(v.rule, v.code, v.field) for v in changed] == [
        (27, "register_fact_locked", "suspended")
    ]
    assert check_register_edit({"suspended": True}, current, is_admin=False) == []
    assert check_register_edit({"trl": 5}, current, is_admin=False) == []
    assert check_register_edit({"suspended": False}, current, is_admin=True) == []
    (soft,) = check_register_verified("patentee", required=False)
    assert soft.warning and soft.code == "register_unverified"
    (hard,) = check_register_verified("patentee", required=True)
    assert not hard.warning
    assert check_register_verified("register_extract", required=True) == []


@pytest.mark.parametrize(
    ("current", "target", "note", "codes"),
    [
        ("negotiation", "mediation_requested", "请求调解", []),
        ("negotiation", "court", None, []),
        ("mediation_requested", "court", None, []),
        ("court", "resolved", None, []),
        ("court", "mediation_requested", None, ["dispute_step_not_allowed"]),
        ("resolved", "court", None, ["dispute_step_not_allowed"]),
        (
            "negotiation",
            "mediation_requested",
            "请国家知识产权局裁定许可费",
            ["cnipa_cannot_set_fee"],
        ),
        (
            "negotiation",
            "mediation_requested",
            "Ask CNIPA to set the fee",
            ["cnipa_cannot_set_fee"],
        ),
    ],
)
def test_rule_28_dispute_flow_and_cnipa_never_sets_the_fee(
    current: str, target: str, note: str | None, codes: list[str]
) -> None:
    found = check_dispute_step(current, target, note)
    assert [v.code for v in found] == codes
    assert all(v.rule == 28 for v in found)


@pytest.mark.parametrize(
    ("owners", "lister", "refused"),
    [
        (["university"], "university", False),
        (["enterprise"], "university", True),
        (["university", "enterprise"], "university", False),
        (["unknown"], "university", False),
        (["enterprise"], "enterprise", False),
    ],
)
def test_rule_30_university_lists_only_what_it_owns(
    owners: list[str], lister: str, refused: bool
) -> None:
    found = check_lister_owns(owners, lister)
    assert bool(found) is refused
    assert all((v.rule, v.code) == (30, "ownership_scenario_conflict") for v in found)


@pytest.mark.parametrize(
    ("net", "share", "expected"),
    [
        (5_000_000, None, (2_500_000, Decimal("0.5"), "statutory_ptsta_45")),
        (5_000_001, None, (2_500_001, Decimal("0.5"), "statutory_ptsta_45")),  # rounded up
        (5_000_000, Decimal("0.3"), (1_500_000, Decimal("0.3"), "university_rule")),
        (-100, None, (0, Decimal("0.5"), "statutory_ptsta_45")),
    ],
)
def test_rule_32_minimum_inventor_reward(
    net: int, share: Decimal | None, expected: tuple[int, Decimal, str]
) -> None:
    assert minimum_reward(net, share) == expected
