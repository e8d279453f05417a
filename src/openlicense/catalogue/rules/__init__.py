"""Open-licence rules of domain.md §4 (1–16, 23–24) as pure functions: facts in, violations out.

- `facts` — the plain facts and `RuleConfig`;
- `declaring` — declaring, publishing, withdrawing, accepting (one function per rule);
- `terms` — free text and fee standards (rules 8, 10, 11, 12); `words` — the word lists.
"""

from openlicense.catalogue.rules.declaring import (
    check_acceptable,
    check_declarable,
    check_declaration,
    check_declaration_editable,
    check_equal_treatment,
    check_publishable,
    check_recorded_licence,
    check_terms,
    check_withdrawal,
)
from openlicense.catalogue.rules.facts import LicenceFacts, OwnerFacts, PatentFacts, RuleConfig
from openlicense.catalogue.rules.words import (
    CONDITION_TERMS,
    DEFAULT_MARKETING_TERMS,
    find_terms,
)

__all__ = [
    "CONDITION_TERMS",
    "DEFAULT_MARKETING_TERMS",
    "LicenceFacts",
    "OwnerFacts",
    "PatentFacts",
    "RuleConfig",
    "check_acceptable",
    "check_declarable",
    "check_declaration",
    "check_declaration_editable",
    "check_equal_treatment",
    "check_publishable",
    "check_recorded_licence",
    "check_terms",
    "check_withdrawal",
    "find_terms",
]
