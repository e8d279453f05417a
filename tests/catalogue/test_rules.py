"""Table-driven tests for the pure open-licence rules: one test per rule of domain.md §4."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from openlicense.catalogue.rules import (
    DEFAULT_MARKETING_TERMS,
    LicenceFacts,
    OwnerFacts,
    PatentFacts,
    RuleConfig,
    check_acceptable,
    check_declarable,
    check_declaration,
    check_declaration_editable,
    check_equal_treatment,
    check_publishable,
    check_recorded_licence,
    check_terms,
    check_withdrawal,
)
from openlicense.catalogue.schemas import DeclarationTerms
from openlicense.core.dates import add_months, months_between
from openlicense.core.violations import RuleViolation, blocking
from openlicense.settings import RulesSettings

TODAY = date(2026, 6, 1)

UNIVERSITY = OwnerFacts(name="Zhejiang University", consents=True, owner_id="u1")
COMPANY = OwnerFacts(name="Hangzhou Widget Co.", consents=True, owner_id="c1")

PATENT = PatentFacts(
    patent_type="invention",
    legal_status="valid",
    patent_number="ZL202110123456.7",
    announcement_date=date(2023, 3, 1),
    expiry_date=date(2041, 5, 10),
    annual_fee_paid_through=date(2027, 5, 9),
    owners=(UNIVERSITY,),
)

LUMP_SUM = {"type": "LUMP_SUM", "amount_minor": 10_000_000}


def royalty(base: str, rate: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "ROYALTY",
        "base": base,
        "rate": rate,
        "payable_on_acceptance_minor": 0,
        **extra,
    }


def make_terms(**overrides: Any) -> DeclarationTerms:
    data: dict[str, Any] = {
        "fee_standard": LUMP_SUM,
        "licence_start": date(2026, 7, 1),
        "licence_end": date(2029, 7, 1),
        "field_of_use": "Manufacture of lithium battery separators",
        "other_terms": "Technical documents are delivered within 30 days of payment.",
    }
    return DeclarationTerms.model_validate(data | overrides)


def codes(violations: list[RuleViolation]) -> list[tuple[int, str]]:
    return [(v.rule, v.code) for v in violations]


def patent(**changes: Any) -> PatentFacts:
    return replace(PATENT, **changes)


def exclusive(kind: str = "exclusive", **changes: Any) -> LicenceFacts:
    base = LicenceFacts(kind=kind, start=date(2025, 1, 1), end=date(2027, 1, 1))
    return replace(base, **changes)


# --- date helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 1), 12, date(2027, 1, 1)),
        (date(2026, 1, 1), 0, date(2026, 1, 1)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, n: int, expected: date) -> None:
    assert add_months(start, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 1, 1), date(2027, 1, 1), 12),
        (date(2026, 1, 1), date(2026, 12, 31), 11),
        (date(2026, 1, 31), date(2026, 2, 28), 1),
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2026, 1, 15), date(2026, 1, 15), 0),
        (date(2026, 5, 10), date(2041, 5, 10), 180),
        (date(2027, 1, 1), date(2026, 1, 1), -12),
    ],
)
def test_months_between_counts_whole_calendar_months(start: date, end: date, expected: int) -> None:
    assert months_between(start, end) == expected


# --- rules 1–7: check_declarable ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        pytest.param(PATENT, [], id="granted-valid"),
        pytest.param(
            patent(legal_status="pending", announcement_date=None),
            [(1, "patent_not_granted")],
            id="pending",
        ),
        pytest.param(
            patent(announcement_date=date(2026, 6, 2)),
            [(1, "patent_not_granted")],
            id="announced-tomorrow",
        ),
        pytest.param(patent(legal_status="lapsed"), [(1, "patent_not_valid")], id="lapsed"),
        pytest.param(
            patent(legal_status="invalidated"), [(1, "patent_not_valid")], id="invalidated"
        ),
        pytest.param(
            patent(expiry_date=TODAY),
            [(1, "patent_not_valid")],
            id="expires-today",
        ),
    ],
)
def test_rule_01_only_granted_and_valid_patents_are_declarable(
    facts: PatentFacts, expected: list[tuple[int, str]]
) -> None:
    violations = check_declarable(facts, TODAY)
    assert codes(violations) == expected
    assert all(v.kind == "conflict" for v in violations)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        pytest.param(PATENT, [], id="invention-needs-no-report"),
        pytest.param(
            patent(patent_type="utility_model", evaluation_conclusion="positive"),
            [],
            id="utility-model-positive",
        ),
        pytest.param(
            patent(patent_type="utility_model"),
            [(2, "evaluation_report_missing")],
            id="utility-model-no-report",
        ),
        pytest.param(
            patent(patent_type="design", evaluation_conclusion="negative"),
            [(2, "evaluation_report_negative")],
            id="design-negative",
        ),
    ],
)
def test_rule_02_utility_model_and_design_need_positive_evaluation_report(
    facts: PatentFacts, expected: list[tuple[int, str]]
) -> None:
    assert codes(check_declarable(facts, TODAY)) == expected


@pytest.mark.parametrize(
    ("licences", "expected"),
    [
        pytest.param((), [], id="no-licences"),
        pytest.param((exclusive("ordinary"),), [], id="ordinary-in-term"),
        pytest.param((exclusive(end=date(2026, 5, 31)),), [], id="exclusive-ended"),
        pytest.param((exclusive(start=date(2026, 6, 2)),), [], id="exclusive-not-started"),
        pytest.param((exclusive(terminated_on=TODAY),), [], id="exclusive-terminated-today"),
        pytest.param((exclusive(),), [(3, "exclusive_licence_active")], id="exclusive-in-term"),
        pytest.param(
            (exclusive("sole", end=TODAY),), [(3, "exclusive_licence_active")], id="sole-ends-today"
        ),
        pytest.param(
            (exclusive(terminated_on=date(2026, 6, 2)),),
            [(3, "exclusive_licence_active")],
            id="exclusive-terminated-tomorrow",
        ),
    ],
)
def test_rule_03_exclusive_licence_active_blocks_declaration(
    licences: tuple[LicenceFacts, ...], expected: list[tuple[int, str]]
) -> None:
    assert codes(check_declarable(patent(licences=licences), TODAY)) == expected


@pytest.mark.parametrize(
    ("suspended", "expected"),
    [(False, []), (True, [(4, "patent_suspended")])],
)
def test_rule_04_suspended_patent_cannot_be_declared(
    suspended: bool, expected: list[tuple[int, str]]
) -> None:
    assert codes(check_declarable(patent(suspended=suspended), TODAY)) == expected


@pytest.mark.parametrize(
    ("paid_through", "expected"),
    [
        pytest.param(date(2027, 5, 9), [], id="paid-ahead"),
        pytest.param(TODAY, [], id="paid-through-today"),
        pytest.param(date(2026, 5, 31), [(5, "annual_fee_unpaid")], id="late-period"),
        pytest.param(None, [(5, "annual_fee_unpaid")], id="never-paid"),
    ],
)
def test_rule_05_unpaid_annual_fee_blocks_declaration(
    paid_through: date | None, expected: list[tuple[int, str]]
) -> None:
    facts = patent(annual_fee_paid_through=paid_through)
    assert codes(check_declarable(facts, TODAY)) == expected


@pytest.mark.parametrize(
    ("pledged", "consent_ref", "expected"),
    [
        (False, None, []),
        (True, "uploads/pledgee-consent.pdf", []),
        (True, None, [(6, "pledgee_consent_missing")]),
        (True, "  ", [(6, "pledgee_consent_missing")]),
    ],
)
def test_rule_06_pledged_patent_needs_pledgee_consent(
    pledged: bool, consent_ref: str | None, expected: list[tuple[int, str]]
) -> None:
    facts = patent(pledged=pledged, pledgee_consent_ref=consent_ref)
    assert codes(check_declarable(facts, TODAY)) == expected


@pytest.mark.parametrize(
    ("owners", "expected"),
    [
        pytest.param((UNIVERSITY, COMPANY), [], id="all-consent"),
        pytest.param(
            (UNIVERSITY, replace(COMPANY, consents=False)),
            [(7, "co_owner_consent_missing")],
            id="one-refuses",
        ),
        pytest.param((), [(7, "patentees_missing")], id="no-owners"),
    ],
)
def test_rule_07_every_co_owner_consents_to_declare(
    owners: tuple[OwnerFacts, ...], expected: list[tuple[int, str]]
) -> None:
    violations = check_declarable(patent(owners=owners), TODAY)
    assert codes(violations) == expected
    if expected == [(7, "co_owner_consent_missing")]:
        assert "Hangzhou Widget Co." in violations[0].message


def test_rule_07_withdrawal_needs_every_co_owner() -> None:
    facts = patent(owners=(UNIVERSITY, COMPANY))
    reason = "The patent has been assigned to a third party."
    ok = check_withdrawal("published", reason, {"u1", "c1"}, facts, TODAY, TODAY)
    missing = check_withdrawal("published", reason, {"u1"}, facts, TODAY, TODAY)
    assert codes(ok) == []
    assert codes(missing) == [(7, "co_owner_consent_missing")]
    assert "Hangzhou Widget Co." in missing[0].message


# --- rules 8–12: check_terms -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "overrides", "expected"),
    [
        pytest.param(PATENT, {}, [], id="complete-and-sober"),
        pytest.param(
            PATENT,
            {"other_terms": "Best efforts are NOT required."},
            [(8, "marketing_language")],
            id="english-term-any-case",
        ),
        pytest.param(
            PATENT,
            {"other_terms": "Ranked best-in-class by our lab."},
            [(8, "marketing_language")],
            id="hyphenated-word",
        ),
        pytest.param(
            PATENT,
            {"other_terms": "See clause No. 12; bestow no rights beyond it."},
            [],
            id="word-edges-respected",
        ),
        pytest.param(
            PATENT,
            {"field_of_use": "国内第一的隔膜技术", "other_terms": "最低年度提成为零"},
            [(8, "marketing_language"), (8, "marketing_language")],
            id="chinese-terms-both-fields",
        ),
        pytest.param(
            patent(patent_number=None), {}, [(8, "declaration_incomplete")], id="no-number"
        ),
        pytest.param(
            patent(owners=(UNIVERSITY, replace(COMPANY, name=" "))),
            {},
            [(8, "declaration_incomplete")],
            id="unnamed-owner",
        ),
    ],
)
def test_rule_08_declaration_complete_and_free_of_marketing_language(
    facts: PatentFacts, overrides: dict[str, Any], expected: list[tuple[int, str]]
) -> None:
    assert codes(check_terms(make_terms(**overrides), facts, RuleConfig())) == expected


def test_rule_08_marketing_list_is_configurable() -> None:
    terms = make_terms(other_terms="最低年度提成为零")
    assert "最" in DEFAULT_MARKETING_TERMS
    assert codes(check_terms(terms, PATENT, RuleConfig(marketing_terms=("顶级",)))) == []


def staged(*durations: int | None) -> dict[str, Any]:
    stages = [
        {"label": f"stage {i}", "duration_months": d, "standard": {"type": "FREE"}}
        for i, d in enumerate(durations)
    ]
    stages[-1]["standard"] = LUMP_SUM
    return {"type": "STAGED", "stages": stages}


@pytest.mark.parametrize(
    ("overrides", "config", "expected"),
    [
        pytest.param({}, RuleConfig(), [], id="three-years"),
        pytest.param(
            {"licence_start": date(2026, 7, 1), "licence_end": date(2027, 6, 30)},
            RuleConfig(),
            [],
            id="exactly-12-months",
        ),
        pytest.param(
            {"licence_start": date(2026, 7, 1), "licence_end": date(2027, 6, 29)},
            RuleConfig(),
            [(9, "licence_period_too_short")],
            id="one-day-short",
        ),
        pytest.param(
            {"licence_end": date(2027, 1, 1)},
            RuleConfig(min_licence_months=6),
            [],
            id="configured-6-months",
        ),
        pytest.param(
            {"licence_end": date(2041, 5, 11)},
            RuleConfig(),
            [(9, "licence_period_beyond_expiry")],
            id="beyond-expiry",
        ),
        pytest.param({"licence_end": date(2041, 5, 10)}, RuleConfig(), [], id="ends-on-expiry"),
        pytest.param(
            {"fee_standard": staged(6, None)}, RuleConfig(), [], id="trial-then-open-ended"
        ),
        pytest.param({"fee_standard": staged(12, 24)}, RuleConfig(), [], id="stages-fill-period"),
        pytest.param(
            {"fee_standard": staged(36, None)},
            RuleConfig(),
            [(9, "stages_exceed_period")],
            id="open-ended-stage-gets-nothing",
        ),
        pytest.param(
            {"fee_standard": staged(12, 12)},
            RuleConfig(),
            [(9, "stages_exceed_period")],
            id="fixed-stages-fall-short",
        ),
    ],
)
def test_rule_09_licence_period_within_expiry_and_long_enough(
    overrides: dict[str, Any], config: RuleConfig, expected: list[tuple[int, str]]
) -> None:
    assert codes(check_terms(make_terms(**overrides), PATENT, config)) == expected


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param({}, [], id="cny-lump-sum"),
        pytest.param(
            {"other_terms": "Price is non-negotiable; same for every licensee."},
            [],
            id="non-negotiable-is-fine",
        ),
        pytest.param({"currency": "USD"}, [(10, "currency_not_allowed")], id="usd"),
        pytest.param(
            {"other_terms": "Royalty rate 面议"}, [(10, "fee_to_be_negotiated")], id="面议"
        ),
        pytest.param(
            {"other_terms": "Running royalty TBD after year 1."},
            [(10, "fee_to_be_negotiated")],
            id="tbd",
        ),
    ],
)
def test_rule_10_fee_standard_computable_and_not_negotiable(
    overrides: dict[str, Any], expected: list[tuple[int, str]]
) -> None:
    assert codes(check_terms(make_terms(**overrides), PATENT, RuleConfig())) == expected


def test_rule_10_untyped_fee_standard_is_not_computable() -> None:
    terms = make_terms().model_copy(update={"fee_standard": {"type": "TO_BE_NEGOTIATED"}})
    assert codes(check_terms(terms, PATENT, RuleConfig())) == [(10, "fee_standard_not_computable")]


WARN = RuleConfig(fee_caps_mode="warn")
CAP = 2_000_000_000
INSTALMENTS_OVER = {
    "type": "INSTALMENTS",
    "instalments": [
        {"amount_minor": CAP, "due_months_after_acceptance": 0},
        {"amount_minor": 1, "due_months_after_acceptance": 12},
    ],
}
ENTRY_OVER = {
    "type": "ENTRY_FEE_PLUS_ROYALTY",
    "base": "net_sales",
    "rate": "0.05",
    "entry_fee_minor": CAP + 1,
}
STEPPED_OVER = royalty("net_sales", "0.10", rate_steps=[{"from_year": 3, "rate": "0.25"}])


@pytest.mark.parametrize(
    ("fee_standard", "justification", "config", "expected"),
    [
        pytest.param(
            {"type": "LUMP_SUM", "amount_minor": CAP}, None, RuleConfig(), [], id="at-cap"
        ),
        pytest.param(royalty("net_sales", "0.20"), None, RuleConfig(), [], id="20pct-net-sales"),
        pytest.param(royalty("profit", "0.40"), None, RuleConfig(), [], id="40pct-profit"),
        pytest.param(royalty("new_output_value", "0.50"), None, RuleConfig(), [], id="uncapped"),
        pytest.param(
            {"type": "LUMP_SUM", "amount_minor": CAP + 1},
            None,
            RuleConfig(),
            [(11, "fee_above_cap")],
            id="lump-sum-over",
        ),
        pytest.param(
            INSTALMENTS_OVER, None, RuleConfig(), [(11, "fee_above_cap")], id="instalments"
        ),
        pytest.param(ENTRY_OVER, None, RuleConfig(), [(11, "fee_above_cap")], id="entry-fee"),
        pytest.param(STEPPED_OVER, None, RuleConfig(), [(11, "fee_above_cap")], id="rising-step"),
        pytest.param(
            royalty("profit", "0.41"), None, RuleConfig(), [(11, "fee_above_cap")], id="profit"
        ),
        pytest.param(
            {
                "type": "STAGED",
                "stages": [
                    {"label": "trial", "duration_months": 6, "standard": {"type": "FREE"}},
                    {"label": "run", "standard": royalty("net_sales", "0.30")},
                ],
            },
            None,
            RuleConfig(),
            [(11, "fee_above_cap")],
            id="inside-stage",
        ),
        pytest.param(
            royalty("net_sales", "0.30"),
            None,
            WARN,
            [(11, "fee_cap_justification_missing")],
            id="warn-without-justification",
        ),
    ],
)
def test_rule_11_fee_caps(
    fee_standard: dict[str, Any],
    justification: str | None,
    config: RuleConfig,
    expected: list[tuple[int, str]],
) -> None:
    terms = make_terms(fee_standard=fee_standard, fee_cap_justification=justification)
    violations = check_terms(terms, PATENT, config)
    assert codes(violations) == expected
    assert blocking(violations) == violations


def test_rule_11_warn_mode_with_justification_only_warns() -> None:
    terms = make_terms(
        fee_standard=royalty("net_sales", "0.30"),
        fee_cap_justification="Industry rate for this class of drug is 25-35%.",
    )
    violations = check_terms(terms, PATENT, WARN)
    assert codes(violations) == [(11, "fee_above_cap")]
    assert violations[0].warning
    assert blocking(violations) == []


@pytest.mark.parametrize(
    ("field_of_use", "expected"),
    [
        pytest.param("Manufacture of separators", [], id="one-field"),
        pytest.param(None, [], id="unrestricted"),
        pytest.param(
            "Field of use per licensee", [(12, "field_of_use_per_licensee")], id="per-licensee"
        ),
        pytest.param(
            "应用领域视被许可人情况另行约定",
            [(12, "field_of_use_per_licensee")],
            id="视被许可人",
        ),
    ],
)
def test_rule_12_field_of_use_same_for_every_licensee(
    field_of_use: str | None, expected: list[tuple[int, str]]
) -> None:
    terms = make_terms(field_of_use=field_of_use)
    assert codes(check_terms(terms, PATENT, RuleConfig())) == expected


def test_check_declaration_combines_patent_and_terms_rules() -> None:
    facts = patent(suspended=True)
    terms = make_terms(currency="EUR")
    assert codes(check_declaration(facts, terms, TODAY, RuleConfig())) == [
        (4, "patent_suspended"),
        (10, "currency_not_allowed"),
    ]
    assert check_declaration(PATENT, make_terms(), TODAY, RuleConfig()) == []


def test_rule_config_from_settings() -> None:
    settings = RulesSettings(min_licence_months=6, fee_caps_mode="warn", currencies=["CNY", "HKD"])
    config = RuleConfig.from_settings(settings)
    assert config.min_licence_months == 6
    assert config.fee_caps_mode == "warn"
    assert config.currencies == ("CNY", "HKD")
    assert config.royalty_cap_net_sales == Decimal("0.20")
    assert config.marketing_terms == DEFAULT_MARKETING_TERMS


# --- rules 13–16 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "active", "negotiated", "expected"),
    [
        ("exclusive", False, False, []),
        ("sole", False, False, []),
        ("exclusive", True, False, [(13, "open_licence_active")]),
        ("sole", True, False, [(13, "open_licence_active")]),
        ("exclusive", True, True, [(13, "open_licence_active")]),
    ],
)
def test_rule_13_no_exclusive_or_sole_licence_while_declared(
    kind: str, active: bool, negotiated: bool, expected: list[tuple[int, str]]
) -> None:
    violations = check_recorded_licence(kind, open_licence_active=active, negotiated=negotiated)
    assert codes(violations) == expected
    assert all(v.kind == "conflict" for v in violations)


@pytest.mark.parametrize(
    ("declared", "offered", "expected"),
    [("ab12", "ab12", []), ("ab12", "cd34", [(14, "unequal_terms")])],
)
def test_rule_14_every_acceptance_gets_identical_terms(
    declared: str, offered: str, expected: list[tuple[int, str]]
) -> None:
    assert codes(check_equal_treatment(declared, offered)) == expected


@pytest.mark.parametrize(
    ("active", "negotiated", "expected"),
    [
        (True, True, []),
        (False, False, []),
        (True, False, [(15, "negotiated_flag_required")]),
    ],
)
def test_rule_15_separate_ordinary_licence_must_be_marked_negotiated(
    active: bool, negotiated: bool, expected: list[tuple[int, str]]
) -> None:
    violations = check_recorded_licence(
        "ordinary", open_licence_active=active, negotiated=negotiated
    )
    assert codes(violations) == expected


@pytest.mark.parametrize(
    ("status", "other_active", "editable", "publishable"),
    [
        ("draft", False, [], []),
        ("draft", True, [], [(16, "active_declaration_exists")]),
        ("published", False, [(16, "declaration_immutable")], [(16, "declaration_immutable")]),
        (
            "withdrawn",
            True,
            [(16, "declaration_immutable")],
            [(16, "declaration_immutable"), (16, "active_declaration_exists")],
        ),
    ],
)
def test_rule_16_published_declaration_is_immutable(
    status: str,
    other_active: bool,
    editable: list[tuple[int, str]],
    publishable: list[tuple[int, str]],
) -> None:
    assert codes(check_declaration_editable(status)) == editable
    assert codes(check_publishable(status, other_active_version=other_active)) == publishable


# --- rules 23–24 -------------------------------------------------------------------------------

REASON = "专利技术已整体转让给他人，不再适合开放许可。"


@pytest.mark.parametrize(
    ("status", "reason", "effective", "expected"),
    [
        pytest.param("published", REASON, TODAY, [], id="valid-withdrawal"),
        pytest.param("published", REASON, date(2026, 7, 1), [], id="future-effective"),
        pytest.param("draft", REASON, TODAY, [(23, "declaration_not_published")], id="draft"),
        pytest.param(
            "published", "  no reason  ", TODAY, [(23, "withdrawal_reason_missing")], id="short"
        ),
        pytest.param(
            "published",
            "We withdraw unless licensees pay a higher fee.",
            TODAY,
            [(23, "withdrawal_conditional")],
            id="unless",
        ),
        pytest.param(
            "published",
            "撤回开放许可，前提是已缴费的被许可人补缴差价。",
            TODAY,
            [(23, "withdrawal_conditional")],
            id="前提是",
        ),
        pytest.param(
            "published", REASON, date(2026, 5, 31), [(23, "withdrawal_backdated")], id="backdated"
        ),
    ],
)
def test_rule_23_withdrawal_needs_reason_without_conditions(
    status: str, reason: str, effective: date, expected: list[tuple[int, str]]
) -> None:
    violations = check_withdrawal(status, reason, {"u1"}, PATENT, TODAY, effective)
    assert codes(violations) == expected


@pytest.mark.parametrize(
    ("status", "withdrawal_effective", "expected"),
    [
        pytest.param("published", None, [], id="published"),
        pytest.param("withdrawn", date(2026, 6, 2), [], id="withdrawal-not-yet-announced"),
        pytest.param(
            "withdrawn", TODAY, [(23, "declaration_withdrawn")], id="withdrawal-announced-today"
        ),
        pytest.param("withdrawn", None, [(23, "declaration_withdrawn")], id="withdrawn-no-date"),
        pytest.param("draft", None, [(23, "declaration_not_published")], id="draft"),
    ],
)
def test_rule_23_no_new_acceptances_after_withdrawal_announced(
    status: str, withdrawal_effective: date | None, expected: list[tuple[int, str]]
) -> None:
    violations = check_acceptable(
        declaration_status=status,
        withdrawal_effective=withdrawal_effective,
        licence_end=date(2029, 7, 1),
        patent=PATENT,
        today=TODAY,
    )
    assert codes(violations) == expected


@pytest.mark.parametrize(
    ("facts", "licence_end", "expected"),
    [
        pytest.param(PATENT, date(2029, 7, 1), [], id="in-force"),
        pytest.param(PATENT, TODAY, [], id="last-day-of-period"),
        pytest.param(
            patent(legal_status="invalidated"),
            date(2029, 7, 1),
            [(24, "patent_not_valid")],
            id="invalidated",
        ),
        pytest.param(
            patent(expiry_date=TODAY), date(2029, 7, 1), [(24, "patent_not_valid")], id="expired"
        ),
        pytest.param(PATENT, date(2026, 5, 31), [(24, "licence_period_ended")], id="period-ended"),
    ],
)
def test_rule_24_no_new_licences_once_patent_or_period_ends(
    facts: PatentFacts, licence_end: date, expected: list[tuple[int, str]]
) -> None:
    violations = check_acceptable(
        declaration_status="published",
        withdrawal_effective=None,
        licence_end=licence_end,
        patent=facts,
        today=TODAY,
    )
    assert codes(violations) == expected
    assert all(v.kind == "conflict" for v in violations)
