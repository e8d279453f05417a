"""The registry of ledger actions: every `action` the platform writes, its subject and each
field of its `data`. One typed list in code; `docs/audit-ledger.md` §2 is generated from it
(`uv run python scripts/audit_docs.py`, and a test fails when the two drift), and
`ledger.append` refuses a record whose action or data fields are not registered here, so the
registry cannot fall behind the code. Knows no domain: names and shapes only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

FieldType = Literal[
    "string", "integer", "boolean", "date", "timestamp", "uuid", "decimal", "object", "array"
]


@dataclass(frozen=True, slots=True)
class DataField:
    name: str
    type: FieldType
    description: str
    nullable: bool = False
    fields: tuple[DataField, ...] = ()
    """For an `object` whose keys are fixed (the agreement's `state`): its fields."""
    each: tuple[DataField, ...] = ()
    """For an `object` keyed by name whose values share fields (`state.schedule`): those."""


@dataclass(frozen=True, slots=True)
class Action:
    name: str
    subject_type: str
    when: str
    fields: tuple[DataField, ...]
    open_data: bool = False
    """Demand-side families: `data` describes the change with fields named in
    docs/demand-side.md; the registry checks the family and the subject, not each field."""


def _f(name: str, type_: FieldType, description: str, *, null: bool = False) -> DataField:
    return DataField(name, type_, description, null)


SCHEDULE_ITEM = (
    _f("kind", "string", "`lump_sum`, `annual`, `royalty`, `minimum_topup` …"),
    _f("due_date", "date", "When the amount is due."),
    _f(
        "amount_minor",
        "integer",
        "Amount in minor units (null until a royalty is reported).",
        null=True,
    ),
    _f("stage_index", "integer", "The stage it belongs to.", null=True),
    _f("period_start", "date", "Royalty period start.", null=True),
    _f("period_end", "date", "Royalty period end.", null=True),
    _f("rate", "decimal", "Royalty rate as a decimal string, normalised (`0.05`).", null=True),
    _f("base", "string", "Royalty base (`net_sales` …).", null=True),
    _f("description", "string", "The item's description."),
    _f("status", "string", "`scheduled`, `awaiting_report`, `paid`, `cancelled` …"),
    _f("paid_minor", "integer", "Amount paid.", null=True),
    _f("paid_on", "date", "Day paid.", null=True),
    _f("payment_reference", "string", "The payment's reference.", null=True),
)
RECORDING = (
    _f("due_date", "date", "Recording (备案) due date (rule 21)."),
    _f("status", "string", "`open` or `filed`."),
    _f("filed_on", "date", "Day filed with CNIPA.", null=True),
    _f("cnipa_reference", "string", "CNIPA's reference.", null=True),
    _f("filed_by_party", "string", "`licensor` or `licensee`.", null=True),
)
STATE = (
    _f("number", "string", "Agreement number."),
    _f("declaration_id", "uuid", "The declaration version accepted."),
    _f("patent_id", "uuid", "The patent."),
    _f("licensor_organisation_id", "uuid", "Licensor."),
    _f("licensee_organisation_id", "uuid", "Licensee."),
    _f("accepted_by_id", "uuid", "The user who gave the written notice."),
    _f("status", "string", "`notified`, `paid`, `effective`, `suspended`, `ended` …"),
    _f("status_reason", "string", "Why the status last changed.", null=True),
    _f("notified_at", "timestamp", "Written notice (PL 51(1))."),
    _f("paid_at", "timestamp", "When everything due at the start was paid.", null=True),
    _f("effective_on", "date", "Day the licence took effect.", null=True),
    _f("ended_on", "date", "Day the licence ended.", null=True),
    _f("licence_start", "date", "Licence period start."),
    _f("licence_end", "date", "Licence period end."),
    _f("currency", "string", "ISO 4217."),
    _f("fee_type", "string", "The fee standard's type."),
    _f("has_trial", "boolean", "The first stage is a free trial."),
    _f("notice_ip", "string", "Address the notice came from.", null=True),
    _f("notice_user_agent", "string", "User agent of the notice.", null=True),
    _f("seal", "string", "SHA-256 of the sealed snapshot and both texts."),
    _f("seal_version", "integer", "Version of the seal's recipe."),
    _f("fairness_review_required", "boolean", "Rule 24: the patent was invalidated."),
    DataField(
        "schedule", "object", "Items by key, each as `state.schedule.<key>`.", each=SCHEDULE_ITEM
    ),
    DataField("recording", "object", "The recording task, or null.", True, RECORDING),
)
STATE_FIELD = DataField(
    "state", "object", "The agreement's whole state after the change (§2.1).", False, STATE
)
AGREEMENT_EVENT = (
    _f("key", "string", "The change's idempotency key (unique per agreement)."),
    _f("from", "string", "Status before, when the status changed.", null=True),
    _f("to", "string", "Status after, when the status changed.", null=True),
    _f("occurred_on", "date", "The day the change took place."),
    _f("detail", "object", "What the change carries (entry key, amounts, reference …)."),
    STATE_FIELD,
)
PAYMENT = (
    _f("payment_id", "uuid", "The payment."),
    _f("entry_key", "string", "The schedule item it pays."),
    _f("method", "string", "`offline` or `stripe`."),
    _f("status", "string", "The payment's status after the change."),
    _f("amount_minor", "integer", "Amount in minor units."),
    _f("refunded_minor", "integer", "Refunded so far."),
    _f("currency", "string", "ISO 4217."),
    _f("reference", "string", "Bank or gateway reference.", null=True),
    _f("settled", "boolean", "The payment settled its item."),
    _f("overpayment", "boolean", "Money for an item already settled (refunded)."),
    _f("checkout_attempt", "integer", "Checkout attempt number.", null=True),
    _f("stripe_checkout_session_id", "string", "Stripe Checkout session.", null=True),
    _f("stripe_payment_intent_id", "string", "Stripe PaymentIntent.", null=True),
    _f("succeeded_at", "timestamp", "When the money arrived.", null=True),
)
REFUND = (
    _f("refund_id", "uuid", "The refund."),
    _f("payment_id", "uuid", "The payment refunded."),
    _f("entry_key", "string", "The schedule item."),
    _f("amount_minor", "integer", "Amount in minor units."),
    _f("currency", "string", "ISO 4217."),
    _f("status", "string", "The refund's status after the change."),
    _f("reason", "string", "Why."),
    _f("stripe_refund_id", "string", "Stripe's refund.", null=True),
)
DECLARATION = (
    _f("declaration_id", "uuid", "The declaration version (also the subject)."),
    _f("patent_id", "uuid", "The patent."),
    _f("version", "integer", "Version number of the declaration."),
    _f("terms_hash", "string", "SHA-256 of the terms as published."),
    _f("terms_digest", "string", "SHA-256 of the stored terms' canonical JSON."),
    _f("fee_type", "string", "The fee standard's type."),
    _f("currency", "string", "ISO 4217."),
    _f("licence_start", "date", "Declared licence period start."),
    _f("licence_end", "date", "Declared licence period end."),
    _f("published_at", "timestamp", "When it was published."),
    _f("announcement_ref", "string", "The announcement's reference.", null=True),
    _f("announcement_date", "date", "The announcement's date.", null=True),
)
WITHDRAWAL = (
    _f("declaration_id", "uuid", "The declaration withdrawn (also the subject)."),
    _f("patent_id", "uuid", "Its patent."),
    _f("version", "integer", "Its version."),
    _f("status", "string", "Always `withdrawn`."),
    _f("reason", "string", "The reason given (rule 23)."),
    _f("effective_date", "date", "From this day no new acceptances."),
    _f("owner_consents", "array", "Co-owners' consents: `owner_id`, `name`, `document_ref`."),
)
ANOMALY = (
    _f("anomaly_id", "uuid", "The anomaly."),
    _f("kind", "string", "What was wrong."),
    _f("payment_id", "uuid", "The payment concerned.", null=True),
    _f("stripe_event_id", "string", "The Stripe event concerned.", null=True),
    _f("detail", "object", "What was observed."),
)

AGREEMENT_CHANGES = {
    "notified": "The written notice was given: the licence exists (PL 51(1)).",
    "payment_confirmed": "A schedule item was paid (offline confirmation or Stripe).",
    "paid": "Everything due at the start is paid (rule 17).",
    "effective": "The licence took effect.",
    "stage_started": "A new stage of a staged fee began.",
    "overdue_notice": "An item is overdue: the licensee was notified.",
    "suspended": "Suspended for arrears (rule 20).",
    "reinstated": "Arrears paid: reinstated (rule 20).",
    "royalty_reported": "The licensee reported a royalty period's base (rule 20).",
    "recording_filed": "The licence was recorded with CNIPA (rule 21).",
    "fairness_review_queued": "The patent was invalidated: fees go to review (rule 24).",
    "ended": "The licence ended (term over, trial ended, patent lapsed …).",
    "royalty_amended": "The licensee amended a filed royalty report within its window (rule 20).",
    "royalty_adjustment": "The difference of an amended, already paid report (rule 20).",
}
PAYMENT_STATUSES = ("pending", "succeeded", "failed", "expired", "refunded")
REFUND_STATUSES = (
    "requested",
    "rejected",
    "succeeded",
    "pending",
    "requires_action",
    "failed",
    "canceled",
)

DISPUTE = (
    _f("dispute_id", "uuid", "The dispute."),
    _f("stage", "string", "`negotiation`, `mediation_requested`, `court`, `resolved`."),
    _f("subject", "string", "What is disputed."),
    _f("party", "string", "`licensor` or `licensee`: who acted."),
    _f("mediator", "string", "`cnipa` or `local_ip_office` (mediation).", null=True),
)

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action(
            "agreement.created",
            "agreement",
            "An SME accepted a declaration: the sealed agreement exists.",
            (
                _f("number", "string", "Agreement number."),
                _f("seal", "string", "SHA-256 of the sealed snapshot and both texts."),
                _f("declaration_id", "uuid", "The declaration version accepted."),
                _f("patent_id", "uuid", "The patent."),
                _f("licensor_organisation_id", "uuid", "Licensor."),
                _f("licensee_organisation_id", "uuid", "Licensee."),
                _f("status", "string", "Status at creation."),
                _f("notified_at", "timestamp", "Written notice (PL 51(1))."),
                STATE_FIELD,
            ),
        ),
        *(
            Action(f"agreement.{kind}", "agreement", when, AGREEMENT_EVENT)
            for kind, when in AGREEMENT_CHANGES.items()
        ),
        Action(
            "payment.checkout_requested",
            "agreement",
            "A Stripe Checkout session was opened for an item.",
            PAYMENT,
        ),
        *(
            Action(f"payment.{s}", "agreement", f"A payment is now `{s}`.", PAYMENT)
            for s in PAYMENT_STATUSES
        ),
        Action(
            "payment.anomaly_recorded",
            "agreement",
            "Money that matches nothing expected (subject `payment_anomaly` when no agreement).",
            ANOMALY,
        ),
        *(
            Action(f"refund.{s}", "agreement", f"A refund is now `{s}`.", REFUND)
            for s in REFUND_STATUSES
        ),
        Action(
            "declaration.published",
            "declaration",
            "A declaration version was published.",
            DECLARATION,
        ),
        Action(
            "declaration.withdrawn",
            "declaration",
            "A declaration was withdrawn (rule 23).",
            WITHDRAWAL,
        ),
        Action(
            "patent.register_verified",
            "patent",
            "A platform admin recorded a verified register snapshot (rule 27).",
            (
                _f("legal_status", "string", "Legal status in the register."),
                _f("annual_fee_paid_through", "date", "Annual fees paid through.", null=True),
                _f("pledged", "boolean", "A pledge is registered."),
                _f("suspended", "boolean", "Proceedings suspended (中止)."),
                _f("source", "string", "`admin` or `register_extract`."),
                _f("reference", "string", "The register extract or query the facts come from."),
            ),
        ),
        Action(
            "patent.register_refresh_requested",
            "patent",
            "The patentee asked for the register snapshot to be refreshed (rule 27).",
            (),
        ),
        Action(
            "patent.listing_closed",
            "patent",
            "The lifecycle job closed the listing of an ended patent (rule 24).",
            (
                _f("rule", "integer", "24."),
                _f("legal_status", "string", "Why: `expired`, `lapsed`, `invalidated` …"),
            ),
        ),
        Action(
            "declaration.price_publicity_recorded",
            "declaration",
            "The university recorded the internal publicity of the price (rule 31).",
            (
                _f("rule", "integer", "31."),
                _f("achievement_name", "string", "What was publicised."),
                _f("price_text", "string", "The price as publicised."),
                _f("publicised_from", "date", "Publicity start."),
                _f("publicised_until", "date", "Publicity end."),
                _f("reference", "string", "Where it was publicised."),
            ),
        ),
        Action(
            "inventor_reward_rule.recorded",
            "organisation",
            "A university recorded its inventor-reward rule (rule 32).",
            (
                _f("share", "decimal", "Share of net licence income for the inventors."),
                _f("reference", "string", "The university's rule document."),
            ),
        ),
        *(
            Action(f"dispute.{stage}", "agreement", when, DISPUTE)
            for stage, when in (
                ("opened", "A party opened a dispute: negotiation first (rule 28)."),
                ("mediation_requested", "Mediation requested (CNIPA never sets the fee)."),
                ("court", "The dispute went to court (rule 28)."),
                ("resolved", "The dispute was resolved."),
            )
        ),
        Action(
            "patent.co_owners_corrected",
            "patent",
            "Co-owners and their consents corrected before any publication (rule 7).",
            (
                _f("before", "array", "The co-owners before, with their consents."),
                _f("after", "array", "The co-owners after, with their consents."),
            ),
        ),
        Action(
            "document.attached",
            "agreement",
            "A document supporting an agreement was attached: its hash, not its content.",
            (
                _f("document_id", "uuid", "The document."),
                _f("purpose", "string", "`consent_letter`, `royalty_evidence` …"),
                _f("sha256", "string", "SHA-256 of the file as uploaded."),
                _f("size", "integer", "Bytes."),
                _f("content_type", "string", "Sniffed from the content."),
            ),
        ),
        Action(
            "user.invited",
            "organisation",
            "An organisation admin invited a colleague (single-use, expiring link).",
            (
                _f("email", "string", "Who was invited."),
                _f("org_admin", "boolean", "Invited as an organisation admin."),
            ),
        ),
        Action(
            "user.joined",
            "user",
            "An invitation was accepted: the user exists.",
            (
                _f("organisation_id", "uuid", "The organisation joined."),
                _f("email", "string", "The user's email."),
            ),
        ),
        Action(
            "user.updated",
            "user",
            "An organisation admin changed a colleague's admin flag or deactivated them.",
            (
                _f("is_org_admin", "boolean", "Admin of the organisation after the change."),
                _f("is_active", "boolean", "Active after the change."),
            ),
        ),
        Action(
            "user.password_changed",
            "user",
            "The user changed their password (the hash is never in the ledger).",
            (),
        ),
        Action(
            "user.password_reset",
            "user",
            "The user set a new password through an emailed single-use link.",
            (),
        ),
        Action(
            "organisation.verified",
            "organisation",
            "A platform admin verified a university or enterprise.",
            (
                _f("name", "string", "Its name."),
                _f("kind", "string", "`university`, `enterprise` …"),
            ),
        ),
    )
}


