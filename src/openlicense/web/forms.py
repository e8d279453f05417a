"""Form posts of the pages as Pydantic models. Each turns browser fields (text, yuan, percent)
into the API's own input schema, so the pages validate exactly like the API: a patent goes
through the import's flat-row validation (`PatentCreate`), a declaration through
`DeclarationTerms`, a report through `RoyaltyReportIn`."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from litestar import Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from openlicense.accounts.schemas import EmailStr
from openlicense.catalogue.imports import FLAT_COLUMNS
from openlicense.pricing.money import to_minor
from openlicense.web.i18n import N_, Translator


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


Opt = BeforeValidator(_blank_to_none)
Yuan = Annotated[Annotated[Decimal, Field(ge=0, le=Decimal(10**13), decimal_places=2)] | None, Opt]
Day = Annotated[datetime.date | None, Opt]
Text = Annotated[str | None, Opt]
Check = Annotated[bool, BeforeValidator(lambda v: v in (True, "on", "true", "1", "yes"))]

LIST_FIELDS = frozenset({"payment_channels"})
"""Fields that may repeat in a form (checkbox groups)."""


async def form_data(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The posted form as a dict: repeated fields as lists, the CSRF token left out."""
    form = await request.form()
    out: dict[str, Any] = {}
    for key in form:
        if key == "_csrf_token":
            continue
        values = form.getall(key)
        out[key] = values if key in LIST_FIELDS or len(values) > 1 else values[0]
    return out


