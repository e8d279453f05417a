"""DeclarationTerms: what an open-licence declaration offers to everyone (IR 85, rule 8).

Pure Pydantic, no database. The canonical JSON of these terms is stored and hashed at
publication: every licensee of a version gets these exact bytes (equal treatment, rule 14).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from openlicense.pricing.fee_standards import FeeStandard

MAINLAND_CHINA: Literal["CN-mainland"] = "CN-mainland"


class PaymentChannel(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    ONLINE = "online"


class DeclarationTerms(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fee_standard: FeeStandard
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "CNY"
    licence_start: datetime.date
    licence_end: datetime.date
    payment_channels: Annotated[list[PaymentChannel], Field(min_length=1, max_length=2)] = [
        PaymentChannel.BANK_TRANSFER
    ]
    territory: Literal["CN-mainland"] = MAINLAND_CHINA
    """Rule 12: an open licence covers mainland China, the same for every licensee."""
    field_of_use: Annotated[str | None, Field(max_length=500)] = None
    """One field of use for all licensees; per-licensee fields are not allowed (rule 12)."""
    other_terms: Annotated[str | None, Field(max_length=4000)] = None
    fee_cap_justification: Annotated[str | None, Field(max_length=2000)] = None
    """Rule 11 in `warn` mode: why a fee above the soft caps is reasonable."""
    clauses: Annotated[dict[str, str], Field(max_length=60)] = {}
    """Clause choices, key → option (clauses/library); unset keys take the library default.
    Fixed at publication for every licensee of this version (equal treatment, rule 14)."""

    @model_validator(mode="after")
    def _period_is_ordered(self) -> DeclarationTerms:
        if self.licence_end <= self.licence_start:
            raise ValueError("licence_end must be after licence_start")
        return self

    def canonical_json(self) -> str:
        """Sorted keys, no whitespace, Decimals as strings: stable bytes to hash and to copy."""
        return json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()
