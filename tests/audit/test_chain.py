"""The ledger hash chain: intact chains verify, and each kind of tampering is named exactly."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from openlicense.audit.chain import (
    GENESIS,
    Break,
    LedgerEvent,
    StoredEntry,
    append,
    chain,
    entry_hash,
    event_payload,
    format_timestamp,
    verify,
    verify_against_checkpoint,
    verify_against_checkpoints,
)
from openlicense.core.canonical import canonical_json

T0 = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
ACTIONS = (
    "declaration.published",
    "agreement.created",
    "agreement.status_changed",
    "payment.recorded",
    "refund.recorded",
    "recording.filed",
)


@dataclasses.dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str


def make_events(n: int, start: int = 1) -> list[LedgerEvent]:
    return [
        LedgerEvent(
            seq=seq,
            occurred_at=T0 + datetime.timedelta(minutes=seq, microseconds=seq),
            action=ACTIONS[seq % len(ACTIONS)],
            subject_type="agreement",
            subject_id=f"agr-{seq}",
            actor_id=None if seq % 3 == 0 else f"user-{seq}",
            data={"amount_minor": seq * 1000, "university": "浙江大学", "rate": "0.035"},
        )
        for seq in range(start, start + n)
    ]


def make_chain(n: int = 10) -> list[StoredEntry]:
    return list(chain(make_events(n)))


def edit_event(entry: StoredEntry, **changes: Any) -> StoredEntry:
    return dataclasses.replace(entry, event=dataclasses.replace(entry.event, **changes))


# --- the rule ----------------------------------------------------------------------------------


def test_the_hash_rule_is_sha256_of_prev_hash_newline_canonical_payload() -> None:
    event = make_events(1)[0]
    expected = hashlib.sha256(
        GENESIS.encode("ascii") + b"\n" + canonical_json(event_payload(event))
    ).hexdigest()
    assert entry_hash(GENESIS, event) == expected


def test_golden_vector_pins_the_format() -> None:
    """A golden vector: changing the serialisation breaks this."""
    event = LedgerEvent(
        seq=1,
        occurred_at=datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC),
        action="declaration.published",
        subject_type="declaration",
        subject_id="decl-001",
        actor_id="user-7",
        data={"patent": "ZL202110000001.2", "title": "一种电池", "fee_minor": 500000},
    )
    payload = canonical_json(event_payload(event))
    assert (
        payload
        == (
            '{"action":"declaration.published","actor_id":"user-7",'
            '"data":{"fee_minor":500000,"patent":"ZL202110000001.2","title":"一种电池"},'
            '"occurred_at":"2026-11-23T09:00:00.000000+00:00","seq":1,'
            '"subject_id":"decl-001","subject_type":"declaration","v":1}'
        ).encode()
    )
    assert entry_hash(GENESIS, event) == (
        "9a39dc85191044bcfedd476eb63ee0980d57f6efcc8f89f5e1607d3e2ff65acf"
    )


def test_timestamps_are_utc_with_microseconds() -> None:
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    moment = datetime.datetime(2026, 11, 23, 17, 0, tzinfo=shanghai)
    assert format_timestamp(moment) == "2026-11-23T09:00:00.000000+00:00"
    utc_event = make_events(1)[0]
    local_event = dataclasses.replace(
        utc_event, occurred_at=utc_event.occurred_at.astimezone(shanghai)
    )
    assert entry_hash(GENESIS, local_event) == entry_hash(GENESIS, utc_event)


def test_naive_timestamps_and_non_int_seqs_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        LedgerEvent(1, datetime.datetime(2026, 1, 1), "a.b", "x", "1", None, {})
    with pytest.raises(TypeError):
        LedgerEvent("1", T0, "a.b", "x", "1", None, {})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        LedgerEvent(True, T0, "a.b", "x", "1", None, {})


def test_floats_cannot_be_hashed() -> None:
    event = dataclasses.replace(make_events(1)[0], data={"amount": 1.5})
    with pytest.raises(TypeError, match="floats"):
        entry_hash(GENESIS, event)


def test_chain_links_each_entry_to_the_previous_hash() -> None:
    entries = make_chain(5)
    assert entries[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    assert all(e.hash == entry_hash(e.prev_hash, e.event) for e in entries)


def test_chain_refuses_non_consecutive_seqs() -> None:
    events = make_events(3)
    with pytest.raises(ValueError, match="does not follow"):
        list(chain([events[0], events[2]]))


def test_chain_continues_from_a_stored_hash() -> None:
    whole = make_chain(6)
    tail = list(chain(make_events(3, start=4), prev_hash=whole[2].hash))
    assert tail == whole[3:]


def test_append() -> None:
    events = make_events(3)
    first = append(None, events[0])
    second = append(first, events[1])
    assert [first, second] == make_chain(2)
    with pytest.raises(ValueError, match="seq 3"):
        append(second, events[0])
    with pytest.raises(ValueError, match="seq 1"):
        append(None, events[1])


# --- verification ------------------------------------------------------------------------------


def test_an_intact_chain_verifies() -> None:
    assert verify(make_chain(50)) is None
    assert verify([]) is None


def test_verification_from_a_trusted_point() -> None:
    entries = make_chain(10)
    assert verify(entries[4:], start_prev_hash=entries[3].hash, start_seq=5) is None
    brk = verify(entries[4:])
    assert brk is not None
    assert (brk.seq, brk.reason) == (5, "sequence_gap")


K = 4  # the row tampered with in the cases below (of 10)


def test_edited_data_is_a_hash_mismatch_at_that_row() -> None:
    entries = make_chain(10)
    entries[K - 1] = edit_event(entries[K - 1], data={**entries[K - 1].event.data, "rate": "0.03"})
    brk = verify(entries)
    assert brk == Break(
        K,
        "hash_mismatch",
        entry_hash(entries[K - 1].prev_hash, entries[K - 1].event),
        entries[K - 1].hash,
        brk.detail if brk else "",
    )


def test_edited_timestamp_is_a_hash_mismatch_at_that_row() -> None:
    entries = make_chain(10)
    moved = entries[K - 1].event.occurred_at + datetime.timedelta(microseconds=1)
    entries[K - 1] = edit_event(entries[K - 1], occurred_at=moved)
    brk = verify(entries)
    assert brk is not None
    assert (brk.seq, brk.reason) == (K, "hash_mismatch")


@pytest.mark.parametrize("field", ["action", "subject_type", "subject_id", "actor_id"])
def test_edited_text_fields_are_hash_mismatches(field: str) -> None:
    entries = make_chain(10)
    entries[K - 1] = edit_event(entries[K - 1], **{field: "tampered"})
    brk = verify(entries)
    assert brk is not None
    assert (brk.seq, brk.reason) == (K, "hash_mismatch")


def test_a_float_smuggled_into_a_row_is_a_hash_mismatch_not_a_crash() -> None:
    entries = make_chain(10)
    entries[K - 1] = edit_event(entries[K - 1], data={"amount": 0.1})
    brk = verify(entries)
    assert brk is not None
    assert (brk.seq, brk.reason, brk.expected) == (K, "hash_mismatch", None)


def test_deleted_row_is_a_gap_at_the_next_seq() -> None:
    entries = make_chain(10)
    del entries[K - 1]
    brk = verify(entries)
    assert brk is not None
    assert (brk.seq, brk.reason, brk.expected, brk.found) == (
        K + 1,
        "sequence_gap",
        str(K),
        str(K + 1),
    )


def test_deleted_first_row_and_deleted_runs() -> None:
    entries = make_chain(10)
    brk = verify(entries[1:])
    assert brk is not None
    assert (brk.seq, brk.reason) == (2, "sequence_gap")
    brk = verify(entries[:3] + entries[6:])
    assert brk is not None
    assert (brk.seq, brk.reason, brk.expected) == (7, "sequence_gap", "4")
    assert "4..6" in brk.detail


def test_swapped_rows_are_reordered_at_the_first_out_of_order_seq() -> None:
    entries = make_chain(10)
    entries[K - 1], entries[K] = entries[K], entries[K - 1]
    brk = verify(entries)
    assert brk is not None
    assert (brk.seq, brk.reason, brk.expected, brk.found) == (
        K,
        "sequence_reordered",
        str(K),
        str(K + 1),
    )


def test_swapped_last_two_rows() -> None:
    entries = make_chain(10)
    entries[8], entries[9] = entries[9], entries[8]
    brk = verify(entries)
    assert brk is not None
    assert (brk.seq, brk.reason) == (9, "sequence_reordered")


def test_a_row_moved_far_is_reordered_not_a_gap() -> None:
    entries = make_chain(10)
    moved = entries.pop(2)  # seq 3 now comes last
    entries.append(moved)
    brk = verify(entries)
    assert brk is not None
    assert (brk.seq, brk.reason) == (3, "sequence_reordered")


def test_a_duplicated_row_is_reordered() -> None:
    entries = make_chain(10)
    entries.insert(K, entries[K - 1])
    brk = verify(entries)
    assert brk is not None
    assert (brk.seq, brk.reason, brk.found) == (K + 1, "sequence_reordered", str(K))


def test_changed_prev_hash_is_a_prev_hash_mismatch_at_that_row() -> None:
    entries = make_chain(10)
    entries[K - 1] = dataclasses.replace(entries[K - 1], prev_hash="a" * 64)
    brk = verify(entries)
    assert brk is not None
    assert (brk.seq, brk.reason, brk.expected, brk.found) == (
        K,
        "prev_hash_mismatch",
        entries[K - 2].hash,
        "a" * 64,
    )


def test_changed_stored_hash_is_a_hash_mismatch_at_that_row() -> None:
    entries = make_chain(10)
    entries[K - 1] = dataclasses.replace(entries[K - 1], hash="b" * 64)
    brk = verify(entries)
    assert brk is not None
    assert (brk.seq, brk.reason) == (K, "hash_mismatch")


def test_an_edited_and_rehashed_row_breaks_the_link_of_the_next() -> None:
    entries = make_chain(10)
    edited = edit_event(entries[K - 1], subject_id="forged")
    entries[K - 1] = dataclasses.replace(edited, hash=entry_hash(edited.prev_hash, edited.event))
    brk = verify(entries)
    assert brk is not None
    assert (brk.seq, brk.reason) == (K + 1, "prev_hash_mismatch")


def test_verification_stops_at_the_first_break_without_reading_further() -> None:
    entries = make_chain(100)
    entries[K - 1] = dataclasses.replace(entries[K - 1], hash="c" * 64)
    consumed = 0

    def stream() -> Iterator[StoredEntry]:
        nonlocal consumed
        for entry in entries:
            consumed += 1
            yield entry

    brk = verify(stream())
    assert brk is not None
    assert brk.seq == K
    assert consumed == K


# --- truncation and checkpoints ---------------------------------------------------------------


def test_a_truncated_tail_is_invisible_to_the_chain_alone() -> None:
    entries = make_chain(10)
    assert verify(entries[:7]) is None  # documented limitation: only a checkpoint detects it


def test_a_checkpoint_detects_a_truncated_tail() -> None:
    entries = make_chain(10)
    checkpoint = Anchor(10, entries[-1].hash)
    assert verify_against_checkpoint(entries, checkpoint) is None
    brk = verify_against_checkpoint(entries[:7], checkpoint)
    assert brk is not None
    assert (brk.seq, brk.reason, brk.expected, brk.found) == (
        8,
        "checkpoint_mismatch",
        entries[-1].hash,
        None,
    )
    brk = verify_against_checkpoint([], checkpoint)
    assert brk is not None
    assert (brk.seq, brk.reason) == (1, "checkpoint_mismatch")


def test_a_checkpoint_detects_an_edited_last_row_that_was_rehashed() -> None:
    entries = make_chain(10)
    checkpoint = Anchor(10, entries[-1].hash)
    edited = edit_event(entries[-1], data={"amount_minor": 1})
    entries[-1] = dataclasses.replace(edited, hash=entry_hash(edited.prev_hash, edited.event))
    assert verify(entries) is None
    brk = verify_against_checkpoint(entries, checkpoint)
    assert brk is not None
    assert (brk.seq, brk.reason, brk.expected, brk.found) == (
        10,
        "checkpoint_mismatch",
        checkpoint.hash,
        entries[-1].hash,
    )


def test_a_checkpoint_detects_a_rebuilt_chain() -> None:
    entries = make_chain(10)
    checkpoints = [Anchor(5, entries[4].hash), Anchor(10, entries[9].hash)]
    events = [e.event for e in entries]
    events[1] = dataclasses.replace(events[1], data={"amount_minor": 1})
    rebuilt = list(chain(events))  # an attacker with DB access recomputes every hash
    assert verify(rebuilt) is None
    brk = verify_against_checkpoints(rebuilt, checkpoints)
    assert brk is not None
    assert (brk.seq, brk.reason) == (5, "checkpoint_mismatch")


def test_the_lowest_break_wins_and_signatures_are_checked_at_their_seq() -> None:
    entries = make_chain(10)
    good, bad = Anchor(3, entries[2].hash), Anchor(8, entries[7].hash)

    def signed(anchor: Any) -> bool:
        return anchor is not bad

    assert verify_against_checkpoints(entries, [good], signature_ok=signed) is None
    brk = verify_against_checkpoints(entries, [bad, good], signature_ok=signed)
    assert brk is not None
    assert (brk.seq, brk.reason) == (8, "bad_signature")
    entries[5] = dataclasses.replace(entries[5], hash="d" * 64)
    brk = verify_against_checkpoints(entries, [bad, good], signature_ok=signed)
    assert brk is not None
    assert (brk.seq, brk.reason) == (6, "hash_mismatch")
    brk = verify_against_checkpoints(entries[:5], [bad], signature_ok=signed)
    assert brk is not None
    assert (brk.seq, brk.reason) == (8, "bad_signature")


def test_a_checkpoint_anchors_an_incremental_verification() -> None:
    entries = make_chain(10)
    anchor = Anchor(4, entries[3].hash)
    assert (
        verify_against_checkpoint(entries[4:], anchor, start_prev_hash=anchor.hash, start_seq=5)
        is None
    )
    brk = verify_against_checkpoint(entries[4:], anchor, start_prev_hash="e" * 64, start_seq=5)
    assert brk is not None
    assert (brk.seq, brk.reason) == (4, "checkpoint_mismatch")


# --- properties --------------------------------------------------------------------------------

texts = st.text(st.characters(codec="utf-8"), max_size=8)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**18), 10**18) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)
json_objects = st.dictionaries(texts, json_values, max_size=3)
moments = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1),
    max_value=datetime.datetime(2100, 1, 1),
    timezones=st.just(datetime.UTC),
)
hexes = st.text("0123456789abcdef", min_size=64, max_size=64)


@st.composite
def event_lists(draw: st.DrawFn, min_size: int = 0) -> list[LedgerEvent]:
    n = draw(st.integers(min_size, 8))
    return [
        LedgerEvent(
            seq=seq,
            occurred_at=draw(moments),
            action=draw(st.sampled_from(ACTIONS)),
            subject_type=draw(texts),
            subject_id=draw(texts),
            actor_id=draw(st.none() | texts),
            data=draw(json_objects),
        )
        for seq in range(1, n + 1)
    ]


@given(event_lists())
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_random_chains_always_verify(events: list[LedgerEvent]) -> None:
    assert verify(chain(events)) is None


FIELDS = (
    "seq",
    "occurred_at",
    "action",
    "subject_type",
    "subject_id",
    "actor_id",
    "data",
    "prev_hash",
    "hash",
)


@given(event_lists(min_size=1), st.data())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_single_field_mutation_is_detected_at_that_row(
    events: list[LedgerEvent], data: st.DataObject
) -> None:
    entries = list(chain(events))
    index = data.draw(st.integers(0, len(entries) - 1), label="row")
    field = data.draw(st.sampled_from(FIELDS), label="field")
    entry = entries[index]
    row_seq = entry.event.seq
    if field in ("prev_hash", "hash"):
        old = getattr(entry, field)
        new = data.draw(hexes.filter(lambda h: h != old), label="new")
        entries[index] = dataclasses.replace(entry, **{field: new})
    else:
        old = getattr(entry.event, field)
        if field == "seq":
            new = data.draw(st.integers(-3, len(entries) + 3).filter(lambda s: s != old))
        elif field == "occurred_at":
            shift = data.draw(st.integers(-(10**12), 10**12).filter(bool))
            new = old + datetime.timedelta(microseconds=shift)
        elif field == "data":
            new = data.draw(json_objects.filter(lambda d: canonical_json(d) != canonical_json(old)))
        elif field == "actor_id":
            new = data.draw((st.none() | texts).filter(lambda v: v != old))
        else:
            new = data.draw(texts.filter(lambda v: v != old))
        entries[index] = edit_event(entry, **{field: new})

    brk = verify(entries)
    assert brk is not None
    if field == "seq":
        assert brk.reason in ("sequence_gap", "sequence_reordered")
        assert brk.seq in (row_seq, new)
    else:
        assert brk.seq == row_seq
        assert brk.reason == ("prev_hash_mismatch" if field == "prev_hash" else "hash_mismatch")
