"""RuleViolation: the value every pure rule function returns, shared by catalogue and pricing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ViolationKind = Literal["conflict", "invalid"]


@dataclass(frozen=True, slots=True)
class RuleViolation:
    rule: int
    """Rule number in domain.md §4."""
    code: str
    """Stable machine-readable code, e.g. `exclusive_licence_active`."""
    message: str
    kind: ViolationKind = "invalid"
    field: str | None = None
    warning: bool = False
    """True for soft rules in `warn` mode: reported, but not blocking."""

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "code": self.code, "message": self.message, "field": self.field}


def blocking(violations: list[RuleViolation]) -> list[RuleViolation]:
    return [v for v in violations if not v.warning]
