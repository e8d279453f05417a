"""Pure lint of an agreement's clause choices (domain.md §4 rules 29 and 30, and 14).

`lint_clause_choices` returns every problem at once, as RuleViolations:

- `unknown_clause` (rule 29, invalid): a choice names a key or option the library lacks.
- `clause_fixed_for_open_licence` (rule 14, invalid): an `ol.*` choice differs from its fixed
  option.
- `clause_restricts_competition` (rule 29, invalid): a chosen option is flagged
  `restricts_competition`, or `other_terms` contains a restrictive phrase (field `other_terms`).
- `clause_not_applicable` (rule 30, invalid): a choice for a key the ownership scenario excludes.
- `ownership_scenario_conflict` (rule 30, conflict): the scenario disagrees with who declares
  the open licence.

Rule 14 (not 29) for `ol.*`: those terms are generated from the declaration and must be
byte-identical for every licensee (equal treatment). `unknown_clause` carries rule 29 because it
is a finding of the same template lint.

A `needs_counsel` option (the validity no-challenge) is refused like the others, with a message
saying counsel must confirm before it could ever be allowed: refusing is the safe side of rule 29.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from openlicense.clauses.library import (
    OPEN_LICENCE_PREFIX,
    SCENARIO_KEY,
    ClauseVersion,
    clause_index,
    default_options,
)
from openlicense.clauses.restrictive import findings
from openlicense.core.violations import RuleViolation

CONSENT_KEY = "open_licence_consent"
CONSENT_OWNER_ALONE = "owner_alone"
CONSENT_ALL_CO_OWNERS = "all_co_owners_in_writing"
ENTERPRISE_OWNS = "ENTERPRISE_OWNS"
JOINT = "JOINT"

RESTRICTIVE_PHRASES: tuple[str, ...] = (
    "独占回授",
    "独占性回授",
    "独占性强制回授",
    "不得自行研发",
    "不得研发",
    "不得提出无效",
    "不得对专利有效性提出异议",
    "exclusive grant back",
    "exclusive grantback",
    "grant back exclusively",
    "shall not conduct research",
    "shall not challenge the validity",
)
"""Rule 29: phrases in free-text terms that restrict technical competition or development
(CC 850, 864). Matched case-insensitively; hyphens and spacing are ignored, so "exclusive
grant-back" matches. Like the marketing-language list, a hit is an error the TTO rewords."""

RESTRICTIVE_EXEMPTIONS: tuple[str, ...] = (
    "不构成独占性回授",
    "不构成独占回授",
    "不要求独占回授",
    "不要求独占性回授",
    "不得要求独占回授",
    "不得要求独占性回授",
    "无独占回授",
    "not an exclusive grant back",
    "no exclusive grant back",
    "does not constitute an exclusive grant back",
)
"""Phrases that contain a restrictive phrase but say the opposite (removed before scanning)."""

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_]+")
_NEGATED_CJK = "(?<!非)"
"""非独占性回授 (non-exclusive grant-back) contains 独占性回授 but is allowed."""
_NEGATED_EN = r"(?<!non )(?<![a-z])"
""""non-exclusive grant-back" contains "exclusive grant back" but is allowed."""


def _normalise(text: str) -> str:
    return _SEPARATORS.sub(" ", text.casefold()).strip()


def _pattern(phrase: str) -> re.Pattern[str]:
    needle = _normalise(phrase)
    if re.search(r"[a-z]", needle):
        return re.compile(_NEGATED_EN + re.escape(needle) + r"(?![a-z])")
    return re.compile(_NEGATED_CJK + re.escape(needle.replace(" ", "")))


def restrictive_phrases(text: str) -> list[str]:
    """The RESTRICTIVE_PHRASES found in `text`, in list order."""
    normal = _normalise(text)
    for exemption in RESTRICTIVE_EXEMPTIONS:
        normal = normal.replace(_normalise(exemption), " ")
    compact = normal.replace(" ", "")  # Chinese phrases match across stray spaces
    found: list[str] = []
    for phrase in RESTRICTIVE_PHRASES:
        pattern = _pattern(phrase)
        haystack = normal if re.search(r"[a-z]", phrase) else compact
        if pattern.search(haystack):
            found.append(phrase)
    return found


def lint_clause_choices(
    choices: Mapping[str, str],
    library: Iterable[ClauseVersion],
    *,
    other_terms: str | None = None,
    patent_owner_kinds: Sequence[str] = (),
    lister_kind: str = "university",
) -> list[RuleViolation]:
    """Every rule 14/29/30 problem with `choices` (key → option); each check in key order.

    `other_terms` is the agreement's or declaration's free text. `patent_owner_kinds` are the
    organisation kinds of the patent's registered owners (e.g. `("university", "enterprise")`);
    two or more owners make it co-owned. `lister_kind` is the kind of organisation declaring the
    open licence. Unchosen keys count as their default option (the one `resolve_clause_set`
    would use).
    """
    library = tuple(library)
    latest: Latest = {
        key: {o: vs[-1] for o, vs in options.items()}
        for key, options in clause_index(library).items()
    }
    defaults = default_options(library)
    violations: list[RuleViolation] = []
    valid: dict[str, str] = {}
    ordered = [k for k in latest if k in choices] + [k for k in choices if k not in latest]
    for key in ordered:
        problem = _choice_problem(key, choices[key], latest, defaults)
        if problem is not None:
            violations.append(problem)
            continue
        valid[key] = choices[key]
        clause = latest[key][choices[key]]
        if clause.restricts_competition:
            violations.append(_restricts(clause, f"clauses.{key}"))
    scenario = valid.get(SCENARIO_KEY, defaults.get(SCENARIO_KEY))
    violations += _not_applicable(valid, latest, scenario)
    consent = valid.get(CONSENT_KEY, defaults.get(CONSENT_KEY))
    violations += _ownership(scenario, consent, patent_owner_kinds, lister_kind)
    violations += _restrictive_text(other_terms)
    return violations


