"""Payment use cases, split by use case. An amount due is settled at most once:

- `checkout`   start a Stripe Checkout (one open session per item; the old one expired first)
- `offline`    confirm a bank transfer (and expire any open session for the item)
- `webhook`    the signed, deduplicated event inbox
- `refunds`    licensor refunds, idempotent per `Idempotency-Key`
- `reconcile`  ask Stripe about what may still change; close, apply, resend
- `book`       the one place payments and refunds change state (in the caller's transaction)
- `flow`, `transactions`  short transactions around each Stripe call, never one across it
- `reading`    listings; `records` what the ledger says about each change"""

from openlicense.payments.service.book import PaymentBook, ensure_payable
from openlicense.payments.service.checkout import CheckoutService
from openlicense.payments.service.flow import PaymentFlow
from openlicense.payments.service.offline import OfflineService
from openlicense.payments.service.reading import PaymentReader
from openlicense.payments.service.reconcile import ReconcileReport, reconcile
from openlicense.payments.service.records import anomaly_record, payment_record, refund_record
from openlicense.payments.service.refunds import RefundService
from openlicense.payments.service.webhook import WebhookService

__all__ = [
    "CheckoutService",
    "OfflineService",
    "PaymentBook",
    "PaymentFlow",
    "PaymentReader",
    "ReconcileReport",
    "RefundService",
    "WebhookService",
    "anomaly_record",
    "ensure_payable",
    "payment_record",
    "reconcile",
    "refund_record",
]
