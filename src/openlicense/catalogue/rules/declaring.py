"""Open-licence rules of domain.md §4 (1–16, 23–24) as pure functions.

Each `check_*` composes one small function per rule and returns `list[RuleViolation]`; an empty
list means allowed. No database, no web, no clock: callers pass `today` and plain facts.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from openlicense.catalogue.rules.facts import LicenceFacts, OwnerFacts, PatentFacts, RuleConfig
from openlicense.catalogue.rules.terms import (
    fee_caps,
    fee_standard_computable,
    field_of_use_uniform,
    marketing_language,
)
from openlicense.catalogue.rules.words import CONDITION_EXEMPTIONS, CONDITION_TERMS, find_terms
from openlicense.core.dates import add_months, months_between
from openlicense.core.violations import RuleViolation
from openlicense.pricing.fee_standards import Staged

if TYPE_CHECKING:
    from openlicense.catalogue.terms import DeclarationTerms

EXCLUSIVE_KINDS = frozenset({"exclusive", "sole"})  # 独占, 排他
ENDED_STATUSES = frozenset({"lapsed", "expired", "invalidated"})
REPORT_REQUIRED = frozenset({"utility_model", "design"})


def _conflict(rule: int, code: str, message: str, field: str | None = None) -> RuleViolation:
    return RuleViolation(rule=rule, code=code, message=message, kind="conflict", field=field)


def _invalid(rule: int, code: str, message: str, field: str | None = None) -> RuleViolation:
    return RuleViolation(rule=rule, code=code, message=message, kind="invalid", field=field)


def _owner_list(owners: list[OwnerFacts]) -> str:
    return ", ".join(o.name or o.owner_id or "(unnamed)" for o in owners)


# --- rules 1–7: may this patent be declared open? ------------------------------------------


def _rule_01_granted_and_valid(p: PatentFacts, today: date) -> list[RuleViolation]:
    """PL 50, IR 85: only after the grant is announced, and only while the patent is in force."""
    out = []
    if p.legal_status == "pending" or p.announcement_date is None or p.announcement_date > today:
        msg = "The grant of the patent has not been announced yet."
        out.append(_conflict(1, "patent_not_granted", msg, "legal_status"))
    if p.legal_status in ENDED_STATUSES or p.expiry_date <= today:
        msg = f"The patent is not in force (status {p.legal_status}, expiry {p.expiry_date})."
        out.append(_conflict(1, "patent_not_valid", msg, "legal_status"))
    return out


def _rule_02_evaluation_report(p: PatentFacts) -> list[RuleViolation]:
    """PL 50; CNIPA FAQ: a utility model or design needs a positive evaluation report (评价报告)."""
    if p.patent_type not in REPORT_REQUIRED:
        return []
    if p.evaluation_conclusion is None:
        msg = f"A {p.patent_type} declaration needs an evaluation report (专利权评价报告)."
        return [_conflict(2, "evaluation_report_missing", msg, "evaluation_conclusion")]
    if p.evaluation_conclusion != "positive":
        msg = "The evaluation report does not conclude that the patent meets the grant conditions."
        return [_conflict(2, "evaluation_report_negative", msg, "evaluation_conclusion")]
    return []


def _exclusive_in_force(lic: LicenceFacts, today: date) -> bool:
    terminated = lic.terminated_on is not None and lic.terminated_on <= today
    return lic.kind in EXCLUSIVE_KINDS and lic.start <= today <= lic.end and not terminated


def _rule_03_no_exclusive_licence(p: PatentFacts, today: date) -> list[RuleViolation]:
    """IR 86(1): not while an exclusive (独占) or sole (排他) licence is in its term."""
    active = [lic for lic in p.licences if _exclusive_in_force(lic, today)]
    if not active:
        return []
    lic = active[0]
    msg = f"The {lic.kind} licence runs {lic.start} to {lic.end}; no open licence until it ends."
    return [_conflict(3, "exclusive_licence_active", msg, "licences")]


def _rule_04_not_suspended(p: PatentFacts) -> list[RuleViolation]:
    """IR 86(2), 103–105: not while proceedings are suspended (中止)."""
    if not p.suspended:
        return []
    msg = "Proceedings on the patent are suspended (ownership dispute or preservation order)."
    return [_conflict(4, "patent_suspended", msg, "suspended")]


def _rule_05_annual_fee_paid(p: PatentFacts, today: date) -> list[RuleViolation]:
    """IR 86(3), 115: fees paid up; the 6-month late-payment period (滞纳期) does not count."""
    paid = p.annual_fee_paid_through
    if paid is not None and paid >= today:
        return []
    msg = f"The annual fee is unpaid or overdue (paid through {paid})."
    return [_conflict(5, "annual_fee_unpaid", msg, "annual_fee_paid_through")]


def _rule_06_pledgee_consent(p: PatentFacts) -> list[RuleViolation]:
    """IR 86(4): a pledged patent needs the pledgee's written consent."""
    if not p.pledged or (p.pledgee_consent_ref or "").strip():
        return []
    msg = "The patent is pledged and no written consent from the pledgee is on file."
    return [_conflict(6, "pledgee_consent_missing", msg, "pledgee_consent_ref")]


