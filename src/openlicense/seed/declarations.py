"""Demo open-licence declarations: fee standards of every type that pass rules 1–12."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal
from functools import lru_cache
from typing import Any

import openlicense.seed.data as data
from openlicense.catalogue.models import (
    DeclarationStatus,
    PatentType,
)
from openlicense.catalogue.schemas import DeclarationTerms
from openlicense.clauses.library import clause_set_ref, resolve_clause_set
from openlicense.clauses.registry import shipped_library
from openlicense.core.dates import add_months, months_between
from openlicense.seed.common import (
    _DAY,
    _OFFICE_HOURS,
    _at,
    _between,
    _Bundle,
    _cumulative,
    _pick,
    _uid,
    _UniRef,
)
from openlicense.seed.data import FieldVocab
from openlicense.seed.organisations import _log_uniform

_FEE_KINDS = (
    "FREE",
    "LUMP_SUM",
    "INSTALMENTS",
    "ROYALTY",
    "ENTRY_FEE_PLUS_ROYALTY",
    "STAGED_TRIAL",
    "STAGED_RISING",
)
_FEE_CUM = _cumulative((20, 27, 10, 14, 12, 11, 6))
_FIXED_FEE_YUAN = {
    PatentType.INVENTION: (20_000, 500_000),
    PatentType.UTILITY_MODEL: (5_000, 60_000),
    PatentType.DESIGN: (5_000, 30_000),
}


def _declare(
    rng: random.Random,
    i: int,
    patent_id: uuid.UUID,
    bundle: _Bundle,
    uni: _UniRef,
    vocab: FieldVocab,
    ptype: PatentType,
    expiry: dt.date,
    first_day: dt.date,
    patent_created_at: dt.datetime,
    today: dt.date,
) -> dt.datetime:
    """Add a published (or later withdrawn) version 1 to `bundle`; returns its published_at."""
    day = _between(rng, first_day, today - _DAY)
    published_at = max(
        _at(day, rng.randrange(_OFFICE_HOURS)), patent_created_at + dt.timedelta(minutes=30)
    )
    drafted_at = patent_created_at + (published_at - patent_created_at) * rng.uniform(0.2, 0.9)
    terms = _terms(rng, ptype, vocab, day, _licence_end(rng, day, expiry, today))
    declaration_id = _uid(f"declaration:{i}:1")
    updated_at = published_at
    if rng.random() < 0.025 and day <= today - dt.timedelta(days=60):
        effective = day + dt.timedelta(days=rng.randint(30, (today - day).days - 1))
        requested = _at(
            effective - dt.timedelta(days=rng.randint(0, 7)), rng.randrange(_OFFICE_HOURS)
        )
        bundle.withdrawal = {
            "id": _uid(f"withdrawal:{i}:1"),
            "declaration_id": declaration_id,
            "reason": rng.choice(data.WITHDRAWAL_REASONS),
            "effective_date": effective,
            "owner_consents": [
                {
                    "owner_id": str(o["id"]),
                    "name": o["name"],
                    "document_ref": f"WDC-{effective:%Y%m%d}-{i:06d}-{o['position'] + 1}",
                }
                for o in bundle.owners
            ],
            "withdrawn_by_id": uni.tto_user_id,
            "created_at": requested,
            "updated_at": requested,
        }
        updated_at = requested
    bundle.declaration = {
        "id": declaration_id,
        "patent_id": patent_id,
        "version": 1,
        "status": (
            DeclarationStatus.WITHDRAWN if bundle.withdrawal else DeclarationStatus.PUBLISHED
        ),
        "terms": terms.model_dump(mode="json"),
        "terms_hash": terms.sha256(),
        "clause_set": _default_clause_set(today),
        "fee_type": terms.fee_standard.type.value,
        "currency": terms.currency,
        "licence_start": terms.licence_start,
        "licence_end": terms.licence_end,
        "attested_by_id": uni.tto_user_id,
        "published_at": published_at,
        "announcement_date": day,
        "announcement_ref": f"OL{day:%Y%m%d}-{declaration_id.hex[:10].upper()}",
        "created_by_id": uni.tto_user_id,
        "created_at": drafted_at,
        "updated_at": updated_at,
    }
    return published_at


@lru_cache(maxsize=4)
def _default_clause_set(today: dt.date) -> list[dict[str, Any]]:
    """Demo declarations take the library defaults in force on the seeding day (the library's
    first version is dated 2026-11-23, later than most demo announcements)."""
    library = shipped_library()
    on = max(today, min(c.effective_from for c in library))
    return clause_set_ref(resolve_clause_set({}, library, on=on))


def _licence_end(rng: random.Random, start: dt.date, expiry: dt.date, today: dt.date) -> dt.date:
    """Until expiry (30 %) or a whole number of years, capped at expiry and still running for at
    least three months after `today`. Never shorter than 12 months (rule 9): expiry is ≥ 13
    months after today by the time a patent is declared."""
    if rng.random() < 0.3:
        return expiry
    years = rng.choice((2, 3, 3, 5, 5, 10))
    end = min(add_months(start, 12 * years), expiry)
    while end < today + dt.timedelta(days=90) and end < expiry:
        years += 1
        end = min(add_months(start, 12 * years), expiry)
    return end


def _yuan(rng: random.Random, lo: int, hi: int) -> int:
    """A round amount in yuan, log-uniform in [lo, hi]."""
    amount = _log_uniform(rng, lo, hi)
    step = 1_000 if amount < 50_000 else 5_000
    return max(lo, round(amount / step) * step)


def _rate(rng: random.Random, lo: str, hi: str, step: str = "0.005") -> Decimal:
    lo_d, step_d = Decimal(lo), Decimal(step)
    return lo_d + step_d * rng.randint(0, int((Decimal(hi) - lo_d) / step_d))


def _royalty(rng: random.Random, *, rate: Decimal | None = None) -> dict[str, Any]:
    """Royalty terms: 1–8 % of net sales (80 %) or 10–30 % of profit."""
    profit = rate is None and rng.random() < 0.2
    if rate is None:
        rate = _rate(rng, "0.10", "0.30", "0.05") if profit else _rate(rng, "0.01", "0.08")
    period = rng.choices(("quarterly", "annual", "monthly"), weights=(60, 30, 10))[0]
    terms: dict[str, Any] = {
        "base": "profit" if profit else "net_sales",
        "rate": str(rate),
        "reporting_period": period,
        "report_due_days": 60 if period == "annual" else 30,
    }
    if rng.random() < 0.35:
        terms["annual_minimum_minor"] = _yuan(rng, 5_000, 50_000) * 100
    return terms


def _terms(
    rng: random.Random, ptype: PatentType, vocab: FieldVocab, start: dt.date, end: dt.date
) -> DeclarationTerms:
    kind = _pick(rng, _FEE_KINDS, _FEE_CUM)
    period = months_between(start, end)
    if kind == "STAGED_RISING" and period <= 30:
        kind = "ROYALTY"  # three yearly steps need a licence period of more than two years
    lo, hi = _FIXED_FEE_YUAN[ptype]
    fee: dict[str, Any]
    if kind == "FREE":
        fee = {"type": "FREE"}
    elif kind == "LUMP_SUM":
        fee = {
            "type": "LUMP_SUM",
            "amount_minor": _yuan(rng, lo, hi) * 100,
            "due_days_after_acceptance": rng.choice((0, 15, 30, 30, 60)),
        }
    elif kind == "INSTALMENTS":
        count, gap = rng.choice(((2, 6), (2, 12), (3, 6), (3, 12), (4, 6)))
        if (count - 1) * gap >= period:
            count, gap = 2, 6
        total = _yuan(rng, max(lo, 10_000), hi)
        part = total // count // 100 * 100
        amounts = [total - part * (count - 1)] + [part] * (count - 1)
        fee = {
            "type": "INSTALMENTS",
            "instalments": [
                {"amount_minor": yuan * 100, "due_months_after_acceptance": n * gap}
                for n, yuan in enumerate(amounts)
            ],
        }
    elif kind == "ROYALTY":
        fee = {"type": "ROYALTY", **_royalty(rng), "payable_on_acceptance_minor": 0}
        if rng.random() < 0.3:
            fee["payable_on_acceptance_minor"] = _yuan(rng, 2_000, 20_000) * 100
        if fee["base"] == "net_sales" and rng.random() < 0.25:
            rate = Decimal(fee["rate"])  # CC 846: a rate falling year by year from year 3
            if rate > Decimal("0.02"):
                fee["rate_steps"] = [{"from_year": 3, "rate": str(rate - Decimal("0.01"))}]
    elif kind == "ENTRY_FEE_PLUS_ROYALTY":
        fee = {
            "type": "ENTRY_FEE_PLUS_ROYALTY",
            **_royalty(rng, rate=_rate(rng, "0.01", "0.05")),
            "entry_fee_minor": _yuan(rng, max(lo // 2, 5_000), hi // 3) * 100,
        }
    elif kind == "STAGED_TRIAL":
        after: dict[str, Any]
        if rng.random() < 0.6:
            after = {
                "type": "ROYALTY",
                **_royalty(rng, rate=_rate(rng, "0.02", "0.05")),
                "payable_on_acceptance_minor": 0,
            }
        else:
            after = {
                "type": "LUMP_SUM",
                "amount_minor": _yuan(rng, lo, hi) * 100,
                "due_days_after_acceptance": 30,
            }
        fee = {
            "type": "STAGED",
            "stages": [
                {
                    "label": "试用期（前6个月，先试用后付费）",
                    "duration_months": 6,
                    "standard": {"type": "FREE"},
                },
                {"label": "正式许可期", "duration_months": None, "standard": after},
            ],
        }
    else:  # STAGED_RISING: rate rising year by year (CC 846), as consecutive stages
        first = _rate(rng, "0.01", "0.03")
        rates = [first, first + Decimal("0.01"), first + Decimal("0.02")]
        labels = ("第1年", "第2年", "第3年起")
        fee = {
            "type": "STAGED",
            "stages": [
                {
                    "label": label,
                    "duration_months": 12 if n < 2 else None,
                    "standard": {
                        "type": "ROYALTY",
                        **_royalty(rng, rate=rate),
                        "payable_on_acceptance_minor": 0,
                    },
                }
                for n, (label, rate) in enumerate(zip(labels, rates, strict=True))
            ],
        }
    other = rng.sample(data.OTHER_TERMS, rng.randint(0, 2))
    channels = rng.choices(
        (["bank_transfer"], ["bank_transfer", "online"], ["online"]), weights=(70, 25, 5)
    )[0]
    return DeclarationTerms.model_validate(
        {
            "fee_standard": fee,
            "currency": "CNY",
            "licence_start": start,
            "licence_end": end,
            "payment_channels": channels,
            "field_of_use": (
                data.FIELD_OF_USE.format(field=vocab.zh) if rng.random() < 0.15 else None
            ),
            "other_terms": "".join(other) or None,
        }
    )
