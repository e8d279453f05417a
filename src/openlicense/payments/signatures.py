"""Stripe webhook signatures: verified on the raw body by the SDK; signed for the fake and tests."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import stripe

DEFAULT_TOLERANCE = 300
"""Seconds; the SDK's default. Older signatures are refused so a captured delivery cannot be
replayed later (duplicates inside the window are caught by the unique event id)."""


class InvalidSignature(ValueError):
    """Missing, malformed, wrong or expired signature, or a body that is not a Stripe event."""


def verify_webhook(
    payload: bytes,
    sig_header: str | None,
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: int | None = None,
) -> dict[str, Any]:
    """The event as a plain dict, only if `sig_header` signs exactly these bytes.

    The body must be the raw request body: re-serialised JSON no longer matches the signature."""
    try:
        # With `now` given the SDK must not use its own clock, so we check the window ourselves.
        stripe.WebhookSignature.verify_header(
            payload, sig_header, secret, tolerance if now is None else None
        )
    except stripe.SignatureVerificationError as err:
        raise InvalidSignature(str(err.user_message or err)) from err
    except UnicodeDecodeError as err:  # the SDK decodes the body before hashing it
        raise InvalidSignature("the webhook body is not UTF-8") from err
    if now is not None and _timestamp(sig_header) < now - tolerance:
        raise InvalidSignature("the signature timestamp is outside the tolerance window")
    try:  # NaN and Infinity are not JSON (and no database stores them); deep nesting is refused
        event = json.loads(payload, parse_constant=_no_constant)
    except (ValueError, RecursionError) as err:
        raise InvalidSignature("the webhook body is not JSON") from err
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("data"), dict)
    ):
        raise InvalidSignature("the webhook body is not a Stripe event")
    return event


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def sign_payload(payload: bytes, secret: str, *, timestamp: int) -> str:
    """The `Stripe-Signature` header Stripe would send: HMAC-SHA256 of "{t}.{body}" (v1 scheme)."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _timestamp(sig_header: str | None) -> int:
    # Only reached after the SDK parsed this header successfully.
    for item in (sig_header or "").split(","):
        name, _, value = item.partition("=")
        if name == "t":
            return int(value)
    raise InvalidSignature("the signature has no timestamp")