def _rule_07_owners_consent(
    owners: tuple[OwnerFacts, ...], missing: list[OwnerFacts]
) -> list[RuleViolation]:
    """PL 14; CNIPA FAQ: every co-owner consents, to declare and to withdraw."""
    if not owners:
        return [_conflict(7, "patentees_missing", "No patentee is recorded.", "owners")]
    if not missing:
        return []
    msg = f"Consent missing from co-owner(s): {_owner_list(missing)}."
    return [_conflict(7, "co_owner_consent_missing", msg, "owners")]


def check_declarable(patent: PatentFacts, today: date) -> list[RuleViolation]:
    """Rules 1–7: the state of the patent allows an open-licence declaration today."""
    return [
        *_rule_01_granted_and_valid(patent, today),
        *_rule_02_evaluation_report(patent),
        *_rule_03_no_exclusive_licence(patent, today),
        *_rule_04_not_suspended(patent),
        *_rule_05_annual_fee_paid(patent, today),
        *_rule_06_pledgee_consent(patent),
        *_rule_07_owners_consent(patent.owners, [o for o in patent.owners if not o.consents]),
    ]


# --- rules 8–12: are the declared terms acceptable? ----------------------------------------


def _rule_08_complete(p: PatentFacts) -> list[RuleViolation]:
    """IR 85: patent number and every patentee's name (fee standard and dates are typed)."""
    out = []
    if not (p.patent_number or "").strip():
        out.append(
            _invalid(8, "declaration_incomplete", "The patent number is missing.", "patent_number")
        )
    if any(not o.name.strip() for o in p.owners):
        out.append(_invalid(8, "declaration_incomplete", "A patentee has no name.", "owners"))
    return out


def _rule_09_period(
    terms: DeclarationTerms, p: PatentFacts, config: RuleConfig
) -> list[RuleViolation]:
    """CC 865; pilot notices: the period ends by expiry and lasts at least N months.

    `licence_end` is the last day of the licence (inclusive, as contracts write 至2027-11-30),
    so the period runs up to the day after it."""
    out = []
    start, end = terms.licence_start, terms.licence_end
    after_end = end + timedelta(days=1)
    if end > p.expiry_date:
        msg = f"The licence period ends {end}, after the patent expires on {p.expiry_date}."
        out.append(_invalid(9, "licence_period_beyond_expiry", msg, "licence_end"))
    if after_end < add_months(start, config.min_licence_months):
        msg = f"The licence period must be at least {config.min_licence_months} months."
        out.append(_invalid(9, "licence_period_too_short", msg, "licence_end"))
    out += _stages_fit_period(terms.fee_standard, months_between(start, after_end))
    return out


def _stages_fit_period(standard: object, period_months: int) -> list[RuleViolation]:
    if not isinstance(standard, Staged):
        return []
    fixed = standard.fixed_months
    open_ended = standard.stages[-1].duration_months is None
    if (fixed >= period_months) if open_ended else (fixed != period_months):
        need = f"less than {period_months}" if open_ended else f"exactly {period_months}"
        msg = f"The stages last {fixed} months; they must total {need} (the licence period)."
        return [_invalid(9, "stages_exceed_period", msg, "fee_standard.stages")]
    return []


def check_terms(
    terms: DeclarationTerms, patent: PatentFacts, config: RuleConfig
) -> list[RuleViolation]:
    """Rules 8–12: the declared terms are complete, sober, computable and equal for all."""
    return [
        *_rule_08_complete(patent),
        *marketing_language(terms, config),
        *_rule_09_period(terms, patent, config),
        *fee_standard_computable(terms, config),
        *fee_caps(terms, config),
        *field_of_use_uniform(terms),
    ]


def check_declaration(
    patent: PatentFacts, terms: DeclarationTerms, today: date, config: RuleConfig
) -> list[RuleViolation]:
    """Everything needed before a declaration is published: rules 1–12."""
    return check_declarable(patent, today) + check_terms(terms, patent, config)


# --- rules 13–16: while a declaration is active --------------------------------------------


