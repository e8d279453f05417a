"""Regenerate the table of ledger actions in docs/audit-ledger.md from the registry
(openlicense/audit/actions.py). `--check` exits 1 when the document is out of date."""

from __future__ import annotations

import sys
from pathlib import Path

from openlicense.audit.actions import render_into

DOC = Path(__file__).resolve().parents[1] / "docs" / "audit-ledger.md"


def main(argv: list[str]) -> int:
    current = DOC.read_text(encoding="utf-8")
    fresh = render_into(current)
    if "--check" in argv:
        if fresh != current:
            print(f"{DOC} is out of date: run uv run python scripts/audit_docs.py")
            return 1
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
