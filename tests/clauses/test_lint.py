"""Clause lint: rules 29 (no restriction of competition), 30 (ownership vs lister) and 14."""

from __future__ import annotations

from typing import Any

import pytest

from openlicense.clauses.library import load_library
from openlicense.clauses.lint import lint_clause_choices, restrictive_phrases
from openlicense.core.violations import RuleViolation

LIBRARY = load_library()


def lint(choices: dict[str, str], **kwargs: Any) -> list[RuleViolation]:
    return lint_clause_choices(choices, LIBRARY, **kwargs)


def codes(violations: list[RuleViolation]) -> list[tuple[int, str, str | None]]:
    return [(v.rule, v.code, v.field) for v in violations]


def test_the_defaults_pass() -> None:
    assert lint({}) == []
    assert (
        lint({}, other_terms="甲方应按季度报送销售报表。", patent_owner_kinds=("university",)) == []
    )


# ------------------------------------------------------------------------------------- rule 29


@pytest.mark.parametrize(
    "allowed",
    [
        "each_keeps_own",
        "non_exclusive_grant_back_free",
        "non_exclusive_grant_back_paid",
        "right_of_first_refusal",
    ],
)
def test_rule_29_non_exclusive_improvement_options_pass(allowed: str) -> None:
    assert lint({"improvements": allowed}) == []


def test_rule_29_exclusive_grant_back_is_refused() -> None:
    (violation,) = lint({"improvements": "exclusive_grant_back"})
    assert codes([violation]) == [(29, "clause_restricts_competition", "clauses.improvements")]
    assert violation.kind == "invalid" and not violation.warning
    assert "Improvements (后续改进)" in violation.message
    assert "exclusive_grant_back" in violation.message


def test_rule_29_bar_on_own_rnd_is_refused() -> None:
    assert lint({"rnd_restriction": "none"}) == []
    (violation,) = lint({"rnd_restriction": "no_own_rnd"})
    assert codes([violation]) == [(29, "clause_restricts_competition", "clauses.rnd_restriction")]
    assert "no_own_rnd" in violation.message


def test_rule_29_no_validity_challenge_is_refused_pending_counsel() -> None:
    assert lint({"no_challenge": "none"}) == []
    (violation,) = lint({"no_challenge": "no_validity_challenge"})
    assert codes([violation]) == [(29, "clause_restricts_competition", "clauses.no_challenge")]
    assert "counsel" in violation.message


@pytest.mark.parametrize(
    "text",
    [
        "被许可人的改进应独占回授给许可人。",
        "改进技术须独占性回授。",
        "被许可人不得自行研发同类技术。",
        "甲方不得研发竞争产品。",
        "甲方不得提出无效宣告请求。",
        "甲方不得对专利有效性提出异议。",
        "Improvements are subject to an exclusive grant-back.",
        "The licensee shall grant back exclusively all improvements.",
        "The licensee shall not conduct research on the patent.",
        "The Licensee SHALL NOT CHALLENGE THE VALIDITY of the patent.",
        "要求独占 回授",
    ],
)
def test_rule_29_restrictive_other_terms_are_refused(text: str) -> None:
    violations = lint({}, other_terms=text)
    assert violations, text
    assert {(v.rule, v.code, v.field, v.kind) for v in violations} == {
        (29, "clause_restricts_competition", "other_terms", "invalid")
    }


@pytest.mark.parametrize(
    "text",
    [
        "改进归改进方所有，双方可相互授予非独占性回授许可。",
        "Improvements may be licensed back on a non-exclusive grant-back basis.",
        "本协议不构成独占性回授。",
        "There is no exclusive grant-back.",
        "The licensee may challenge the validity of the patent.",
        None,
        "",
    ],
)
def test_rule_29_harmless_other_terms_pass(text: str | None) -> None:
    assert lint({}, other_terms=text) == []


def test_rule_29_every_allowed_clause_text_passes_the_phrase_scan() -> None:
    for clause in LIBRARY:
        if not clause.restricts_competition:
            assert restrictive_phrases(clause.text_zh + clause.text_en) == [], clause.key


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        ({"escrow": "none"}, "clauses.escrow"),
        ({"improvements": "share_everything"}, "clauses.improvements"),
        ({"ownership.scenario": "univ_owns"}, "clauses.ownership.scenario"),
    ],
)
def test_rule_29_unknown_clause_is_refused(choices: dict[str, str], field: str) -> None:
    assert codes(lint(choices)) == [(29, "unknown_clause", field)]