def check_recorded_licence(
    kind: str, *, open_licence_active: bool, negotiated: bool
) -> list[RuleViolation]:
    """Rules 13 and 15 (PL 51(3)): no exclusive or sole licence during an open licence; a
    separately priced ordinary licence (普通许可) must be marked `negotiated`."""
    if not open_licence_active:
        return []
    if kind in EXCLUSIVE_KINDS:  # negotiated or not: PL 51(3) forbids it outright
        msg = f"No {kind} licence may be recorded while an open licence is declared (PL 51(3))."
        return [_conflict(13, "open_licence_active", msg, "kind")]
    if not negotiated:
        msg = "An ordinary licence outside the open licence must be marked negotiated."
        return [_invalid(15, "negotiated_flag_required", msg, "negotiated")]
    return []


def check_equal_treatment(declared_terms_hash: str, offered_terms_hash: str) -> list[RuleViolation]:
    """Rule 14 (一视同仁): every acceptance gets the declaration's byte-identical terms."""
    if declared_terms_hash == offered_terms_hash:
        return []
    msg = "The offered terms differ from the declared terms; all licensees get the same terms."
    return [_conflict(14, "unequal_terms", msg, "terms")]


def check_declaration_editable(status: str) -> list[RuleViolation]:
    """Rule 16: a published declaration is immutable; change means a new version."""
    if status == "draft":
        return []
    msg = f"A {status} declaration cannot be changed; withdraw it and declare a new version."
    return [_conflict(16, "declaration_immutable", msg, "status")]


def check_publishable(status: str, *, other_active_version: bool) -> list[RuleViolation]:
    """Rule 16: only a draft is published, and only when no other version is still active."""
    out = check_declaration_editable(status)
    if other_active_version:
        msg = "Another version is still active; its withdrawal must be announced first."
        out.append(_conflict(16, "active_declaration_exists", msg))
    return out


# --- rules 23–24: withdrawal, acceptance, end of the patent --------------------------------


def check_withdrawal(
    status: str,
    reason: str,
    consenting_owner_ids: set[str],
    patent: PatentFacts,
    today: date,
    effective_date: date,
) -> list[RuleViolation]:
    """Rules 23 and 7 (PL 50(2); CNIPA FAQ Q25–26): all co-owners, a reason, no conditions."""
    out = []
    if status != "published":
        msg = f"Only a published declaration can be withdrawn (status {status})."
        out.append(_conflict(23, "declaration_not_published", msg, "status"))
    if not reason_given(reason):
        msg = (
            "rule 23: a withdrawal needs a legitimate reason "
            "(at least 4 Chinese characters or 10 letters)."
        )
        out.append(_invalid(23, "withdrawal_reason_missing", msg, "reason"))
    if hits := find_terms(reason, CONDITION_TERMS, CONDITION_EXEMPTIONS):
        msg = f"rule 23: a withdrawal may not carry conditions: {', '.join(hits)}."
        out.append(_invalid(23, "withdrawal_conditional", msg, "reason"))
    missing = [o for o in patent.owners if o.owner_id not in consenting_owner_ids]
    out += _rule_07_owners_consent(patent.owners, missing)
    if effective_date < today:
        msg = f"A withdrawal cannot take effect in the past ({effective_date})."
        out.append(_invalid(23, "withdrawal_backdated", msg, "effective_date"))
    return out


_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z0-9]")


def reason_given(reason: str) -> bool:
    """Rule 23: a reason, not a placeholder. Chinese says much in few characters
    (转为其他转化方式 is eight), so 4 CJK characters or 10 letters and digits suffice."""
    cjk = len(_CJK.findall(reason))
    latin = len(_LATIN.findall(reason))
    return cjk >= 4 or latin + 2 * cjk >= 10


def check_acceptable(
    *,
    declaration_status: str,
    withdrawal_effective: date | None,
    licence_end: date,
    patent: PatentFacts,
    today: date,
) -> list[RuleViolation]:
    """Rules 23–24 (PL 50(2), 47; CC 865): a licensee may accept until the withdrawal is
    announced, and only while the patent and the declared period last."""
    out = []
    withdrawn = withdrawal_effective is not None and today >= withdrawal_effective
    if withdrawn or (declaration_status == "withdrawn" and withdrawal_effective is None):
        msg = f"The declaration was withdrawn (effective {withdrawal_effective})."
        out.append(_conflict(23, "declaration_withdrawn", msg, "status"))
    elif declaration_status not in ("published", "withdrawn"):
        msg = f"The declaration is not published (status {declaration_status})."
        out.append(_conflict(23, "declaration_not_published", msg, "status"))
    if patent.legal_status != "valid" or patent.expiry_date <= today:
        msg = f"The patent is no longer in force (status {patent.legal_status})."
        out.append(_conflict(24, "patent_not_valid", msg, "legal_status"))
    if today > licence_end:
        msg = f"The declared licence period ended on {licence_end}."
        out.append(_conflict(24, "licence_period_ended", msg, "licence_end"))
    return out
