"""Pydantic in/out models for payments."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class CheckoutStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry_key: Annotated[str, Field(max_length=40)]


class CheckoutRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    entry_key: str
    amount_minor: int
    currency: str
    status: str
    checkout_url: str | None
    stripe_checkout_session_id: str | None
    expires_at: datetime.datetime | None


class RefundRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_minor: Annotated[int, Field(gt=0)]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=300)]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PaymentRead(_Out):
    id: uuid.UUID
    entry_key: str
    method: str
    status: str
    amount_minor: int
    refunded_minor: int
    currency: str
    reference: str | None
    stripe_payment_intent_id: str | None
    succeeded_at: datetime.datetime | None
    created_at: datetime.datetime


class RefundRead(_Out):
    id: uuid.UUID
    entry_key: str
    amount_minor: int
    currency: str
    reason: str
    status: str
    created_at: datetime.datetime


class PaymentsOfAgreement(BaseModel):
    payments: list[PaymentRead]
    refunds: list[RefundRead]