Latest = dict[str, dict[str, ClauseVersion]]
"""Clause key → option → its latest version."""


def _choice_problem(
    key: str, option: str, latest: Latest, defaults: Mapping[str, str]
) -> RuleViolation | None:
    """Rules 14 and 29: the key and option exist, and open-licence terms keep their fixed option."""
    field = f"clauses.{key}"
    if key not in latest:
        return RuleViolation(29, "unknown_clause", f"There is no clause key {key!r}.", field=field)
    options = latest[key]
    fixed = defaults.get(key)
    if key.startswith(OPEN_LICENCE_PREFIX) and option != fixed:
        title = _title(options[fixed]) if fixed else key
        return RuleViolation(
            14,
            "clause_fixed_for_open_licence",
            f"{title} is generated from the declaration and is the same for every "
            f"licensee: it must be {fixed!r}, not {option!r}.",
            field=field,
        )
    if option not in options:
        some = next(iter(options.values()))
        return RuleViolation(
            29,
            "unknown_clause",
            f"{_title(some)} has no option {option!r}; choose one of {', '.join(sorted(options))}.",
            field=field,
        )
    return None


def _not_applicable(
    valid: Mapping[str, str], latest: Latest, scenario: str | None
) -> list[RuleViolation]:
    """Rule 30: a clause that belongs to another ownership scenario."""
    out = []
    for key, option in valid.items():
        clause = latest[key][option]
        if not clause.applies_to(scenario):
            out.append(
                RuleViolation(
                    30,
                    "clause_not_applicable",
                    f"{_title(clause)} applies only when the ownership scenario is "
                    f"{' or '.join(sorted(clause.scenarios))}, not {scenario}; remove the choice "
                    "or change the scenario.",
                    field=f"clauses.{key}",
                )
            )
    return out


MEANINGS = {
    "own_research_barred": "bars the licensee's own research and development",
    "competition_barred": "bars the licensee from competing technologies or products",
    "exclusive_grant_back": "demands an exclusive or assigned grant-back of improvements",
    "no_challenge": "bars the licensee from challenging the patent's validity",
}


def _restrictive_text(other_terms: str | None) -> list[RuleViolation]:
    """Rule 29 on free text: phrases that restrict technical competition or development, and
    their paraphrases (`restrictive.findings`); rule 19: no grant of sublicensing rights."""
    out = [
        RuleViolation(
            29,
            "clause_restricts_competition",
            f"The other terms contain “{phrase}”, which restricts technical competition "
            "or development (CC 850, 864); remove or reword it.",
            field="other_terms",
        )
        for phrase in restrictive_phrases(other_terms or "")
    ]
    flagged = bool(out)
    for finding in findings(other_terms):
        if finding.rule == 19:
            out.append(
                RuleViolation(
                    19,
                    "sublicensing_not_allowed",
                    f"rule 19: “{finding.sentence}” lets the licensee sublicense; an open "
                    "licence is for the licensee's own use only (PL 12, CC 867).",
                    field="other_terms",
                )
            )
        elif not flagged:
            out.append(
                RuleViolation(
                    29,
                    "clause_restricts_competition",
                    f"rule 29: “{finding.sentence}” {MEANINGS[finding.meaning]}, which "
                    "restricts technical competition or development (CC 850, 864); remove "
                    "or reword it.",
                    field="other_terms",
                )
            )
    return out


def _title(clause: ClauseVersion) -> str:
    return f"{clause.title_en} ({clause.title_zh})"


def _restricts(clause: ClauseVersion, field: str) -> RuleViolation:
    message = (
        f"{_title(clause)}: option {clause.option!r} restricts technical competition or "
        "development and cannot be used (CC 850, 864)."
    )
    if clause.needs_counsel:
        message += (
            " It stays refused unless counsel confirms in writing that it is not restrictive."
        )
    return RuleViolation(29, "clause_restricts_competition", message, field=field)


def _ownership(
    scenario: str | None,
    consent: str | None,
    patent_owner_kinds: Sequence[str],
    lister_kind: str,
) -> list[RuleViolation]:
    """Rule 30: the ownership scenario must agree with who may declare the open licence."""
    found: list[RuleViolation] = []
    if scenario == ENTERPRISE_OWNS and lister_kind == "university":
        found.append(
            RuleViolation(
                30,
                "ownership_scenario_conflict",
                "Ownership scenario ENTERPRISE_OWNS (个性条款2) gives the project IP to the "
                "enterprise, so a university cannot declare an open licence for it.",
                kind="conflict",
                field=f"clauses.{SCENARIO_KEY}",
            )
        )
    co_owned = len(patent_owner_kinds) > 1
    if consent == CONSENT_OWNER_ALONE and (scenario == JOINT or co_owned):
        why = (
            "ownership scenario JOINT (个性条款3) makes the IP jointly owned"
            if scenario == JOINT
            else "the patent has more than one registered owner"
        )
        found.append(
            RuleViolation(
                30,
                "ownership_scenario_conflict",
                f"Consent to open-licence declaration (开放许可声明同意) is 'owner_alone', but "
                f"{why}: declaring needs every co-owner's written consent "
                f"(choose {CONSENT_ALL_CO_OWNERS!r}; PL 14, 50).",
                kind="conflict",
                field=f"clauses.{CONSENT_KEY}",
            )
        )
    return found