DEMAND_SIDE = {
    "need.": (
        "need",
        "Enterprise needs (需求库): posted, updated, confirmed, matched, met, closed.",
    ),
    "achievement.": ("achievement", "Achievements library (成果库): added, reviewed, withdrawn."),
    "expert.": ("expert", "Talent library (人才库): a researcher profile added."),
    "consulting.": (
        "consulting",
        "One-to-one consulting: requested, approved or declined, a session, completed.",
    ),
    "zone.": ("zone", "Online zones (线上专区): created, items listed."),
    "event.": ("event", "Matchmaking events: created, a registration, an outcome."),
    "challenge.": (
        "challenge",
        "揭榜挂帅 challenges: published, applied, shortlisted, selected, answered by a licence.",
    ),
    "cooperation.": (
        "cooperation_agreement",
        "Cooperation agreements: sealed, signed, a milestone done, completed.",
    ),
}
FAMILIES: dict[str, Action] = {
    "payment.": Action("payment.<status>", "agreement", "A payment in another status.", PAYMENT),
    "refund.": Action("refund.<status>", "agreement", "A refund in another status.", REFUND),
    **{
        prefix: Action(f"{prefix}<change>", "*", when, (), open_data=True)
        for prefix, (_, when) in DEMAND_SIDE.items()
    },
}
"""A status the gateway reports that is not listed above still has its family's fields."""


