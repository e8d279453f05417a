"""A fake Stripe API on a real local HTTP server, for the real SDK to talk to via `api_base`.

It covers what the payments gateway uses (Checkout Sessions, PaymentIntents, charges, refunds),
Stripe's form encoding, error bodies and idempotency (a key's first successful response is
replayed; the same key with other parameters is a 400 `idempotency_error`). Test controls move
payments along (`complete`, `fail`, `expire`, `refund_all`), build signed webhook events
(`event`), and take Stripe away (`down`, `fail_next`, `latency`).
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

from openlicense.payments.signatures import sign_payload

API_VERSION = stripe.api_version  # the version the SDK pins (2026-10-28.endive in 16.1)
CURRENCIES = frozenset({"cny", "usd", "eur", "gbp", "hkd", "jpy", "sgd", "aud", "cad"})
PAYMENT_METHOD_TYPES = frozenset({"card", "alipay", "wechat_pay", "link", "paypal"})
REFUND_REASONS = frozenset({"duplicate", "fraudulent", "requested_by_customer"})
MAX_AMOUNT = 99_999_999  # Stripe takes at most eight digits of minor units
PREFIXES = {"cs_": "sessions", "pi_": "payment_intents", "ch_": "charges", "re_": "refunds"}


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    """Lower-case names."""
    pairs: list[tuple[str, str]]
    """The raw form (POST) or query (GET) fields, in order."""
    params: dict[str, Any]
    """`pairs` decoded the way Stripe does: `a[b][0][c]=v` → {"a": {"b": [{"c": "v"}]}}."""


class StripeApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        error = {"type": type_, "message": message, "param": param, "code": code}
        self.body = {"error": {k: v for k, v in error.items() if v}}


class FakeStripe:
    def __init__(
        self,
        *,
        secret_key: str = "sk_test_fake_openlicense",  # noqa: S107
        webhook_secret: str = "whsec_test_fake_openlicense",  # noqa: S107
        now: Callable[[], float] = time.time,
    ) -> None:
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self._now = now
        self.lock = threading.RLock()
        self.sessions: dict[str, dict[str, Any]] = {}
        self.payment_intents: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.requests: list[RecordedRequest] = []
        self.sessions_created_by_key: Counter[str] = Counter()
        """Sessions really created per Idempotency-Key (replays do not count)."""
        self.latency = 0.0
        """Seconds each API request waits before answering (for client timeouts)."""
        self.in_flight = 0
        """API requests received and not yet answered (a test can act while Stripe "thinks")."""
        self._gate = threading.Event()
        self._gate.set()
        self._idempotency: dict[str, tuple[tuple[Any, ...], int, bytes]] = {}
        self._faults: list[StripeApiError] = []
        self._dropping = False
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    # -- server -------------------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeStripe:
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.fake = self  # type: ignore[attr-defined]
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reset(self) -> None:
        """Forget everything, as a fresh Stripe account would (the server keeps its port)."""
        with self.lock:
            for store in (self.sessions, self.payment_intents, self.charges, self.refunds):
                store.clear()
            self.requests.clear()
            self.sessions_created_by_key.clear()
            self._idempotency.clear()
            self._faults.clear()
            self.latency = 0.0
            self._dropping = False
            self._gate.set()
        self.up()

    def __enter__(self) -> FakeStripe:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def down(self, mode: str = "refuse") -> None:
        """`refuse`: stop listening (connection refused); `drop`: accept, then hang up without
        answering. Either way the SDK raises APIConnectionError."""
        if mode == "drop":
            self._dropping = True
        elif mode == "refuse":
            self.stop()
        else:
            raise ValueError(mode)

    def up(self) -> None:
        self._dropping = False
        if self._server is None:
            self.start()  # same port, so clients built with api_base keep working

    def hold(self) -> None:
        """API requests wait (up to 30 s) until `release()`: Stripe is slow for as long as a test
        needs, without sleeping."""
        self._gate.clear()

    def release(self) -> None:
        self._gate.set()

    def fail_next(
        self,
        status: int = 500,
        message: str = "An unknown error occurred",
        *,
        type_: str = "api_error",
        code: str | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` API requests answer this error (never stored for idempotency)."""
        for _ in range(times):
            self._faults.append(StripeApiError(status, message, type_=type_, code=code))

    def heal(self) -> None:
        """Drop the errors `fail_next` queued that have not been served yet."""
        with self.lock:
            self._faults.clear()

    def sdk_client(self, *, timeout: float = 5.0) -> tuple[stripe.StripeClient, stripe.HTTPXClient]:
        """The real SDK pointed here, without retries so an outage fails fast. Close the HTTP
        client (`await http_client.close_async()`) when done."""
        http_client = stripe.HTTPXClient(timeout=timeout)
        client = stripe.StripeClient(
            self.secret_key,
            base_addresses={"api": self.api_base},
            http_client=http_client,
            max_network_retries=0,
        )
        return client, http_client

    def requests_to(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    # -- test controls ------------------------------------------------------------------------

    def complete(
        self, session_id: str, *, delayed: bool = False, payment_method: str = "card"
    ) -> dict[str, Any]:
        """The customer pays. `delayed`: the method settles later (session complete but unpaid,
        PaymentIntent processing) until `settle` or `fail`."""
        with self.lock:
            session = self._open_session(session_id)
            intent = self._intent_for(session, payment_method)
            charge = self._new_charge(intent, payment_method)
            session["status"] = "complete"
            if delayed:
                intent["status"], charge["status"] = "processing", "pending"
                session["payment_status"] = "unpaid"
            else:
                self._succeed(session, intent, charge)
            return self._get(session_id)

    def settle(self, session_id: str) -> dict[str, Any]:
        """A delayed payment succeeds (checkout.session.async_payment_succeeded)."""
        with self.lock:
            session = self.sessions[session_id]
            intent = self.payment_intents[session["payment_intent"]]
            self._succeed(session, intent, self.charges[intent["latest_charge"]])
            return self._get(session_id)

    def fail(
        self,
        session_id: str,
        *,
        code: str = "card_declined",
        message: str = "Your card was declined.",
    ) -> dict[str, Any]:
        """A payment attempt fails. An open session stays open (the customer may try again); a
        delayed one stays complete and unpaid (checkout.session.async_payment_failed)."""
        with self.lock:
            session = self.sessions[session_id]
            if session["status"] == "expired" or session["payment_status"] == "paid":
                raise ValueError(f"{session_id} can no longer fail")
            intent = self._intent_for(session, "card")
            charge = self.charges.get(intent["latest_charge"] or "") or self._new_charge(
                intent, "card"
            )
            charge.update(status="failed", paid=False, failure_code=code, failure_message=message)
            intent.update(
                status="requires_payment_method",
                last_payment_error={
                    "type": "card_error",
                    "code": code,
                    "message": message,
                    "charge": charge["id"],
                },
            )
            return self._get(session_id)

    def expire(self, session_id: str) -> dict[str, Any]:
        with self.lock:
            session = self._open_session(session_id)
            session.update(status="expired", url=None)
            intent = self.payment_intents.get(session["payment_intent"] or "")
            if intent is not None:
                intent.update(status="canceled", canceled_at=self._ts())
            return self._get(session_id)

    def forget(self, session_id: str) -> None:
        """Stripe no longer knows the session (another account, a test-mode wipe): 404 from now."""
        with self.lock:
            del self.sessions[session_id]

    def open_sessions(self, agreement_id: str, entry_key: str) -> list[str]:
        """Sessions for one item that can still take money."""
        with self.lock:
            return [
                sid
                for sid, s in self.sessions.items()
                if s["status"] == "open"
                and s["metadata"].get("agreement_id") == agreement_id
                and s["metadata"].get("entry_key") == entry_key
            ]

    def money_for(self, agreement_id: str) -> int:
        """What the agreement's payers paid in and kept at Stripe: captured minus refunded."""
        with self.lock:
            intents = {
                s["payment_intent"]
                for s in self.sessions.values()
                if s["metadata"].get("agreement_id") == agreement_id and s["payment_intent"]
            }
            return sum(
                c["amount_captured"] - c["amount_refunded"]
                for c in self.charges.values()
                if c["payment_intent"] in intents and c["status"] == "succeeded"
            )

    def refund(self, payment_intent_id: str, amount: int) -> dict[str, Any]:
        """A partial refund made outside the API (e.g. in the Stripe dashboard)."""
        with self.lock:
            return self._refund({"payment_intent": payment_intent_id, "amount": str(amount)})

    def refund_all(self, payment_intent_id: str, *, reason: str | None = None) -> dict[str, Any]:
        with self.lock:
            return self._refund({"payment_intent": payment_intent_id, "reason": reason})

    def event(
        self,
        type_: str,
        obj: Mapping[str, Any] | str,
        *,
        event_id: str | None = None,
        created: int | None = None,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """A webhook delivery: the JSON body (pretty-printed like Stripe's, so a handler that
        re-serialises it breaks the signature) and its headers. `obj` is an object or its id
        (taken as it is now). Reuse `event_id` to build a redelivery."""
        if isinstance(obj, str):
            with self.lock:
                obj = self._get(obj)
        event = {
            "id": event_id or _new_id("evt_"),
            "object": "event",
            "api_version": API_VERSION,
            "created": created if created is not None else self._ts(),
            "data": {"object": copy.deepcopy(dict(obj))},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type_,
        }
        payload = json.dumps(event, indent=2).encode()
        signature = sign_payload(
            payload,
            secret or self.webhook_secret,
            timestamp=int(time.time()) if timestamp is None else timestamp,
        )
        return payload, {"Stripe-Signature": signature, "Content-Type": "application/json"}

    # -- the API ------------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, headers: dict[str, str], pairs: list[tuple[str, str]]
    ) -> tuple[int, bytes, dict[str, str]]:
        params = decode_params(pairs)
        self.requests.append(RecordedRequest(method, path, headers, pairs, params))
        out_headers = {"Request-Id": _new_id("req_"), "Stripe-Version": API_VERSION}
        try:
            if headers.get("authorization") != f"Bearer {self.secret_key}":
                raise StripeApiError(401, "Invalid API Key provided.")
            if self._faults:
                raise self._faults.pop(0)
            with self.lock:
                key = headers.get("idempotency-key") if method == "POST" else None
                if key is None:
                    return 200, _json(self._route(method, path, params, None)), out_headers
                out_headers["Idempotency-Key"] = key
                fingerprint = (method, path, tuple(sorted(pairs)))
                if key in self._idempotency:
                    stored, status, body = self._idempotency[key]
                    if stored != fingerprint:
                        raise StripeApiError(
                            400,
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with. Try using a key other than "
                            f"'{key}' if you meant to execute a different request.",
                            type_="idempotency_error",
                        )
                    return status, body, {**out_headers, "Idempotent-Replayed": "true"}
                body = _json(self._route(method, path, params, key))
                self._idempotency[key] = (fingerprint, 200, body)
                return 200, body, out_headers
        except StripeApiError as err:
            return err.status, _json(err.body), out_headers

    def _route(self, method: str, path: str, params: dict[str, Any], key: str | None) -> Any:
        parts = path.strip("/").split("/")
        expand = _as_list(params.get("expand"))
        match method, parts:
            case "POST", ["v1", "checkout", "sessions"]:
                return self._expand(self._create_session(params, key), expand)
            case "GET", ["v1", "checkout", "sessions", sid]:
                return self._expand(self._get(sid, "cs_"), expand)
            case "POST", ["v1", "checkout", "sessions", sid, "expire"]:
                self._get(sid, "cs_")
                if self.sessions[sid]["status"] != "open":
                    status = self.sessions[sid]["status"]
                    raise StripeApiError(400, f"Only open sessions can be expired, not {status}.")
                return self._expand(self.expire(sid), expand)
            case "GET", ["v1", "payment_intents", pid]:
                return self._expand(self._get(pid, "pi_"), expand)
            case "GET", ["v1", "charges", cid]:
                return self._expand(self._get(cid, "ch_"), expand)
            case "POST", ["v1", "refunds"]:
                return self._expand(self._refund(params), expand)
            case "GET", ["v1", "refunds", rid]:
                return self._expand(self._get(rid, "re_"), expand)
        raise StripeApiError(404, f"Unrecognized request URL ({method} {path}).")

    def _create_session(self, params: dict[str, Any], key: str | None) -> dict[str, Any]:
        if params.get("mode") != "payment":
            raise StripeApiError(400, "The fake supports mode=payment only.", param="mode")
        if not params.get("success_url"):
            raise StripeApiError(400, "Missing required param: success_url.", param="success_url")
        items = _as_list(params.get("line_items"))
        if not items:
            raise StripeApiError(400, "Missing required param: line_items.", param="line_items")
        currency, total = None, 0
        for i, item in enumerate(items):
            price = item.get("price_data") or {}
            currency = price.get("currency")
            if currency not in CURRENCIES:
                raise StripeApiError(
                    400,
                    f"Invalid currency: {currency}. Use a lower-case ISO code.",
                    param=f"line_items[{i}][price_data][currency]",
                )
            if not (price.get("product_data") or {}).get("name"):
                raise StripeApiError(
                    400,
                    "Missing required param: product_data[name].",
                    param=f"line_items[{i}][price_data][product_data][name]",
                )
            quantity = _int(item.get("quantity", "1"), "quantity")
            total += _int(price.get("unit_amount"), "unit_amount") * quantity
        if not 1 <= total <= MAX_AMOUNT:
            raise StripeApiError(
                400,
                "Amount must be no more than 999,999.99"
                if total > 0
                else "Amount must be positive",
                code="amount_too_large" if total > 0 else "amount_too_small",
            )
        methods = _as_list(params.get("payment_method_types")) or ["card"]
        for m in methods:
            if m not in PAYMENT_METHOD_TYPES:
                raise StripeApiError(
                    400, f"Invalid payment_method_types[]: {m}", param="payment_method_types"
                )
        options = params.get("payment_method_options") or {}
        wechat_client = (options.get("wechat_pay") or {}).get("client")
        if "wechat_pay" in methods and wechat_client not in ("web", "ios", "android"):
            raise StripeApiError(
                400,
                "payment_method_options[wechat_pay][client] is required for wechat_pay.",
                param="payment_method_options[wechat_pay][client]",
            )
        metadata = _metadata(params.get("metadata"))
        now = self._ts()
        expires_at = _int(params.get("expires_at", now + 86_400), "expires_at")
        if not now + 1800 <= expires_at <= now + 86_400:
            raise StripeApiError(
                400,
                "expires_at must be 30 minutes to 24 hours after the session's creation.",
                param="expires_at",
            )
        sid = _new_id("cs_test_", 58)
        session = {
            "id": sid,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer": None,
            "customer_email": params.get("customer_email"),
            "expires_at": expires_at,
            "livemode": False,
            "metadata": metadata,
            "mode": "payment",
            "payment_intent": None,
            "payment_method_options": options,
            "payment_method_types": methods,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params["success_url"],
            "url": f"{self.api_base}/c/pay/{sid}",
        }
        # Kept aside: Stripe applies payment_intent_data when it creates the PaymentIntent.
        session["_intent_data"] = dict(params.get("payment_intent_data") or {})
        self.sessions[sid] = session
        self.sessions_created_by_key[key or ""] += 1
        return session

    def _refund(self, params: dict[str, Any]) -> dict[str, Any]:
        pid = params.get("payment_intent")
        intent = self.payment_intents.get(pid or "")
        charge = self.charges.get(params.get("charge") or (intent or {}).get("latest_charge") or "")
        if charge is None or charge["status"] != "succeeded":
            raise StripeApiError(
                400,
                f"No such payment_intent: '{pid}'"
                if intent is None
                else "This PaymentIntent does not have a successful charge to refund.",
                param="payment_intent",
            )
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining <= 0:
            raise StripeApiError(
                400,
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = _int(params.get("amount", remaining), "amount")
        if not 1 <= amount <= remaining:
            raise StripeApiError(
                400,
                f"Refund amount ({amount}) is greater than the unrefunded {remaining}.",
                param="amount",
                code="amount_too_large",
            )
        reason = params.get("reason")
        if reason is not None and reason not in REFUND_REASONS:
            raise StripeApiError(
                400,
                f"Invalid reason: must be one of {', '.join(sorted(REFUND_REASONS))}",
                param="reason",
            )
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        refund = {
            "id": _new_id("re_"),
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "created": self._ts(),
            "currency": charge["currency"],
            "metadata": _metadata(params.get("metadata")),
            "payment_intent": charge["payment_intent"],
            "reason": reason,
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return copy.deepcopy(refund)

    # -- internals ----------------------------------------------------------------------------

    def _ts(self) -> int:
        return int(self._now())

    def _open_session(self, session_id: str) -> dict[str, Any]:
        session = self.sessions[session_id]
        if session["status"] != "open":
            raise ValueError(f"{session_id} is {session['status']}, not open")
        return session

    def _intent_for(self, session: dict[str, Any], payment_method: str) -> dict[str, Any]:
        if session["payment_intent"]:
            return self.payment_intents[session["payment_intent"]]
        data = session["_intent_data"]
        intent = {
            "id": _new_id("pi_"),
            "object": "payment_intent",
            "amount": session["amount_total"],
            "amount_received": 0,
            "canceled_at": None,
            "created": self._ts(),
            "currency": session["currency"],
            "description": data.get("description"),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": _metadata(data.get("metadata")),
            "payment_method_types": [payment_method],
            "status": "requires_payment_method",
        }
        self.payment_intents[intent["id"]] = intent
        session["payment_intent"] = intent["id"]
        return intent

    def _new_charge(self, intent: dict[str, Any], payment_method: str) -> dict[str, Any]:
        charge = {
            "id": _new_id("ch_"),
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": 0,
            "amount_refunded": 0,
            "created": self._ts(),
            "currency": intent["currency"],
            "failure_code": None,
            "failure_message": None,
            "livemode": False,
            "metadata": {},
            "paid": False,
            "payment_intent": intent["id"],
            "payment_method_details": {"type": payment_method},
            "refunded": False,
            "status": "pending",
        }
        self.charges[charge["id"]] = charge
        intent.update(latest_charge=charge["id"], last_payment_error=None)
        return charge

    def _succeed(
        self, session: dict[str, Any], intent: dict[str, Any], charge: dict[str, Any]
    ) -> None:
        charge.update(status="succeeded", paid=True, amount_captured=charge["amount"])
        intent.update(status="succeeded", amount_received=intent["amount"])
        session["payment_status"] = "paid"

    def _get(self, object_id: str, prefix: str | None = None) -> dict[str, Any]:
        store = next((s for p, s in PREFIXES.items() if object_id.startswith(p)), None)
        obj = getattr(self, store).get(object_id) if store else None
        if obj is None or (prefix and not object_id.startswith(prefix)):
            raise StripeApiError(
                404, f"No such object: '{object_id}'", param="id", code="resource_missing"
            )
        return {k: copy.deepcopy(v) for k, v in obj.items() if not k.startswith("_")}

    def _expand(self, obj: dict[str, Any], paths: list[str]) -> dict[str, Any]:
        obj = {k: v for k, v in obj.items() if not k.startswith("_")}
        for path in sorted(paths, key=len):  # parents first
            head, _, rest = path.partition(".")
            value = obj.get(head)
            if isinstance(value, str):
                obj[head] = value = self._get(value)
            if rest and isinstance(value, dict):
                obj[head] = self._expand(value, [rest])
        return obj


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that gave up waiting
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, so `down()` takes effect on the very next call.
    server: ThreadingHTTPServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        fake: FakeStripe = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        if fake._dropping:
            self.close_connection = True
            return  # hang up without a word
        url = urlsplit(self.path)
        if url.path.startswith("/c/pay/"):
            return self._send(
                200,
                b"<html><body>Fake Stripe Checkout</body></html>",
                {"Content-Type": "text/html"},
            )
        with fake.lock:
            fake.in_flight += 1
        try:
            fake._gate.wait(timeout=30)
            if fake.latency:
                time.sleep(fake.latency)
            pairs = parse_qsl(body if self.command == "POST" else url.query, keep_blank_values=True)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, payload, out = fake.handle(self.command, url.path, headers, pairs)
            self._send(status, payload, {**out, "Content-Type": "application/json"})
        finally:
            with fake.lock:
                fake.in_flight -= 1

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def decode_params(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's bracket form encoding, decoded: numeric or empty brackets make lists."""
    root: dict[str, Any] = {}
    for name, value in pairs:
        match = _KEY.match(name)
        keys = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))] if match else [name]
        node = root
        for depth, key in enumerate(keys):
            key = key or str(len(node))  # `a[]=x` appends
            if depth == len(keys) - 1:
                node[key] = value
            else:
                node = node.setdefault(key, {})
    return _listify(root)


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    node = {k: _listify(v) for k, v in node.items()}
    if node and all(k.isdigit() for k in node):
        return [node[k] for k in sorted(node, key=int)]
    return node


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _int(value: Any, param: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StripeApiError(400, f"Invalid integer: {value}", param=param) from None


def _metadata(value: Any) -> dict[str, str]:
    metadata = dict(value or {})
    for k, v in metadata.items():
        if len(k) > 40 or len(str(v)) > 500:
            raise StripeApiError(
                400, f"Metadata key {k!r} or its value is too long.", param=f"metadata[{k}]"
            )
    return {k: str(v) for k, v in metadata.items()}


def _new_id(prefix: str, length: int = 24) -> str:
    return prefix + secrets.token_hex(length)[:length]


def _json(obj: Any) -> bytes:
    return json.dumps(obj).encode()
