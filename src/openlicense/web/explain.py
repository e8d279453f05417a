"""Plain-language, bilingual explanations of what the services refuse: rule violations (with
their rule number and the law behind them), named errors, and bulk-import row errors.

Only presentation lives here: the rules themselves stay in the domains, which return stable
codes; a code without an entry falls back to the service's own (English) message."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from openlicense.core.errors import OpenLicenseError, RuleViolationError
from openlicense.core.violations import RuleViolation
from openlicense.web.i18n import N_, Translator

RULES: Final = {
    "patent_not_granted": N_(
        "The grant of this patent has not been announced yet: an open licence can be declared "
        "only after the grant announcement (Patent Law Art. 50; Implementing Regulations Art. 85)."
    ),
    "patent_not_valid": N_(
        "The patent is not in force (lapsed, expired or invalidated), so it cannot be licensed "
        "(Patent Law Art. 50; Civil Code Art. 865)."
    ),
    "evaluation_report_missing": N_(
        "A utility model or design needs a patent-right evaluation report before it can be "
        "declared (Patent Law Art. 50)."
    ),
    "evaluation_report_negative": N_(
        "The evaluation report does not find that the patent meets the conditions for grant, so "
        "it cannot be declared (Patent Law Art. 50; CNIPA FAQ)."
    ),
    "exclusive_licence_active": N_(
        "An exclusive or sole licence is running on this patent; no open licence until it ends "
        "(Implementing Regulations Art. 86(1))."
    ),
    "patent_suspended": N_(
        "Proceedings on the patent are suspended (ownership dispute or preservation order) "
        "(Implementing Regulations Art. 86(2))."
    ),
    "annual_fee_unpaid": N_(
        "The annual fee is unpaid or in its late-payment period; pay it first "
        "(Implementing Regulations Arts. 86(3), 115)."
    ),
    "pledgee_consent_missing": N_(
        "The patent is pledged: upload the pledgee's written consent "
        "(Implementing Regulations Art. 86(4))."
    ),
    "co_owner_consent_missing": N_(
        "Every co-owner must consent in writing, to declare and to withdraw (Patent Law Art. 14)."
    ),
    "patentees_missing": N_("No patentee is recorded for this patent (Patent Law Art. 14)."),
    "declaration_incomplete": N_(
        "The declaration must state the patent number and every patentee's name "
        "(Implementing Regulations Art. 85)."
    ),
    "marketing_language": N_(
        "The declaration must be accurate and free of advertising words such as 最, 第一 or "
        "保证收益 (Implementing Regulations Art. 85)."
    ),
    "licence_period_beyond_expiry": N_(
        "The licence period must end on or before the day the patent expires (Civil Code Art. 865)."
    ),
    "licence_period_too_short": N_(
        "The licence period must last at least 12 months (CNIPA pilot practice)."
    ),
    "stages_exceed_period": N_(
        "The stages must fit the licence period exactly: shorten a stage or the period."
    ),
    "fee_standard_not_computable": N_(
        "The fee standard must be one of the computable types (Patent Law Art. 50)."
    ),
    "currency_not_allowed": N_("This currency is not allowed for open licences here."),
    "fee_to_be_negotiated": N_(
        "The announced terms may not leave anything to negotiation (面议/待定): every licensee "
        "must be able to compute the fee (Patent Law Art. 50)."
    ),
    "fee_cap_justification_missing": N_(
        "A fee above the CNIPA guidance caps needs a written justification (CNIPA 2024 notice)."
    ),
    "fee_above_cap": N_(
        "The fee is above the CNIPA guidance caps: a fixed fee up to RMB 20 million, a royalty "
        "up to 20% of net sales or 40% of profit (CNIPA 2024 notice)."
    ),
    "field_of_use_per_licensee": N_(
        "The field of use must be the same for every licensee (equal treatment, 一视同仁)."
    ),
    "open_licence_active": N_(
        "No exclusive or sole licence while an open licence is declared (Patent Law Art. 51(3))."
    ),
    "negotiated_flag_required": N_(
        "An ordinary licence priced apart from the open licence must be marked negotiated "
        "(Patent Law Art. 51(3))."
    ),
    "unequal_terms": N_(
        "Every licensee gets exactly the declared terms; these differ (equal treatment, 一视同仁)."
    ),
    "declaration_immutable": N_(
        "A published declaration cannot be changed: withdraw it and declare a new version."
    ),
    "active_declaration_exists": N_(
        "Another version of this declaration is still active; its withdrawal must be announced "
        "first."
    ),
    "declaration_not_published": N_("This declaration is not published."),
    "declaration_withdrawn": N_(
        "The declaration has been withdrawn: no new licences from its announcement "
        "(Patent Law Art. 50(2)); existing licences continue."
    ),
    "licence_period_ended": N_("The declared licence period is over."),
    "withdrawal_reason_missing": N_(
        "A withdrawal needs a legitimate reason (Patent Law Art. 50(2))."
    ),
    "withdrawal_conditional": N_("A withdrawal may not carry conditions (CNIPA FAQ)."),
    "withdrawal_backdated": N_("A withdrawal cannot take effect in the past."),
    "unknown_clause": N_("An unknown contract clause was chosen."),
    "clause_fixed_for_open_licence": N_("This clause is fixed for every open licence."),
    "clause_not_applicable": N_("This clause does not apply to the chosen ownership scenario."),
    "clause_restricts_competition": N_(
        "A clause may not restrict the licensee's own research or competition "
        "(Civil Code Arts. 850, 864)."
    ),
    "ownership_scenario_conflict": N_(
        "The ownership scenario does not fit who may declare this patent (Patent Law Art. 14)."
    ),
    "sublicensing_not_allowed": N_(
        "An open licence is for the licensee's own use: no sublicence (Patent Law Art. 12)."
    ),
    "register_fact_locked": N_(
        "Register facts come from the verified register snapshot; ask for a register refresh "
        "instead of typing them (Implementing Regulations Art. 88)."
    ),
    "register_unverified": N_(
        "The register facts are not yet verified against the patent register."
    ),
    "cnipa_cannot_set_fee": N_(
        "CNIPA mediates between the parties; it cannot set the licence fee (Patent Law Art. 52)."
    ),
    "dispute_step_not_allowed": N_(
        "Disputes go from negotiation to mediation or the court, in that order (Patent Law "
        "Art. 52)."
    ),
}
"""Rule-violation code → plain explanation (the rule number is shown beside it)."""

ERRORS: Final = {
    "already_licensed": N_("Your organisation already holds a live licence for this patent."),
    "not_an_enterprise": N_("Only enterprises can accept open licences."),
    "not_your_patent": N_("Only the owning university's TTO officers can change this patent."),
    "patent_already_exists": N_("This patent is already in the catalogue."),
    "invalid_credentials": N_("Email or password is wrong."),
    "not_found": N_("This page does not exist."),
    "already_paid": N_("This amount is already paid."),
    "online_payments_disabled": N_("Online payment is not set up: pay by bank transfer."),
    "period_not_ended": N_("This period has not ended yet: report it once it is over."),
    "already_reported": N_("This period was already reported."),
    "no_trial": N_("This licence has no free trial to end."),
    "trial_over": N_("The trial is over: the paid stage has started."),
    "not_live": N_("Only a live licence can end its trial."),
    "not_effective_yet": N_("Recording is due only once the licence is effective."),
    "already_recorded": N_("This licence is already recorded."),
    "filed_in_future": N_("The filing date cannot be in the future."),
    "patent_retired": N_("This patent is retired from the catalogue."),
    "outside_licence_period": N_("The declared licence period is over."),
    "role_not_allowed": N_("Your account cannot open this page."),
    "not_the_licensee": N_("Only the licensee can do this."),
    "not_the_licensor": N_("Only the licensor can do this."),
    "not_an_admin": N_("Only platform admins can do this."),
    "already_exists": N_("It already exists: choose another name or email."),
    "weak_password": N_(
        "The password needs at least 10 characters with a letter and a digit, and must not be "
        "easy to guess."
    ),
    "organisation_not_verified": N_(
        "Your organisation is not verified yet: a platform admin checks it first. You can keep "
        "browsing and preparing meanwhile."
    ),
    "not_an_organisation_admin": N_("Only an admin of your organisation manages its staff."),
    "last_organisation_admin": N_("The organisation needs at least one active admin."),
    "link_used": N_("This link has already been used; ask for a new one."),
    "link_expired": N_("This link is invalid or has expired; ask for a new one."),
    "too_many_attempts": N_("Too many failed sign-ins: wait 15 minutes or reset the password."),
    "co_owners_locked": N_(
        "A declaration of this patent was published: its co-owners and consents can no longer "
        "be corrected (rule 7)."
    ),
    "amendment_window_closed": N_("This report can no longer be amended (rule 20)."),
    "unsupported_document_type": N_("Only PDF, PNG, JPEG and XLSX files are accepted."),
    "document_too_large": N_("The file is too large."),
}


@dataclass(frozen=True, slots=True)
class Explained:
    rule: int
    code: str
    text: str
    field: str | None
    detail: str
    """The service's own message (English, with the specific values)."""
    warning: bool = False


