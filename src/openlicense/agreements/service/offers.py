"""Quotes: what a licensee would pay and when, before accepting (same `pricing` code path)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from openlicense.agreements.errors import OutsideLicencePeriod
from openlicense.agreements.schemas import Quote, QuoteItem, QuoteStage
from openlicense.catalogue.models import Declaration
from openlicense.catalogue.schemas import DeclarationTerms
from openlicense.catalogue.service import DeclarationService
from openlicense.pricing.schedule import Schedule, ScheduleItem, StagePeriod, build_schedule

if TYPE_CHECKING:
    from openlicense.accounts.principal import Principal


async def quote(
    declarations: DeclarationService,
    principal: Principal | None,
    declaration_id: uuid.UUID,
    *,
    acceptance_date: datetime.date,
    estimated_annual_base: Decimal | None,
) -> Quote:
    declaration = await declarations.get(principal, declaration_id)
    return quote_declaration(
        declaration,
        acceptance_date=acceptance_date,
        estimated_annual_base=estimated_annual_base,
    )


def quote_declaration(
    declaration: Declaration,
    *,
    acceptance_date: datetime.date,
    estimated_annual_base: Decimal | None,
) -> Quote:
    """The quote for a declaration already loaded (no database): the pages use it beside the
    other facts of the patent page; `quote` loads the declaration first."""
    terms = DeclarationTerms.model_validate(declaration.terms)
    try:
        schedule = _schedule(terms, acceptance_date, {})
    except ValueError as exc:
        raise OutsideLicencePeriod(str(exc)) from exc
    projected: set[str] = set()
    if estimated_annual_base is not None and schedule.pending_royalty_items:
        reports = {
            item.key: estimated_annual_base * Decimal(_days(item)) / Decimal(365)
            for item in schedule.pending_royalty_items
        }
        projected = set(reports)
        schedule = _schedule(terms, acceptance_date, reports)
    return Quote(
        declaration_id=declaration.id,
        currency=schedule.currency,
        acceptance_date=acceptance_date,
        licence_start=schedule.licence_start,
        licence_end=schedule.licence_end,
        due_on_acceptance_minor=sum(
            i.amount_minor or 0
            for i in schedule.items
            if i.due_date <= max(acceptance_date, schedule.licence_start)
        ),
        fixed_total_minor=sum(
            i.amount_minor or 0 for i in schedule.items if i.key not in projected
        ),
        projected_total_minor=schedule.fixed_total_minor,
        stages=[_stage(s) for s in schedule.stages],
        items=[_item(i, projected) for i in schedule.items],
    )


def _days(item: ScheduleItem) -> int:
    """Days in a royalty period (every royalty item has one)."""
    if item.period_start is None or item.period_end is None:
        return 0
    return (item.period_end - item.period_start).days + 1


def _schedule(terms: DeclarationTerms, day: datetime.date, reports: dict[str, Decimal]) -> Schedule:
    return build_schedule(
        terms.fee_standard,
        currency=terms.currency,
        acceptance_date=day,
        declared_start=terms.licence_start,
        declared_end=terms.licence_end,
        reports=reports,
    )


def _stage(s: StagePeriod) -> QuoteStage:
    return QuoteStage(
        index=s.index,
        label=s.label,
        start=s.start,
        end=s.end,
        fee_type=s.fee_type,
        is_trial=s.is_trial,
    )


def _item(i: ScheduleItem, projected: set[str]) -> QuoteItem:
    return QuoteItem(
        key=i.key,
        kind=i.kind.value,
        due_date=i.due_date,
        amount_minor=i.amount_minor,
        projected=i.key in projected or (i.kind.value == "minimum_topup" and bool(projected)),
        stage_index=i.stage_index,
        period_start=i.period_start,
        period_end=i.period_end,
        rate=i.rate,
        base=i.base,
        description=i.description,
    )
