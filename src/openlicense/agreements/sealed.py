"""The shape of an agreement's sealed snapshot: what is copied in at acceptance and hashed.

Plain JSON (dates as ISO strings, money as int minor units, rates as decimal strings), typed
here so every reader — the contract renderer, the PDF, the audit API — agrees on its fields."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class DeclarationPart(TypedDict):
    id: str
    version: int
    terms_hash: str | None
    announcement_ref: str | None
    announcement_date: str
    terms: dict[str, Any]
    """The declaration's `DeclarationTerms` JSON, byte-identical for every licensee (rule 14)."""


class PatentPart(TypedDict):
    id: str
    application_number: str
    patent_number: str | None
    patent_type: str
    title_zh: str
    title_en: str | None
    filing_date: str | None
    expiry_date: str
    ipc_codes: list[str]
    grant_date: NotRequired[str | None]


class LicensorPart(TypedDict):
    organisation_id: str
    name: str
    name_en: str | None
    patentees: list[str]


class LicenseePart(TypedDict):
    organisation_id: str
    name: str
    name_en: str | None
    credit_code: str | None
    province: str | None


class NoticePart(TypedDict):
    """The written notice of PL 51(1): who, when, from where."""

    user_id: str
    user_email: str
    user_name: str | None
    notified_at: str
    ip: str | None
    user_agent: str | None
    idempotency_key: str


class PeriodPart(TypedDict):
    start: str
    end: str


class StagePart(TypedDict):
    index: int
    label: str
    start: str
    end: str
    fee_type: str
    is_trial: bool


class ScheduleItemPart(TypedDict):
    key: str
    kind: str
    due_date: str
    amount_minor: int | None
    stage_index: int | None
    period_start: str | None
    period_end: str | None
    rate: str | None
    base: str | None
    description: str


class ClausePart(TypedDict):
    key: str
    option: str
    version: int
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str
    legal_anchor: str | None


class Snapshot(TypedDict):
    agreement_id: str
    agreement_number: str
    declaration: DeclarationPart
    patent: PatentPart
    licensor: LicensorPart
    licensee: LicenseePart
    notice: NoticePart
    licence: PeriodPart
    stages: list[StagePart]
    schedule: list[ScheduleItemPart]
    clauses: list[ClausePart]
