"""The registry of ledger actions (audit/actions.py) is the one list: the docs' table is
generated from it, and the ledger refuses a record it does not describe."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from openlicense.audit import actions, ledger
from openlicense.audit.ledger import LedgerRecord

DOC = Path(__file__).resolve().parents[2] / "docs" / "audit-ledger.md"


def test_the_docs_table_is_generated_from_the_registry() -> None:
    current = DOC.read_text(encoding="utf-8")
    assert actions.render_into(current) == current, (
        "docs/audit-ledger.md §2 drifted from openlicense/audit/actions.py: "
        "run `uv run python scripts/audit_docs.py`"
    )
    for name in actions.ACTIONS:
        assert f"`{name}`" in current


def test_a_record_is_measured_against_the_registry() -> None:
    assert actions.problems("agreement.forged", "agreement", "x", {}) == [
        "action 'agreement.forged' is not registered in openlicense/audit/actions.py"
    ]
    wrong = actions.problems(
        "organisation.verified", "organisation", "None", {"name": "A", "colour": "red"}
    )
    assert "organisation.verified: the subject_id names nothing ('None')" in wrong
    assert "organisation.verified: data lacks ['kind']" in wrong
    assert "organisation.verified: data has unregistered fields ['colour']" in wrong
    assert (
        actions.problems("organisation.verified", "organisation", "o1", {"name": "A", "kind": "u"})
        == []
    )


async def test_the_ledger_refuses_an_unregistered_record(
    db_sessionmaker: async_sessionmaker,
) -> None:
    async with db_sessionmaker() as session:
        with pytest.raises(actions.UnregisteredLedgerRecord, match="not registered"):
            ledger.append(session, LedgerRecord("payment.recorded", "payment", "p1"))
        assert ledger.pending(session) == []