MESSAGES = {
    "missing": N_("Required."),
    "date_from_datetime_parsing": N_("Write a date as YYYY-MM-DD."),
    "date_parsing": N_("Write a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": N_("Write a date as YYYY-MM-DD."),
    "decimal_parsing": N_("Write a number, e.g. 12500 or 3.5."),
    "int_parsing": N_("Write a whole number."),
    "int_type": N_("Required."),
    "decimal_type": N_("Required."),
    "greater_than_equal": N_("Too small."),
    "greater_than": N_("Too small."),
    "less_than_equal": N_("Too large."),
    "less_than": N_("Too large."),
    "string_too_short": N_("Too short."),
    "string_too_long": N_("Too long."),
    "value_error": N_("Not valid."),
    "literal_error": N_("Choose one of the options."),
    "enum": N_("Choose one of the options."),
    "decimal_max_places": N_("At most 2 decimal places."),
}


VALUE_ERRORS = (
    ("needs a rate", N_("Enter the rate.")),
    ("needs amount_per_unit_minor", N_("Enter the fee per unit.")),
    ("first instalment must be due on acceptance", N_("The first instalment is due at month 0.")),
    ("strictly increasing months", N_("Instalments must fall in increasing months.")),
    ("licence_end must be after licence_start", N_("The end must be after the start.")),
    ("needs duration_months", N_("Enter the trial length in months.")),
)


def field_errors(
    tr: Translator, exc: ValidationError, fields: dict[str, str] | None = None
) -> dict[str, str]:
    """Field name → message in the visitor's language (the first error of each field)."""
    out: dict[str, str] = {}
    for error in exc.errors():
        path = _path(error["loc"])
        name = (fields or {}).get(path) or _closest(path, fields or {}) or path
        out.setdefault(name, _message(tr, error))
    return out


def _path(loc: tuple[Any, ...]) -> str:
    """`fee_standard.STAGED.stages.1.standard.ROYALTY.rate` → `fee_standard.rate`: union tags
    and list positions dropped, and a fee standard's field named by its last part."""
    parts = [str(p) for p in loc if not isinstance(p, int) and not str(p).isupper()]
    if len(parts) > 1 and parts[0] == "fee_standard":
        return "fee_standard." + ("instalments" if "instalments" in parts else parts[-1])
    return ".".join(parts)


def _message(tr: Translator, error: Any) -> str:
    text = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "value_error":
        for needle, message in VALUE_ERRORS:
            if needle in text:
                return tr.gettext(message)
    known = MESSAGES.get(error["type"])
    return tr.gettext(known) if known else text


def _closest(path: str, fields: dict[str, str]) -> str | None:
    for prefix in sorted(fields, key=len, reverse=True):
        if path.startswith(prefix + "."):
            return fields[prefix]
    return None


class _Form(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class LoginForm(_Form):
    email: EmailStr
    password: Annotated[str, Field(min_length=1, max_length=256)]
    next: Text = None


class QuoteForm(_Form):
    """The quote calculator: expected annual sales (yuan; units for a per-unit royalty)."""

    estimate: Annotated[Annotated[Decimal, Field(ge=0, le=Decimal(10**13))] | None, Opt] = None


class AcceptForm(_Form):
    """Step 3 of the licence flow. The key is made when step 3 is shown, so a double click or a
    resubmit after "back" sends the same key and gets the same agreement."""

    idempotency_key: Annotated[str, Field(min_length=8, max_length=128)]
    declaration_version: int
    terms_hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    confirm: Check = False


class ReportForm(_Form):
    entry_key: Annotated[str, Field(max_length=40)]
    base: Annotated[Decimal, Field(ge=0, le=Decimal(10**13), decimal_places=4)]
    """Yuan for sales, profit and output value; a count for units."""
    action: Literal["preview", "submit"] = "preview"

    def base_amount(self, base: str | None) -> Decimal:
        """As the API takes it: minor units (fen) for money bases, a count for units."""
        return self.base if base == "units" else self.base * 100


class RecordingForm(_Form):
    cnipa_reference: Annotated[str, Field(min_length=1, max_length=120)]
    filed_on: datetime.date


class PaymentConfirmForm(_Form):
    entry_key: Annotated[str, Field(max_length=40)]
    amount: Annotated[Decimal, Field(gt=0, le=Decimal(10**13), decimal_places=2)]
    reference: Annotated[str, Field(min_length=1, max_length=120)]
    received_on: datetime.date

    def api_payload(self, currency: str) -> dict[str, Any]:
        return {
            "entry_key": self.entry_key,
            "amount_minor": to_minor(self.amount, currency),
            "reference": self.reference,
            "received_on": self.received_on,
        }


def patent_row(data: dict[str, Any]) -> dict[str, str]:
    """A patent form as a flat import row: the same columns, conventions and validation as a
    CSV line (`catalogue.imports`), so a form and a file can never disagree."""
    row = {column: str(data.get(column) or "").strip() for column in FLAT_COLUMNS}
    for flag in ("pledged", "suspended"):
        row[flag] = "true" if data.get(flag) in ("on", "true", True) else ""
    # One co-owner per line in the form; `;` in the flat format.
    for column in ("co_owners", "co_owner_consent_refs"):
        row[column] = ";".join(line.strip() for line in row[column].splitlines())
    return row


FeeTypeCode = Literal[
    "FREE", "LUMP_SUM", "INSTALMENTS", "ROYALTY", "ENTRY_FEE_PLUS_ROYALTY", "STAGED"
]
AgreementState = Literal["notified", "paid", "effective", "suspended", "terminated", "ended"]
FeeChoice = Literal[
    "FREE", "LUMP_SUM", "INSTALMENTS", "ROYALTY", "ENTRY_FEE_PLUS_ROYALTY", "STAGED_TRIAL"
]
AfterTrial = Literal["LUMP_SUM", "ROYALTY", "ENTRY_FEE_PLUS_ROYALTY"]


class DeclarationForm(_Form):
    """The declaration wizard: a fee standard in yuan and percent, the period, the channels.
    `terms()` gives the `DeclarationTerms` input the API takes."""

    fee_type: FeeChoice
    amount: Yuan = None
    due_days: Annotated[Annotated[int, Field(ge=0, le=365)] | None, Opt] = None
    instalments: Text = None
    """One instalment per line: `amount in yuan, months after acceptance`."""
    royalty_base: Annotated[
        Literal["net_sales", "profit", "units", "new_output_value"] | None, Opt
    ] = None
    rate_percent: Annotated[Annotated[Decimal, Field(gt=0, le=100)] | None, Opt] = None
    unit_fee: Yuan = None
    reporting_period: Annotated[Literal["monthly", "quarterly", "annual"] | None, Opt] = None
    report_due_days: Annotated[Annotated[int, Field(ge=1, le=120)] | None, Opt] = None
    on_acceptance: Yuan = None
    annual_minimum: Yuan = None
    entry_fee: Yuan = None
    trial_months: Annotated[Annotated[int, Field(ge=1, le=60)] | None, Opt] = None
    after_trial: Annotated[AfterTrial | None, Opt] = None
    licence_start: datetime.date
    licence_end: datetime.date
    payment_channels: Annotated[list[Literal["bank_transfer", "online"]], Field(min_length=1)] = [
        "bank_transfer"
    ]
    field_of_use: Text = None
    other_terms: Text = None
    fee_cap_justification: Text = None
    attest: Check = False

    def terms(self) -> dict[str, Any]:
        return {
            "fee_standard": self._standard(self.fee_type),
            "currency": "CNY",
            "licence_start": self.licence_start,
            "licence_end": self.licence_end,
            "payment_channels": self.payment_channels,
            "field_of_use": self.field_of_use,
            "other_terms": self.other_terms,
            "fee_cap_justification": self.fee_cap_justification,
        }

    def _standard(self, kind: str) -> dict[str, Any]:
        if kind == "STAGED_TRIAL":
            months = self.trial_months
            return {
                "type": "STAGED",
                "stages": [
                    {"label": "试用期（先试用后付费）", "duration_months": months,
                     "standard": {"type": "FREE"}},
                    {"label": "正式许可期", "duration_months": None,
                     "standard": self._standard(self.after_trial or "LUMP_SUM")},
                ],
            }  # fmt: skip
        if kind == "LUMP_SUM":
            return {
                "type": kind,
                "amount_minor": _fen(self.amount),
                "due_days_after_acceptance": self.due_days or 0,
            }
        if kind == "INSTALMENTS":
            return {"type": kind, "instalments": _instalments(self.instalments)}
        if kind == "ROYALTY":
            return {**self._royalty(), "type": kind,
                    "payable_on_acceptance_minor": _fen(self.on_acceptance) or 0}  # fmt: skip
        if kind == "ENTRY_FEE_PLUS_ROYALTY":
            return {**self._royalty(), "type": kind, "entry_fee_minor": _fen(self.entry_fee)}
        return {"type": "FREE"}

    def _royalty(self) -> dict[str, Any]:
        units = self.royalty_base == "units"
        royalty: dict[str, Any] = {
            "base": self.royalty_base,
            "reporting_period": self.reporting_period or "quarterly",
            "report_due_days": self.report_due_days or 30,
            "annual_minimum_minor": _fen(self.annual_minimum),
        }
        if units:
            royalty["amount_per_unit_minor"] = _fen(self.unit_fee)
        else:
            royalty["rate"] = None if self.rate_percent is None else self.rate_percent / 100
        return royalty


def _fen(yuan: Decimal | None) -> int | None:
    return None if yuan is None else to_minor(yuan, "CNY")


def _instalments(text: str | None) -> list[dict[str, Any]]:
    """`50000, 0` per line → instalments; a malformed line is passed on for the schema to name."""
    out: list[dict[str, Any]] = []
    for line in (text or "").replace("，", ",").splitlines():
        if not line.strip():
            continue
        amount, _, months = line.partition(",")
        try:
            out.append(
                {"amount_minor": _fen(Decimal(amount.strip())),
                 "due_months_after_acceptance": int(months.strip())}
            )  # fmt: skip
        except (ArithmeticError, ValueError):
            out.append({"amount_minor": amount, "due_months_after_acceptance": months})
    return out


DECLARATION_FIELDS = {
    "fee_standard.amount_minor": "amount",
    "fee_standard.due_days_after_acceptance": "due_days",
    "fee_standard.instalments": "instalments",
    "fee_standard.due_months_after_acceptance": "instalments",
    "fee_standard.base": "royalty_base",
    "fee_standard.rate": "rate_percent",
    "fee_standard.rate_steps": "rate_percent",
    "fee_standard.amount_per_unit_minor": "unit_fee",
    "fee_standard.entry_fee_minor": "entry_fee",
    "fee_standard.annual_minimum_minor": "annual_minimum",
    "fee_standard.payable_on_acceptance_minor": "on_acceptance",
    "fee_standard.reporting_period": "reporting_period",
    "fee_standard.report_due_days": "report_due_days",
    "fee_standard.duration_months": "trial_months",
    "fee_standard.stages": "trial_months",
    "fee_standard": "fee_type",
    "licence_end": "licence_end",
    "licence_start": "licence_start",
    "payment_channels": "payment_channels",
    "field_of_use": "field_of_use",
    "other_terms": "other_terms",
    "fee_cap_justification": "fee_cap_justification",
}
"""Where a `DeclarationTerms` error (by its location) is shown in the wizard."""


class AgreementFilterForm(_Form):
    """The IP office's agreement filters (a GET form: blank fields mean "any")."""

    date_from: Day = None
    date_to: Day = None
    university_id: Annotated[uuid.UUID | None, Opt] = None
    province: Annotated[Annotated[str, Field(max_length=32)] | None, Opt] = None
    fee_type: Annotated[FeeTypeCode | None, Opt] = None
    status: Annotated[AgreementState | None, Opt] = None
    recording_status: Annotated[Literal["open", "filed", "overdue", "none"] | None, Opt] = None


class OrganisationForm(_Form):
    name: Annotated[str, Field(min_length=2, max_length=200)]
    name_en: Text = None
    kind: Literal["university", "enterprise", "ip_office", "platform", "authority"]
    province: Text = None
    credit_code: Text = None


class UserForm(_Form):
    email: EmailStr
    display_name: Annotated[str, Field(min_length=2, max_length=120)]
    password: Annotated[str, Field(min_length=1, max_length=256)]
