"""The licence lifecycle rules as pure functions (domain.md §4 rules 17, 20, 21, 24 and the
state machine), table by table, without a database."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest

from openlicense.agreements.rules import (
    LIVE,
    TRANSITIONS,
    AgreementFacts,
    Change,
    EntryFacts,
    IllegalTransition,
    LifecycleConfig,
    PatentState,
    StageFacts,
    after_payment,
    can_move,
    cancelled_on_end,
    due_changes,
    initial_items,
    on_acceptance,
    recording_due,
)
from openlicense.agreements.states import AgreementStatus as S, EntryStatus as E

D = datetime.date
TODAY = D(2026, 6, 1)
CONFIG = LifecycleConfig(grace_days=30, suspension_days=60, recording_months=3)
VALID = PatentState(legal_status="valid", expiry_date=D(2035, 1, 1))


def facts(
    status: S = S.NOTIFIED,
    *,
    notified: D = TODAY,
    start: D = TODAY,
    end: D = D(2028, 5, 31),
    entries: tuple[EntryFacts, ...] = (),
    stages: tuple[StageFacts, ...] = (),
    keys: frozenset[str] = frozenset(),
) -> AgreementFacts:
    return AgreementFacts(
        status=status,
        notified_on=notified,
        licence_start=start,
        licence_end=end,
        entries=entries,
        stages=stages,
        event_keys=keys,
    )


def entry(key: str, due: D, amount: int | None = 100, status: E = E.SCHEDULED) -> EntryFacts:
    return EntryFacts(key=key, due_date=due, amount_minor=amount, status=status)


def kinds(changes: list[Change]) -> list[str]:
    return [c.kind for c in changes]


def final(f: AgreementFacts, changes: list[Change]) -> S:
    status = f.status
    for change in changes:
        status = change.to or status
    return status


# --- the state machine --------------------------------------------------------------------


def test_state_machine_final_states_have_no_way_out() -> None:
    assert TRANSITIONS[S.ENDED] == frozenset()
    assert TRANSITIONS[S.TERMINATED] == frozenset()
    assert {S.NOTIFIED, S.PAID, S.EFFECTIVE, S.SUSPENDED} == LIVE


@pytest.mark.parametrize(
    ("frm", "to", "allowed"),
    [
        (S.NOTIFIED, S.PAID, True),
        (S.NOTIFIED, S.EFFECTIVE, False),  # rule 17: never used before it is paid
        (S.PAID, S.EFFECTIVE, True),
        (S.EFFECTIVE, S.SUSPENDED, True),
        (S.SUSPENDED, S.EFFECTIVE, True),  # rule 20: reinstated once arrears are paid
        (S.PAID, S.SUSPENDED, False),
        (S.ENDED, S.EFFECTIVE, False),
        (S.TERMINATED, S.PAID, False),
    ],
)
def test_state_machine_moves(frm: S, to: S, allowed: bool) -> None:
    assert can_move(frm, to) is allowed


def test_state_machine_a_rule_asking_for_an_illegal_move_is_a_bug() -> None:
    with pytest.raises(IllegalTransition):
        on_acceptance(facts(S.ENDED), TODAY, CONFIG)


# --- rule 17: notice → paid → effective ------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "start", "expected", "status"),
    [
        ((), TODAY, ["notified", "paid", "effective"], S.EFFECTIVE),  # FREE: effective on notice
        ((), D(2026, 7, 1), ["notified", "paid"], S.PAID),  # starts later: paid, not yet used
        ((entry("acceptance", TODAY),), TODAY, ["notified"], S.NOTIFIED),  # must pay first
        ((entry("trial", TODAY, 0),), TODAY, ["notified", "paid", "effective"], S.EFFECTIVE),
        # a later instalment does not hold the licence back
        ((entry("i2", D(2026, 12, 1)),), TODAY, ["notified", "paid", "effective"], S.EFFECTIVE),
    ],
)
def test_rule_17_acceptance_effective_only_when_nothing_is_due_first(
    entries: tuple[EntryFacts, ...], start: D, expected: list[str], status: S
) -> None:
    f = facts(entries=entries, start=start)
    changes = on_acceptance(f, TODAY, CONFIG)
    assert kinds(changes) == expected
    assert final(f, changes) is status
    assert all(c.rule == 17 for c in changes)


def test_rule_17_initial_items_are_those_due_by_the_later_of_notice_and_start() -> None:
    f = facts(
        start=D(2026, 7, 1),
        entries=(entry("a", D(2026, 7, 1)), entry("b", D(2026, 7, 2)), entry("z", TODAY, 0)),
    )
    assert [e.key for e in initial_items(f)] == ["a"]


@pytest.mark.parametrize(
    ("status", "paid", "start", "expected"),
    [
        (S.NOTIFIED, True, TODAY, ["paid", "effective"]),
        (S.NOTIFIED, True, D(2026, 9, 1), ["paid"]),
        (S.NOTIFIED, False, TODAY, []),  # one initial item still open
        (S.EFFECTIVE, True, TODAY, []),
    ],
)
def test_rule_17_payment_makes_it_paid_then_effective_from_the_start(
    status: S, paid: bool, start: D, expected: list[str]
) -> None:
    entries = (
        entry("acceptance", TODAY, status=E.PAID),
        entry("second", TODAY, status=E.PAID if paid else E.SCHEDULED),
    )
    assert kinds(after_payment(facts(status, start=start, entries=entries), TODAY, CONFIG)) == (
        expected
    )


def test_rule_17_a_paid_licence_takes_effect_when_its_period_starts() -> None:
    f = facts(S.PAID, start=D(2026, 7, 1))
    assert due_changes(f, VALID, D(2026, 6, 30), CONFIG) == []
    assert kinds(due_changes(f, VALID, D(2026, 7, 1), CONFIG)) == ["effective"]


# --- rule 21: recording due 3 months after the effective date --------------------------------


@pytest.mark.parametrize(
    ("effective", "due"),
    [
        (D(2026, 6, 1), D(2026, 9, 1)),
        (D(2026, 11, 30), D(2027, 2, 28)),
        (D(2024, 1, 31), D(2024, 4, 30)),
    ],
)
def test_rule_21_recording_is_due_three_months_after_the_licence_takes_effect(
    effective: D, due: D
) -> None:
    assert recording_due(effective, CONFIG) == due
    change = on_acceptance(facts(start=effective, notified=effective), effective, CONFIG)[-1]
    assert (change.effective_on, change.recording_due) == (effective, due)


# --- rule 20: overdue → notice → suspended → terminated -----------------------------------------

ROYALTY_DUE = D(2026, 7, 30)
ARREARS = (
    entry("acceptance", TODAY, status=E.PAID),
    entry("q1", ROYALTY_DUE, None, E.AWAITING_REPORT),
)


@pytest.mark.parametrize(
    ("status", "day", "expected"),
    [
        (S.EFFECTIVE, ROYALTY_DUE, []),  # due today: not overdue yet
        (S.EFFECTIVE, ROYALTY_DUE + datetime.timedelta(days=1), ["overdue_notice"]),
        (S.EFFECTIVE, ROYALTY_DUE + datetime.timedelta(days=30), ["overdue_notice"]),
        (S.EFFECTIVE, ROYALTY_DUE + datetime.timedelta(days=31), ["overdue_notice", "suspended"]),
        (S.SUSPENDED, ROYALTY_DUE + datetime.timedelta(days=90), ["overdue_notice"]),
        (S.SUSPENDED, ROYALTY_DUE + datetime.timedelta(days=91), ["overdue_notice", "ended"]),
    ],
)
def test_rule_20_overdue_notice_grace_suspension_termination(
    status: S, day: D, expected: list[str]
) -> None:
    f = facts(status, entries=ARREARS)
    changes = due_changes(f, VALID, day, CONFIG)
    assert kinds(changes) == expected
    assert all(c.rule == 20 for c in changes)
    if expected[-1:] == ["ended"]:
        assert changes[-1].to is S.TERMINATED
        assert changes[-1].detail["arrears"] == [{"entry": "q1", "amount_minor": None}]


def test_rule_20_a_licence_never_paid_on_acceptance_lapses_after_the_grace_period() -> None:
    f = facts(S.NOTIFIED, entries=(entry("acceptance", TODAY),))
    assert final(f, due_changes(f, VALID, TODAY + datetime.timedelta(days=30), CONFIG)) is (
        S.NOTIFIED
    )
    late = due_changes(f, VALID, TODAY + datetime.timedelta(days=31), CONFIG)
    assert final(f, late) is S.TERMINATED
    assert late[-1].reason == "not_paid_on_acceptance"


def test_rule_20_paying_the_arrears_reinstates_a_suspended_licence() -> None:
    settled = (entry("acceptance", TODAY, status=E.PAID), entry("q1", ROYALTY_DUE, 500, E.PAID))
    day = ROYALTY_DUE + datetime.timedelta(days=40)
    changes = after_payment(facts(S.SUSPENDED, entries=settled), day, CONFIG)
    assert kinds(changes) == ["reinstated"]
    assert changes[0].to is S.EFFECTIVE
    still_owing = after_payment(facts(S.SUSPENDED, entries=ARREARS), day, CONFIG)
    assert still_owing == []


def test_rule_20_the_same_day_twice_changes_nothing_the_second_time() -> None:
    f = facts(S.EFFECTIVE, entries=ARREARS)
    day = ROYALTY_DUE + datetime.timedelta(days=31)
    first = due_changes(f, VALID, day, CONFIG)
    again = due_changes(
        replace(f, status=S.SUSPENDED, event_keys=frozenset(c.key for c in first)),
        VALID,
        day,
        CONFIG,
    )
    assert again == []


# --- rule 24: expiry, lapse, invalidation end the licence ---------------------------------------


@pytest.mark.parametrize(
    ("patent", "reason", "review"),
    [
        (PatentState("valid", D(2026, 5, 31)), "patent_expired", False),
        (PatentState("lapsed", D(2035, 1, 1)), "patent_lapsed", False),
        (PatentState("invalidated", D(2035, 1, 1)), "patent_invalidated", True),
    ],
)
def test_rule_24_patent_gone_ends_the_licence_and_future_obligations(
    patent: PatentState, reason: str, review: bool
) -> None:
    f = facts(S.EFFECTIVE, entries=ARREARS)
    changes = due_changes(f, patent, TODAY, CONFIG)
    assert changes[0].to is S.ENDED and changes[0].reason == reason
    assert changes[0].ended_on == TODAY and changes[0].rule == 24
    # PL 47: no automatic refund, a fairness review instead
    assert any(c.fairness_review for c in changes) is review


def test_rule_24_expiry_day_itself_still_valid() -> None:
    f = facts(S.EFFECTIVE)
    assert due_changes(f, PatentState("valid", TODAY), TODAY, CONFIG) == []


def test_rule_24_future_obligations_cancelled_arrears_kept() -> None:
    entries = (
        entry("past", D(2026, 5, 1)),
        EntryFacts("period", D(2026, 9, 1), None, E.AWAITING_REPORT, period_start=D(2026, 5, 1)),
        entry("future", D(2026, 9, 1)),
        entry("paid", D(2026, 9, 1), status=E.PAID),
    )
    assert cancelled_on_end(entries, TODAY) == ["future"]


def test_rule_24_licence_period_over_ends_the_licence() -> None:
    f = facts(S.EFFECTIVE, end=D(2026, 5, 31))
    changes = due_changes(f, VALID, TODAY, CONFIG)
    assert [(c.to, c.reason) for c in changes] == [(S.ENDED, "licence_period_over")]


def test_rule_10_stage_start_is_recorded_once() -> None:
    stage = StageFacts(index=2, start=D(2026, 12, 1), detail={"index": 2})
    f = facts(S.EFFECTIVE, stages=(StageFacts(1, TODAY), stage))
    assert due_changes(f, VALID, D(2026, 11, 30), CONFIG) == []
    assert kinds(due_changes(f, VALID, D(2026, 12, 1), CONFIG)) == ["stage_started"]
    seen = replace(f, event_keys=frozenset({"stage-2-started"}))
    assert due_changes(seen, VALID, D(2026, 12, 2), CONFIG) == []


def test_ended_licences_have_no_due_changes() -> None:
    for status in (S.ENDED, S.TERMINATED):
        assert (
            due_changes(facts(status, entries=ARREARS), PatentState("lapsed", TODAY), TODAY, CONFIG)
            == []
        )
