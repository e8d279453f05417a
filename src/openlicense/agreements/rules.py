"""The licence lifecycle of domain.md §4 as pure functions: rules 17, 20, 21, 24 and the states.

Facts in, `Change`s out; no database, no clock. The service applies the changes to the models
(`service/history.py`) and writes each one to the ledger. Every change carries a key that is
unique per agreement, so deciding twice on the same day changes nothing the second time.

    NOTIFIED ─pay→ PAID ─start→ EFFECTIVE ⇄ SUSPENDED (rule 20)
        │                          │            │
        └─ not paid ─→ TERMINATED ←┴────────────┘        any live state ─→ ENDED (rule 24)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any

from openlicense.agreements.states import AgreementStatus, EntryStatus
from openlicense.core.dates import add_months
from openlicense.core.violations import RuleViolation

if TYPE_CHECKING:
    from openlicense.settings import LifecycleSettings

Status = AgreementStatus
LIVE = frozenset({Status.NOTIFIED, Status.PAID, Status.EFFECTIVE, Status.SUSPENDED})
UNPAID = frozenset({EntryStatus.SCHEDULED, EntryStatus.AWAITING_REPORT})

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NOTIFIED: frozenset({Status.PAID, Status.TERMINATED, Status.ENDED}),
    Status.PAID: frozenset({Status.EFFECTIVE, Status.ENDED, Status.TERMINATED}),
    Status.EFFECTIVE: frozenset({Status.SUSPENDED, Status.ENDED, Status.TERMINATED}),
    Status.SUSPENDED: frozenset({Status.EFFECTIVE, Status.TERMINATED, Status.ENDED}),
    Status.TERMINATED: frozenset(),
    Status.ENDED: frozenset(),
}
"""The state machine: which status may follow which. Ended and terminated are final."""


class IllegalTransition(ValueError):
    """A rule asked for a move the state machine does not allow (a bug, never user input)."""


def can_move(frm: Status, to: Status) -> bool:
    return to in TRANSITIONS[frm]


@dataclass(frozen=True, slots=True)
class EntryFacts:
    key: str
    due_date: datetime.date
    amount_minor: int | None
    status: EntryStatus
    period_start: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class StageFacts:
    index: int
    start: datetime.date
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AgreementFacts:
    """What the lifecycle rules need to know about one agreement."""

    status: Status
    notified_on: datetime.date
    licence_start: datetime.date
    licence_end: datetime.date
    entries: tuple[EntryFacts, ...] = ()
    stages: tuple[StageFacts, ...] = ()
    event_keys: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PatentState:
    legal_status: str
    """valid | lapsed | expired | invalidated (catalogue's LegalStatus values)."""
    expiry_date: datetime.date


@dataclass(frozen=True, slots=True)
class LifecycleConfig:
    grace_days: int = 30
    suspension_days: int = 60
    recording_months: int = 3

    @classmethod
    def from_settings(cls, settings: LifecycleSettings) -> LifecycleConfig:
        return cls(
            grace_days=settings.grace_days,
            suspension_days=settings.suspension_days,
            recording_months=settings.recording_months,
        )


@dataclass(frozen=True, slots=True)
class Change:
    """One thing that happens to an agreement: an event, perhaps with a new status and effects."""

    rule: int
    key: str
    """Unique per agreement: the same change is never applied twice."""
    kind: str
    to: Status | None = None
    reason: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    effective_on: datetime.date | None = None
    """Rule 17: the licence takes effect (use allowed from this day)."""
    recording_due: datetime.date | None = None
    """Rule 21: the recording task, due 3 months after the effective date."""
    ended_on: datetime.date | None = None
    """Rule 24 / termination: unpaid obligations starting after this day are cancelled."""
    fairness_review: bool = False
    """Rule 24 / PL 47: an invalidated patent's paid fees are reviewed, not refunded."""


class _Plan:
    """Changes decided so far, and the agreement as they leave it (the rules chain)."""

    def __init__(self, facts: AgreementFacts) -> None:
        self.facts = facts
        self.changes: list[Change] = []

    def add(self, change: Change) -> bool:
        if change.key in self.facts.event_keys:
            return False
        if change.to is not None and change.to is not self.facts.status:
            if not can_move(self.facts.status, change.to):
                raise IllegalTransition(f"{self.facts.status} → {change.to} ({change.key})")
            self.facts = replace(self.facts, status=change.to)
        self.changes.append(change)
        self.facts = replace(self.facts, event_keys=self.facts.event_keys | {change.key})
        return True


# --- rule 17: notice, payment, effect ------------------------------------------------------


def initial_items(facts: AgreementFacts) -> list[EntryFacts]:
    """Rule 17: what must be paid before the licence may take effect — everything due on or
    before the later of acceptance and licence start."""
    threshold = max(facts.notified_on, facts.licence_start)
    return [e for e in facts.entries if e.due_date <= threshold and e.amount_minor]


def initial_paid(facts: AgreementFacts) -> bool:
    return all(e.status is EntryStatus.PAID for e in initial_items(facts))


def recording_due(effective_on: datetime.date, config: LifecycleConfig) -> datetime.date:
    """Rule 21 (IR 87, 15(2)): recording is due 3 months after the licence takes effect."""
    return add_months(effective_on, config.recording_months)


def _effective(today: datetime.date, config: LifecycleConfig) -> Change:
    return Change(
        rule=17,
        key="effective",
        kind="effective",
        to=Status.EFFECTIVE,
        effective_on=today,
        recording_due=recording_due(today, config),
    )


def _paid(today: datetime.date) -> Change:
    return Change(rule=17, key="paid", kind="paid", to=Status.PAID)


def on_acceptance(
    facts: AgreementFacts, today: datetime.date, config: LifecycleConfig
) -> list[Change]:
    """Rule 17: the written notice; with nothing to pay first (FREE, trial first) the licence is
    paid at once and effective on notice when its period has started."""
    plan = _Plan(facts)
    plan.add(Change(rule=17, key="notified", kind="notified", to=Status.NOTIFIED))
    if sum(e.amount_minor or 0 for e in initial_items(facts)) == 0:
        plan.add(_paid(today))
        if facts.licence_start <= today:
            plan.add(_effective(today, config))
    return plan.changes


def after_payment(
    facts: AgreementFacts, today: datetime.date, config: LifecycleConfig
) -> list[Change]:
    """After an item is settled (facts already show it paid): rule 17 NOTIFIED → PAID once the
    initial items are paid, EFFECTIVE from the licence start; rule 20: a suspended licence whose
    arrears are all paid is reinstated."""
    plan = _Plan(facts)
    if plan.facts.status is Status.NOTIFIED and initial_paid(plan.facts):
        plan.add(_paid(today))
    if plan.facts.status is Status.PAID and plan.facts.licence_start <= today:
        plan.add(_effective(today, config))
    if plan.facts.status is Status.SUSPENDED and not _arrears(plan.facts, today):
        plan.add(Change(rule=20, key=f"reinstated-{today}", kind="reinstated", to=Status.EFFECTIVE))
    return plan.changes


# --- the daily pass: rules 24, 17, 21, 20 ---------------------------------------------------


def due_changes(
    facts: AgreementFacts,
    patent: PatentState,
    today: datetime.date,
    config: LifecycleConfig,
) -> list[Change]:
    """Every change due on `today` for a live agreement, in order."""
    if facts.status not in LIVE:
        return []
    plan = _Plan(facts)
    if (gone := _patent_gone(patent, today)) is not None:
        for change in gone:
            plan.add(change)
        return plan.changes
    if today > facts.licence_end:
        plan.add(_end(Status.ENDED, today, reason="licence_period_over", rule=24))
        return plan.changes
    if plan.facts.status is Status.PAID and facts.licence_start <= today:
        plan.add(_effective(today, config))
    for stage in facts.stages[1:]:
        if stage.start <= today:
            key = f"stage-{stage.index}-started"
            plan.add(Change(rule=10, key=key, kind="stage_started", detail=stage.detail))
    _overdue(plan, today, config)
    return plan.changes


def _end(
    to: Status,
    today: datetime.date,
    *,
    reason: str,
    rule: int,
    detail: dict[str, Any] | None = None,
) -> Change:
    return Change(
        rule=rule,
        key=f"ended-{reason}",
        kind="ended",
        to=to,
        reason=reason,
        detail=detail or {},
        ended_on=today,
    )


def _patent_gone(patent: PatentState, today: datetime.date) -> list[Change] | None:
    """Rule 24: expiry, lapse or invalidation ends the licence and its future obligations."""
    if patent.legal_status == "valid" and patent.expiry_date >= today:
        return None
    reason = "patent_expired" if patent.legal_status == "valid" else f"patent_{patent.legal_status}"
    changes = [_end(Status.ENDED, today, reason=reason, rule=24)]
    if patent.legal_status == "invalidated":
        changes.append(
            Change(
                rule=24,
                key="fairness-review",
                kind="fairness_review_queued",
                fairness_review=True,
            )
        )
    return changes


def _arrears(facts: AgreementFacts, today: datetime.date) -> list[EntryFacts]:
    return [e for e in facts.entries if e.status in UNPAID and e.due_date < today]


def _overdue(plan: _Plan, today: datetime.date, config: LifecycleConfig) -> None:
    """Rule 20: overdue → notice → grace period → SUSPENDED → terminated, arrears recorded.
    A licence never paid on acceptance lapses (TERMINATED) after the grace period."""
    overdue = _arrears(plan.facts, today)
    for entry in overdue:
        plan.add(
            Change(
                rule=20,
                key=f"overdue-{entry.key}",
                kind="overdue_notice",
                detail={"entry": entry.key},
            )
        )
    if not overdue:
        return
    oldest = min(e.due_date for e in overdue)
    days_late = (today - oldest).days
    status = plan.facts.status
    if status is Status.NOTIFIED and not initial_paid(plan.facts) and days_late > config.grace_days:
        plan.add(_end(Status.TERMINATED, today, reason="not_paid_on_acceptance", rule=20))
    elif status is Status.EFFECTIVE and days_late > config.grace_days:
        plan.add(
            Change(
                rule=20,
                key=f"suspended-{oldest}",
                kind="suspended",
                to=Status.SUSPENDED,
                reason="payment_overdue",
                detail={"entries": [e.key for e in overdue]},
            )
        )
    elif status is Status.SUSPENDED and days_late > config.grace_days + config.suspension_days:
        arrears = [{"entry": e.key, "amount_minor": e.amount_minor} for e in overdue]
        plan.add(
            _end(
                Status.TERMINATED,
                today,
                reason="payment_overdue",
                rule=20,
                detail={"arrears": arrears},
            )
        )


# --- ending a trial (先试用后付费) -------------------------------------------------------------

TRIAL_ENDABLE = frozenset({Status.NOTIFIED, Status.PAID, Status.EFFECTIVE})


def trial_end_refusal(facts: AgreementFacts, today: datetime.date) -> str | None:
    """Why the licensee may not end its trial today (None = it may). The sealed terms allow it
    while their first stage is a free trial (rule 10: a FREE first stage of a staged standard)
    and the paid stage has not started: ending then costs nothing and leaves nothing owed."""
    if len(facts.stages) < 2 or not facts.stages[0].detail.get("is_trial"):
        return "no_trial"
    if facts.status not in TRIAL_ENDABLE:
        return "not_live"
    if today >= facts.stages[1].start:
        return "trial_over"
    return None


def end_trial(facts: AgreementFacts, today: datetime.date) -> list[Change]:
    """The licensee ends the licence during its trial: ENDED today, and every obligation of the
    paid stages (all after today) is cancelled with it. Check `trial_end_refusal` first."""
    plan = _Plan(facts)
    plan.add(_end(Status.ENDED, today, reason="trial_ended_by_licensee", rule=10))
    return plan.changes


def cancelled_on_end(entries: tuple[EntryFacts, ...], ended_on: datetime.date) -> list[str]:
    """Rule 24: future obligations end with the licence (arrears stay recorded, rule 20)."""
    return [
        e.key for e in entries if e.status in UNPAID and (e.period_start or e.due_date) > ended_on
    ]


# --- rule 19: no sublicensing -------------------------------------------------------------


def check_sublicence(*, negotiated: bool = False) -> list[RuleViolation]:
    """Rule 19 (PL 12, CC 867): an open-licence licensee cannot sublicense; the licence is
    non-exclusive, non-transferable and for its own implementation only."""
    del negotiated  # a negotiated ordinary licence is recorded on the patent, not here
    return [
        RuleViolation(
            19,
            "sublicensing_not_allowed",
            "rule 19: an open licence is for the licensee's own use only; it cannot be "
            "sublicensed or transferred (PL 12). A third party accepts the declaration itself.",
            kind="invalid",
            field="sublicensee_name",
        )
    ]


# --- rule 28: the dispute flow ------------------------------------------------------------

DISPUTE_STEPS: dict[str, frozenset[str]] = {
    "negotiation": frozenset({"mediation_requested", "court", "resolved"}),
    "mediation_requested": frozenset({"court", "resolved"}),
    "court": frozenset({"resolved"}),
    "resolved": frozenset(),
}
"""PL 52: negotiate first; then either party may ask CNIPA (or a local IP office) to mediate,
or sue in the People's Court."""

DISPUTE_GUIDANCE = (
    "PL 52: the parties negotiate first. If they will not or cannot agree, either may ask "
    "CNIPA (or a local IP office) to mediate, or sue in the People's Court. Mediation helps "
    "the parties agree; CNIPA has no power to set the licence fee."
)

_FEE_SETTING = (
    "set the fee",
    "fix the fee",
    "determine the fee",
    "decide the fee",
    "set the royalty",
    "fix the royalty",
    "determine the royalty",
    "裁定许可费",
    "确定许可费",
    "决定许可费",
    "核定许可费",
    "裁决许可费",
    "确定使用费",
    "裁定使用费",
    "决定使用费",
)


def check_dispute_step(current: str, target: str, note: str | None) -> list[RuleViolation]:
    """Rule 28: the allowed next steps of a dispute, and no request that CNIPA fix the fee."""
    out = []
    if target not in DISPUTE_STEPS.get(current, frozenset()):
        allowed = ", ".join(sorted(DISPUTE_STEPS.get(current, frozenset()))) or "none"
        out.append(
            RuleViolation(
                28,
                "dispute_step_not_allowed",
                f"rule 28: a dispute in {current} cannot move to {target} (next: {allowed}); "
                "negotiation comes first, then CNIPA mediation or the court.",
                kind="conflict",
                field="stage",
            )
        )
    text = (note or "").casefold()
    if target == "mediation_requested" and any(p.casefold() in text for p in _FEE_SETTING):
        out.append(
            RuleViolation(
                28,
                "cnipa_cannot_set_fee",
                "rule 28: CNIPA mediates between the parties; it has no power to set the fee "
                "(PL 52). Ask for mediation, or go to court.",
                field="note",
            )
        )
    return out


# --- rule 32: inventor reward -------------------------------------------------------------

STATUTORY_REWARD_SHARE = Decimal("0.5")
"""PTSTA 45: without the unit's own rule, at least 50 % of net licence income."""


def minimum_reward(net_income_minor: int, share: Decimal | None) -> tuple[int, Decimal, str]:
    """Rule 32: (minimum reward, share applied, basis) for a net licence income."""
    applied = STATUTORY_REWARD_SHARE if share is None else share
    basis = "statutory_ptsta_45" if share is None else "university_rule"
    amount = int((Decimal(max(net_income_minor, 0)) * applied).to_integral_value(ROUND_CEILING))
    return amount, applied, basis
