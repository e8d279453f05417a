"""The registry of ledger actions (audit/actions.py) is the one list: the docs' table is
generated from it, and the ledger refuses a record it does not describe."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from openlicense.audit import actions, ledger
from openlicense.audit.ledger import LedgerRecord

DOC = Path(__file__).resolve().parents[2] / "docs" / "audit-ledger.md"


def _generator() -> ModuleType:
    path = DOC.parents[1] / "scripts" / "audit_docs.py"
    spec = importlib.util.spec_from_file_location("audit_docs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_docs_table_and_worked_example_are_generated_from_the_code() -> None:
    """§1.1 from the registry; §7 byte for byte from the chain, the signing code and the
    verifier's own output on the example's files."""
    current = DOC.read_text(encoding="utf-8")
    assert _generator().render(current) == current, (
        "docs/audit-ledger.md drifted from the code: run `uv run python scripts/audit_docs.py`"
    )
    for name in actions.ACTIONS:
        assert f"`{name}`" in current


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils")
def test_the_shell_recipe_of_the_worked_example_gives_the_documented_hash() -> None:
    text = DOC.read_text(encoding="utf-8")
    recipe = text[text.index("printf '%s\\n%s'") :]
    recipe = recipe[: recipe.index("# ")]
    documented = text[text.index("# ", text.index("printf '%s\\n%s'")) + 2 :].split()[0]
    bash = shutil.which("bash") or "/bin/bash"
    out = subprocess.run([bash, "-c", recipe], capture_output=True, text=True, check=True)
    assert out.stdout.split()[0] == documented


def test_a_record_is_measured_against_the_registry() -> None:
    assert actions.problems("agreement.forged", "agreement", "x", {}) == [
        "action 'agreement.forged' is not registered in openlicense/audit/actions.py"
    ]
    # A status the gateway adds later keeps its family's fields.
    assert actions.problems("refund.reversed", "agreement", "a1", {"refund_id": "r"}) == [
        "refund.reversed: data lacks ['amount_minor', 'currency', 'entry_key', 'payment_id', "
        "'reason', 'status', 'stripe_refund_id']"
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
            ledger.append(session, LedgerRecord("recording.filed", "agreement", "a1"))
        assert ledger.pending(session) == []
