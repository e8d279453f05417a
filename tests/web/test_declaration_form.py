"""The declaration wizard's form (yuan, percent, one instalment per line) becomes exactly the
terms the API takes, for every fee type; what the API refuses comes back as a message on the
field, in the visitor's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from openlicense.catalogue.terms import DeclarationTerms
from openlicense.web.forms import DeclarationForm, field_errors
from openlicense.web.i18n import translator

BASE = {"licence_start": "2027-01-01", "licence_end": "2029-12-31", "attest": "on"}


def terms_of(**fields: Any) -> DeclarationTerms:
    form = DeclarationForm.model_validate({**BASE, **fields})
    return DeclarationTerms.model_validate(form.terms())


def test_lump_sum_in_yuan_becomes_fen() -> None:
    terms = terms_of(fee_type="LUMP_SUM", amount="12.5", due_days="30")
    standard = terms.fee_standard.model_dump()
    assert standard["amount_minor"] == 1250 and standard["due_days_after_acceptance"] == 30


def test_instalments_one_per_line_with_chinese_commas() -> None:
    terms = terms_of(fee_type="INSTALMENTS", instalments="50000，0\n\n30000, 12\n")
    instalments = terms.fee_standard.model_dump()["instalments"]
    assert [(i["amount_minor"], i["due_months_after_acceptance"]) for i in instalments] == [
        (5_000_000, 0),
        (3_000_000, 12),
    ]


def test_a_royalty_on_sales_in_percent_and_one_per_unit() -> None:
    on_sales = terms_of(
        fee_type="ROYALTY", royalty_base="net_sales", rate_percent="3.5", on_acceptance="1000"
    ).fee_standard.model_dump()
    assert on_sales["rate"] == Decimal("0.035")
    assert on_sales["payable_on_acceptance_minor"] == 100_000
    assert on_sales["reporting_period"] == "quarterly" and on_sales["report_due_days"] == 30
    per_unit = terms_of(
        fee_type="ENTRY_FEE_PLUS_ROYALTY", royalty_base="units", unit_fee="2", entry_fee="8000",
        reporting_period="annual", report_due_days="60", annual_minimum="500",
    ).fee_standard.model_dump()  # fmt: skip
    assert per_unit["amount_per_unit_minor"] == 200 and per_unit["entry_fee_minor"] == 800_000
    assert per_unit["annual_minimum_minor"] == 50_000 and per_unit["reporting_period"] == "annual"


def test_a_trial_then_paid_licence_is_two_stages() -> None:
    stages = terms_of(
        fee_type="STAGED_TRIAL", trial_months="6", after_trial="LUMP_SUM", amount="20000"
    ).fee_standard.model_dump()["stages"]
    assert [s["duration_months"] for s in stages] == [6, None]
    assert stages[0]["standard"]["type"] == "FREE"
    assert stages[1]["standard"]["amount_minor"] == 2_000_000


@pytest.mark.parametrize(
    ("fields", "field", "zh"),
    [
        ({"fee_type": "ROYALTY", "royalty_base": "net_sales"}, "rate", "提成比例"),
        ({"fee_type": "INSTALMENTS", "instalments": "500, 3\n300, 6"}, "instalments", "第0个月"),
        ({"fee_type": "INSTALMENTS", "instalments": "many, soon"}, "instalments", None),
    ],
)
def test_what_the_api_refuses_is_named_on_the_form(
    fields: dict[str, Any], field: str, zh: str | None
) -> None:
    form = DeclarationForm.model_validate({**BASE, **fields})
    with pytest.raises(ValidationError) as refused:
        DeclarationTerms.model_validate(form.terms())
    messages = field_errors(translator("zh_CN"), refused.value)
    assert messages, refused.value
    text = " ".join(messages.values())
    assert "Value error" not in text
    if zh is not None:
        assert zh in text, messages