def test_rule_29_known_clause_passes() -> None:
    assert lint({"improvements": "right_of_first_refusal", "ownership.scenario": "UNIV_OWNS"}) == []


# ------------------------------------------------------------------------------------- rule 14


@pytest.mark.parametrize(
    ("key", "fixed"),
    [
        ("ol.fee_standard", "as_declared"),
        ("ol.period", "as_declared"),
        ("ol.scope", "non_exclusive_mainland_own_use"),
        ("ol.reporting_audit", "per_declared_schedule"),
        ("ol.withdrawal_effect", "survives_to_end"),
    ],
)
def test_rule_14_open_licence_terms_are_fixed(key: str, fixed: str) -> None:
    assert lint({key: fixed}) == []
    (violation,) = lint({key: "negotiated_per_licensee"})
    assert codes([violation]) == [(14, "clause_fixed_for_open_licence", f"clauses.{key}")]
    assert violation.kind == "invalid"
    assert fixed in violation.message


# ------------------------------------------------------------------------------------- rule 30


def test_rule_30_enterprise_owned_ip_cannot_be_listed_by_a_university() -> None:
    choices = {"ownership.scenario": "ENTERPRISE_OWNS"}
    (violation,) = lint(choices)
    assert codes([violation]) == [(30, "ownership_scenario_conflict", "clauses.ownership.scenario")]
    assert violation.kind == "conflict"
    assert lint(choices, lister_kind="enterprise") == []
    assert lint({"ownership.scenario": "UNIV_OWNS"}, lister_kind="university") == []


def test_rule_30_joint_ip_needs_every_co_owners_consent() -> None:
    explicit = {"ownership.scenario": "JOINT", "open_licence_consent": "owner_alone"}
    implicit = {"ownership.scenario": "JOINT"}  # the default consent is owner_alone
    for choices in (explicit, implicit):
        (violation,) = lint(choices)
        assert codes([violation]) == [
            (30, "ownership_scenario_conflict", "clauses.open_licence_consent")
        ]
        assert violation.kind == "conflict"
        assert "all_co_owners_in_writing" in violation.message
    assert lint({**implicit, "open_licence_consent": "all_co_owners_in_writing"}) == []


def test_rule_30_co_owned_patent_needs_every_co_owners_consent() -> None:
    owners = ("university", "enterprise")
    assert codes(lint({}, patent_owner_kinds=owners)) == [
        (30, "ownership_scenario_conflict", "clauses.open_licence_consent")
    ]
    assert (
        lint({"open_licence_consent": "all_co_owners_in_writing"}, patent_owner_kinds=owners) == []
    )
    assert lint({}, patent_owner_kinds=("university",)) == []


def test_rule_30_choice_for_a_key_the_scenario_excludes() -> None:
    choices = {"ownership.scenario": "UNIV_OWNS", "university_rights": "none"}
    assert codes(lint(choices)) == [(30, "clause_not_applicable", "clauses.university_rights")]
    enterprise_owns = {"ownership.scenario": "ENTERPRISE_OWNS", "university_rights": "none"}
    assert lint(enterprise_owns, lister_kind="enterprise") == []
    assert lint({"ownership.scenario": "EACH_OWNS_OWN", "ownership.joint_shares": "equal"}) == []


def test_every_problem_is_reported_at_once() -> None:
    violations = lint(
        {
            "ownership.scenario": "JOINT",
            "improvements": "exclusive_grant_back",
            "ol.scope": "exclusive",
            "escrow": "none",
            "enterprise_rights": "option_assignment",
        },
        other_terms="The licensee shall not challenge the validity of the patent.",
    )
    assert codes(violations) == [
        (29, "clause_restricts_competition", "clauses.improvements"),
        (14, "clause_fixed_for_open_licence", "clauses.ol.scope"),
        (29, "unknown_clause", "clauses.escrow"),
        (30, "clause_not_applicable", "clauses.enterprise_rights"),
        (30, "ownership_scenario_conflict", "clauses.open_licence_consent"),
        (29, "clause_restricts_competition", "other_terms"),
    ]
