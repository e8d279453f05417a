"""Rule 30 on the register: who may declare, given who owns the patent. Pure."""

from __future__ import annotations

from openlicense.core.violations import RuleViolation


def check_lister_owns(owner_kinds: list[str], lister_kind: str) -> list[RuleViolation]:
    """Rule 30: foreground IP owned by the enterprise (个性条款2) cannot be listed by the
    university; jointly owned IP needs every owner (rule 7 checks each owner's consent).
    Owners without a linked organisation are unknown and not judged."""
    known = [k for k in owner_kinds if k != "unknown"]
    if lister_kind != "university" or not known or "university" in known:
        return []
    return [
        RuleViolation(
            30,
            "ownership_scenario_conflict",
            "rule 30: the registered owners are "
            + ", ".join(sorted(set(known)))
            + " organisations only; a university cannot declare an open licence for IP it "
            "does not own (个性条款2: the enterprise owns the project IP).",
            kind="conflict",
            field="owners",
        )
    ]