def explain(tr: Translator, violation: RuleViolation) -> Explained:
    text = RULES.get(violation.code)
    return Explained(
        rule=violation.rule,
        code=violation.code,
        text=tr.gettext(text) if text else violation.message,
        field=violation.field,
        detail=violation.message,
        warning=violation.warning,
    )


def explain_all(tr: Translator, violations: list[RuleViolation]) -> list[Explained]:
    return [explain(tr, v) for v in violations]


def error_message(tr: Translator, exc: OpenLicenseError) -> str:
    if isinstance(exc, RuleViolationError):
        first = explain(tr, exc.violations[0])
        return tr.gettext("Rule %(rule)s: %(text)s", rule=first.rule, text=first.text)
    text = ERRORS.get(exc.instance_code)
    return tr.gettext(text) if text else exc.detail


IMPORT_REASONS: Final = (
    (re.compile(r"^Field required$"), N_("required, but empty")),
    (re.compile(r"^already in the catalogue$"), N_("already in the catalogue")),
    (re.compile(r"^duplicate of row (\d+)$"), N_("same number as row %(n)s")),
    (re.compile(r"^unknown column$"), N_("unknown column")),
    (
        re.compile(r"check character should be (\w)"),
        N_("wrong check character: it should be %(n)s"),
    ),
    (re.compile(r"^wrong length"), N_("wrong number of digits (12, or 8 before Oct 2003)")),
    (re.compile(r"^Input should be a valid date"), N_("not a date: write YYYY-MM-DD")),
    (re.compile(r"^Input should be '"), N_("not one of the allowed values")),
    (re.compile(r"is not an IPC code"), N_("not an IPC code (e.g. H01M 4/36)")),
    (re.compile(r"is not a yes/no value"), N_("not yes/no: use 是/否, yes/no, true/false or 1/0")),
    (
        re.compile(r"type digit does not match"),
        N_("the number's type digit does not match the patent type"),
    ),
    (re.compile(r"^grant_date cannot be before"), N_("grant date before filing date")),
    (
        re.compile(r"^announcement_date needs"),
        N_("announcement needs a grant date on or before it"),
    ),
    (re.compile(r"^Input should be (less|greater)"), N_("out of the allowed range")),
    (re.compile(r"at least (\d+) (item|character)"), N_("too short")),
)


def import_reason(tr: Translator, reason: str) -> str:
    """A bulk-import row error in the visitor's language (the original when not recognised)."""
    for pattern, message in IMPORT_REASONS:
        if found := pattern.search(reason):
            value = found.group(1) if found.groups() else ""
            return tr.gettext(message, n=value) if "%(n)s" in message else tr.gettext(message)
    return reason
