"""The versioned clause library (domain.md §5): loading, validation, resolution."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import pytest

from openlicense.clauses.library import (
    ALLOWED_PLACEHOLDERS,
    LIBRARY_DIR,
    ClauseLibraryError,
    ClauseVersion,
    UnknownClause,
    clause_index,
    clause_keys,
    clause_set_ref,
    clauses_from_ref,
    default_options,
    load_library,
    placeholders,
    resolve_clause_set,
)

LIBRARY = load_library()
LAUNCH = date(2026, 11, 23)
AFTER_LAUNCH = date(2026, 12, 1)

EXPECTED: dict[str, set[str]] = {
    # A. common clauses
    "definitions": {"standard"},
    "confidentiality": {"general", "general_with_nda"},
    # B. ownership scenario
    "ownership.scenario": {"UNIV_OWNS", "ENTERPRISE_OWNS", "JOINT", "EACH_OWNS_OWN"},
    "ownership.joint_shares": {"equal", "by_contribution"},
    "ownership.joint_exercise": {
        "statutory_default",
        "consent_for_every_licence",
        "managing_party",
    },
    # C. topic clauses
    "background_ip": {"project_use_only", "free_licence_to_exploit", "paid_licence_fair_terms"},
    "application_right": {"owner_files_and_pays", "other_party_reimburses", "joint_filing"},
    "prosecution_maintenance": {"owner_pays", "shared_by_ratio", "first_option_before_abandonment"},
    "enterprise_rights": {
        "free_non_exclusive",
        "paid_non_exclusive",
        "option_exclusive_licence",
        "option_assignment",
        "first_refusal_on_transfer",
    },
    "university_rights": {"research_teaching_and_publication", "none"},
    "commercialisation_duty": {"none", "annual_report", "non_use_reversion"},
    "third_party_licensing": {"owner_free", "needs_consent", "ordinary_only_without_consent"},
    "open_licence_consent": {"owner_alone", "all_co_owners_in_writing"},
    "revenue_sharing": {"by_ownership_share", "fixed_percentage", "by_contribution"},
    "improvements": {
        "each_keeps_own",
        "non_exclusive_grant_back_free",
        "non_exclusive_grant_back_paid",
        "right_of_first_refusal",
        "exclusive_grant_back",
    },
    "rnd_restriction": {"none", "no_own_rnd"},
    "know_how": {"use_consent_to_transfer", "statutory_default", "owner_only"},
    "publication": {"prior_review", "prior_review_with_redaction", "no_restriction"},
    "attribution": {"inventors_named"},
    "warranties": {"statutory", "as_is_disclosed_risk"},
    "infringement": {"owner_enforces", "lead_party_costs_split", "third_party_claims_as_agreed"},
    "invalidation": {"statutory", "pro_rata_refund"},
    "no_challenge": {"none", "no_validity_challenge"},
    "breach": {"arrears_penalty_then_stop", "liquidated_damages"},
    "dispute_resolution": {"mediation_then_court", "arbitration"},
    "term_termination": {"fixed_period", "until_patent_expiry"},
    "recording": {"patentee_files", "licensee_files", "platform_files"},
    # D. open-licence acceptance terms (fixed)
    "ol.fee_standard": {"as_declared"},
    "ol.period": {"as_declared"},
    "ol.scope": {"non_exclusive_mainland_own_use"},
    "ol.reporting_audit": {"per_declared_schedule"},
    "ol.withdrawal_effect": {"survives_to_end"},
}

SECTION_5_ORDER = (
    "definitions",
    "confidentiality",
    "ownership.scenario",
    "ownership.joint_shares",
    "ownership.joint_exercise",
    "background_ip",
    "application_right",
    "prosecution_maintenance",
    "enterprise_rights",
    "university_rights",
    "commercialisation_duty",
    "third_party_licensing",
    "open_licence_consent",
    "revenue_sharing",
    "improvements",
    "rnd_restriction",
    "know_how",
    "publication",
    "attribution",
    "warranties",
    "infringement",
    "invalidation",
    "no_challenge",
    "breach",
    "dispute_resolution",
    "term_termination",
    "recording",
    "ol.fee_standard",
    "ol.period",
    "ol.scope",
    "ol.reporting_audit",
    "ol.withdrawal_effect",
)

VALUES: dict[str, Any] = {
    "licensor_name": "浙江大学",
    "licensee_name": "杭州示例科技有限公司",
    "patent_number": "ZL201710601862.3",
    "patent_title": "一种锂电池负极材料",
    "licence_start": "2027-01-01",
    "licence_end": "2029-12-31",
    "fee_standard_zh": "一次性支付人民币100,000元",
    "fee_standard_en": "a lump sum of RMB 100,000",
    "confidentiality_years": 3,
    "publication_review_days": 60,
    "arbitration_commission": "中国国际经济贸易仲裁委员会 / CIETAC",
}

RENDER = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)


def shipped_rows() -> list[dict[str, Any]]:
    return json.loads(next(LIBRARY_DIR.glob("*.json")).read_text(encoding="utf-8"))


def library_dir(tmp_path: Path, *extra_files: tuple[str, list[dict[str, Any]]]) -> Path:
    """The shipped library plus extra files, in a temporary directory."""
    for path in LIBRARY_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    for name, rows in extra_files:
        (tmp_path / name).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def row(key: str, option: str, /, **changes: Any) -> dict[str, Any]:
    """A shipped row, with `changes` (which may rename its key or option)."""
    found = next(r for r in shipped_rows() if r["key"] == key and r["option"] == option)
    return {**found, **changes}


# ------------------------------------------------------------------------------------- loading


def test_library_loads() -> None:
    assert LIBRARY
    assert all(isinstance(c, ClauseVersion) for c in LIBRARY)
    assert {c.effective_from for c in LIBRARY} == {LAUNCH}
    assert {c.version for c in LIBRARY} == {1}


def test_every_section_5_key_and_option_is_present() -> None:
    index = clause_index(LIBRARY)
    assert {key: set(options) for key, options in index.items()} == EXPECTED


def test_keys_follow_the_section_5_order() -> None:
    assert clause_keys(LIBRARY) == SECTION_5_ORDER


def test_exactly_one_default_per_key() -> None:
    for key, options in clause_index(LIBRARY).items():
        defaults = [o for o, versions in options.items() if versions[-1].default]
        assert len(defaults) == 1, key
    assert default_options(LIBRARY)["ownership.scenario"] == "UNIV_OWNS"
    assert default_options(LIBRARY)["improvements"] == "each_keeps_own"


def test_open_licence_terms_are_fixed_and_nothing_else_is() -> None:
    for c in LIBRARY:
        assert c.fixed_for_open_licence == c.key.startswith("ol."), c.key
        if c.fixed_for_open_licence:
            assert c.default


def test_restrictive_options_are_flagged_by_name() -> None:
    restrictive = {(c.key, c.option) for c in LIBRARY if c.restricts_competition}
    assert restrictive == {
        ("improvements", "exclusive_grant_back"),
        ("rnd_restriction", "no_own_rnd"),
        ("no_challenge", "no_validity_challenge"),
    }
    counsel = {(c.key, c.option) for c in LIBRARY if c.needs_counsel}
    assert counsel == {("no_challenge", "no_validity_challenge")}


def test_scenario_specific_keys() -> None:
    scenario = {c.key: c.scenarios for c in LIBRARY if c.scenario}
    assert scenario == {
        "enterprise_rights": {"UNIV_OWNS"},
        "university_rights": {"ENTERPRISE_OWNS"},
        "ownership.joint_shares": {"JOINT", "EACH_OWNS_OWN"},
        "ownership.joint_exercise": {"JOINT", "EACH_OWNS_OWN"},
    }


def test_definitions_say_who_party_a_and_party_b_are() -> None:
    (definitions,) = (c for c in LIBRARY if c.key == "definitions")
    assert "甲方指被许可人" in definitions.text_zh and "乙方指许可人" in definitions.text_zh
    assert "Party A means the licensee" in definitions.text_en
    assert "Party B" in definitions.text_en and "the licensor" in definitions.text_en


@pytest.mark.parametrize("clause", LIBRARY, ids=lambda c: f"{c.key}={c.option}")
def test_every_text_renders_with_the_allowed_placeholders(clause: ClauseVersion) -> None:
    for text in (clause.text_zh, clause.text_en):
        assert placeholders(text) <= ALLOWED_PLACEHOLDERS
        rendered = RENDER.from_string(text).render(**VALUES)
        assert "{{" not in rendered and "}}" not in rendered and "{%" not in rendered
        assert rendered.strip()
    assert clause.title_zh and clause.title_en and clause.legal_anchor and clause.source


def test_arbitration_commission_only_in_the_arbitration_option() -> None:
    users = {
        (c.key, c.option)
        for c in LIBRARY
        if "arbitration_commission" in placeholders(c.text_zh) | placeholders(c.text_en)
    }
    assert users == {("dispute_resolution", "arbitration")}


def test_titles_agree_within_a_key() -> None:
    for key, options in clause_index(LIBRARY).items():
        titles = {(v.title_zh, v.title_en) for vs in options.values() for v in vs}
        assert len(titles) == 1, key


# ---------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([row("improvements", "each_keeps_own")], "duplicate"),
        ([row("improvements", "right_of_first_refusal", version=2, default=True)], "default"),
        (
            [row("publication", "prior_review", version=2, text_en="Hello {{ licensee_email }}")],
            "placeholders not allowed",
        ),
        (
            [
                row(
                    "breach",
                    "liquidated_damages",
                    version=2,
                    text_en="{{ arbitration_commission }}",
                )
            ],
            "not allowed here",
        ),
        ([row("breach", "liquidated_damages", version=2, colour="red")], "unknown fields"),
        ([row("breach", "liquidated_damages", version=2, text_zh="{{ oops")], "v2"),
        ([row("breach", "liquidated_damages", version=True)], "wrong type"),
        (
            [row("breach", "liquidated_damages", version=2, effective_from="2026-01-01")],
            "takes effect earlier",
        ),
        ([row("ol.scope", "non_exclusive_mainland_own_use", option="exclusive")], "default"),
        ([row("recording", "licensee_files", version=2, fixed_for_open_licence=True)], "ol.*"),
        ([row("recording", "licensee_files", version=2, scenario="NOBODY_OWNS")], "scenario"),
    ],
)
def test_invalid_library_is_refused(
    tmp_path: Path, rows: list[dict[str, Any]], message: str
) -> None:
    directory = library_dir(tmp_path, ("2027-01-clauses-v2.json", rows))
    with pytest.raises(ClauseLibraryError, match=message):
        load_library(directory)


def test_empty_library_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ClauseLibraryError):
        load_library(tmp_path)


# ---------------------------------------------------------------------------------- resolution


def test_resolve_picks_the_defaults() -> None:
    clauses = resolve_clause_set({}, LIBRARY, on=AFTER_LAUNCH)
    defaults = default_options(LIBRARY)
    assert all(c.default for c in clauses)
    assert {c.key: c.option for c in clauses} == {
        k: o
        for k, o in defaults.items()
        if k not in {"university_rights", "ownership.joint_shares", "ownership.joint_exercise"}
    }
    assert [c.key for c in clauses] == [k for k in SECTION_5_ORDER if k in {c.key for c in clauses}]


def test_resolve_honours_choices() -> None:
    choices = {"improvements": "right_of_first_refusal", "dispute_resolution": "arbitration"}
    chosen = {c.key: c.option for c in resolve_clause_set(choices, LIBRARY, on=AFTER_LAUNCH)}
    assert chosen["improvements"] == "right_of_first_refusal"
    assert chosen["dispute_resolution"] == "arbitration"
    assert chosen["breach"] == "arrears_penalty_then_stop"


@pytest.mark.parametrize(
    ("scenario", "included", "excluded"),
    [
        (
            "UNIV_OWNS",
            {"enterprise_rights"},
            {"university_rights", "ownership.joint_shares", "ownership.joint_exercise"},
        ),
        (
            "ENTERPRISE_OWNS",
            {"university_rights"},
            {"enterprise_rights", "ownership.joint_shares", "ownership.joint_exercise"},
        ),
        (
            "JOINT",
            {"ownership.joint_shares", "ownership.joint_exercise"},
            {"enterprise_rights", "university_rights"},
        ),
        (
            "EACH_OWNS_OWN",
            {"ownership.joint_shares", "ownership.joint_exercise"},
            {"enterprise_rights", "university_rights"},
        ),
    ],
)
def test_resolve_includes_scenario_specific_keys_only_when_they_apply(
    scenario: str, included: set[str], excluded: set[str]
) -> None:
    choices = {"ownership.scenario": scenario, "enterprise_rights": "option_assignment"}
    keys = {c.key for c in resolve_clause_set(choices, LIBRARY, on=AFTER_LAUNCH)}
    assert included <= keys
    assert not excluded & keys
    assert {"definitions", "improvements", "ol.scope"} <= keys


def test_resolve_picks_the_latest_version_in_effect(tmp_path: Path) -> None:
    v2 = row(
        "improvements",
        "each_keeps_own",
        version=2,
        effective_from="2027-01-01",
        text_en="Each party keeps its own Improvements. Nothing restricts further research.",
    )
    library = load_library(library_dir(tmp_path, ("2027-01-clauses-v2.json", [v2])))

    def improvements(on: date) -> ClauseVersion:
        return next(c for c in resolve_clause_set({}, library, on=on) if c.key == "improvements")

    assert improvements(date(2026, 12, 31)).version == 1
    assert improvements(date(2027, 1, 1)).version == 2
    assert improvements(date(2030, 1, 1)).text_en.startswith("Each party keeps")


def test_resolve_follows_a_default_that_moves_to_another_option(tmp_path: Path) -> None:
    later = "2027-06-01"
    rows = [
        row("dispute_resolution", "mediation_then_court", version=2, default=False),
        row("dispute_resolution", "arbitration", version=2, default=True),
    ]
    rows = [{**r, "effective_from": later} for r in rows]
    library = load_library(library_dir(tmp_path, ("2027-06-clauses-v2.json", rows)))

    def disputes(on: date) -> str:
        resolved = resolve_clause_set({}, library, on=on)
        return next(c.option for c in resolved if c.key == "dispute_resolution")

    assert disputes(date(2027, 5, 31)) == "mediation_then_court"
    assert disputes(date(2027, 6, 1)) == "arbitration"


def test_keys_and_options_not_yet_in_effect(tmp_path: Path) -> None:
    new = row(
        "recording",
        "licensee_files",
        key="escrow",
        option="none",
        effective_from="2027-03-01",
        title_zh="托管",
        title_en="Escrow",
        default=True,
    )
    library = load_library(library_dir(tmp_path, ("2027-03-clauses-v2.json", [new])))
    assert "escrow" not in {c.key for c in resolve_clause_set({}, library, on=date(2027, 2, 28))}
    assert "escrow" in {c.key for c in resolve_clause_set({}, library, on=date(2027, 3, 1))}
    with pytest.raises(UnknownClause, match="not in effect"):
        resolve_clause_set({"escrow": "none"}, library, on=date(2027, 2, 28))
    assert resolve_clause_set({}, LIBRARY, on=date(2026, 11, 22)) == ()


@pytest.mark.parametrize(
    ("choices", "key", "option"),
    [
        ({"escrow": "none"}, "escrow", "none"),
        ({"improvements": "share_everything"}, "improvements", "share_everything"),
        ({"ownership.scenario": "univ_owns"}, "ownership.scenario", "univ_owns"),
    ],
)
def test_resolve_raises_unknown_clause(choices: dict[str, str], key: str, option: str) -> None:
    with pytest.raises(UnknownClause) as raised:
        resolve_clause_set(choices, LIBRARY, on=AFTER_LAUNCH)
    assert isinstance(raised.value, ValueError)
    assert (raised.value.key, raised.value.option) == (key, option)


def test_clause_set_ref_round_trips() -> None:
    clauses = resolve_clause_set({"ownership.scenario": "JOINT"}, LIBRARY, on=AFTER_LAUNCH)
    ref = clause_set_ref(clauses)
    assert ref[0] == {"key": "definitions", "option": "standard", "version": 1}
    assert json.loads(json.dumps(ref)) == ref
    assert clauses_from_ref(ref, LIBRARY) == clauses
    with pytest.raises(UnknownClause):
        clauses_from_ref([{"key": "definitions", "option": "standard", "version": 9}], LIBRARY)
