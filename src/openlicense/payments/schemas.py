"""Pydantic in/out models for payments, and the validation of a Stripe event's envelope."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

MAX_EVENT_DEPTH = 32
"""Stripe objects nest a few levels; anything deeper is not an event we sent for."""


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

    amount_minor: Annotated[int, Field(gt=0, le=10**12)]
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
    overpayment: bool = False
    """Money for an item that was already settled: not applied, refunded automatically."""


class RefundRead(_Out):
    id: uuid.UUID
    payment_id: uuid.UUID
    entry_key: str
    amount_minor: int
    currency: str
    reason: str
    status: str
    created_at: datetime.datetime


class PaymentsOfAgreement(BaseModel):
    payments: list[PaymentRead]
    refunds: list[RefundRead]


class PaymentAnomalyRead(_Out):
    id: uuid.UUID
    kind: str
    agreement_id: uuid.UUID | None
    payment_id: uuid.UUID | None
    stripe_event_id: str | None
    detail: dict[str, Any]
    created_at: datetime.datetime


class PaymentAnomalyPage(BaseModel):
    items: list[PaymentAnomalyRead]
    total: int


class StripeEventIn(BaseModel):
    """The envelope of a verified Stripe event, checked before any of it is used or stored:
    strict types (no "yesterday" for a timestamp, no 1e30), Stripe's lengths, and a payload the
    database can store (no NUL characters, no lone surrogates, bounded nesting)."""

    model_config = ConfigDict(strict=True, extra="ignore")

    id: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    type: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    created: Annotated[int, Field(ge=0, le=2**36)]
    """Unix seconds."""
    data: dict[str, Any]

    @field_validator("data")
    @classmethod
    def _has_an_object(cls, value: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(value.get("object"), dict):
            raise ValueError("data.object must be an object")
        return value


class InvalidEventEnvelope(ValueError):
    """A signed body that is not a Stripe event we can read (see StripeEventIn)."""


def parse_event(event: dict[str, Any]) -> StripeEventIn:
    try:
        parsed = StripeEventIn.model_validate(event)
        _check_storable(event, depth=0)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "event"
        raise InvalidEventEnvelope(f"{where}: {first['msg']}") from err
    return parsed


def _check_storable(value: Any, *, depth: int) -> None:
    if depth > MAX_EVENT_DEPTH:
        raise InvalidEventEnvelope("the event nests too deeply")
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_storable(item, depth=depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_storable(item, depth=depth + 1)


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise InvalidEventEnvelope("the event contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise InvalidEventEnvelope("the event contains an unpaired surrogate") from err