class UnregisteredLedgerRecord(RuntimeError):
    """A record whose action or data fields are not in the registry (a wiring bug)."""


def problems(action: str, subject_type: str, subject_id: str, data: Mapping[str, Any]) -> list[str]:
    """What is wrong with a record, measured against the registry (empty when it conforms)."""
    spec = ACTIONS.get(action) or next(
        (f for prefix, f in FAMILIES.items() if action.startswith(prefix)), None
    )
    if spec is None:
        return [f"action {action!r} is not registered in openlicense/audit/actions.py"]
    out = []
    if (
        spec.subject_type != "*"
        and subject_type != spec.subject_type
        and not (action == "payment.anomaly_recorded" and subject_type == "payment_anomaly")
    ):
        out.append(f"{action}: subject_type {subject_type!r}, registered {spec.subject_type!r}")
    if not subject_id or subject_id == "None":
        out.append(f"{action}: the subject_id names nothing ({subject_id!r})")
    if not spec.open_data:
        out += _field_problems(action, spec.fields, data)
    return out


def _field_problems(where: str, fields: Iterable[DataField], data: Mapping[str, Any]) -> list[str]:
    spec = {f.name: f for f in fields}
    out = []
    if missing := sorted(set(spec) - set(data)):
        out.append(f"{where}: data lacks {missing}")
    if extra := sorted(set(data) - set(spec)):
        out.append(f"{where}: data has unregistered fields {extra}")
    for name, field in spec.items():
        value = data.get(name)
        if field.fields and isinstance(value, Mapping):
            out += _field_problems(f"{where}.{name}", field.fields, value)
        if field.each and isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(item, Mapping):
                    out += _field_problems(f"{where}.{name}.{key}", field.each, item)
    return out
