"""SME classification: 中小企业划型标准规定 (工信部联企业〔2011〕300号, 2011-06-18).

The standard sets, per industry, the upper bound of "medium" enterprises: an enterprise *below*
it is a small, medium or micro enterprise (中小微型企业, "SME" here); anything else is large.
Bounds are strict — the standard writes "从业人员1000人以下或营业收入40000万元以下的为中小微型
企业" and uses "及以上" where it includes the number, so 999 staff is below 1,000 and 1,000 is not.
Where the standard gives two criteria joined by 或, meeting *either* one makes the enterprise an
SME; where it gives one, only that one applies.

The thresholds are DATA (:data:`SME_THRESHOLDS`), keyed by the industry key stored on the
organisation (``accounts.models`` ``industry``). They were transcribed from the 2011 text and the
figures in domain.md §7; check them against the official text before relying on them, and change
the table, not the code, when the standard changes.

Known simplification: the standard also uses total assets (资产总额) for construction, real-estate
development and leasing/business services. We hold no asset figure, so those criteria are left
out (see each row's ``note``): for those industries an enterprise reported "large" here could still
be an SME on its assets.

Money is in fen (CNY minor units): RMB 1 万元 = 10,000 yuan = 1,000,000 fen, so the industrial
bound of 40000万元 (RMB 400 million) is 40_000_000_000 fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

__all__ = [
    "SME_INDUSTRIES",
    "SME_THRESHOLDS",
    "SmeThreshold",
    "classify",
    "is_sme",
]

FEN_PER_WAN_YUAN: Final = 1_000_000
"""1 万元 = 10,000 yuan = 1,000,000 fen."""


def _wan(amount_wan_yuan: int) -> int:
    """万元 → fen."""
    return amount_wan_yuan * FEN_PER_WAN_YUAN


@dataclass(frozen=True, slots=True)
class SmeThreshold:
    """Upper bounds (exclusive) of "medium" for one industry. ``None`` = criterion not used."""

    label: str
    """The industry as the standard names it."""
    headcount_below: int | None
    """从业人员 … 人以下: fewer staff than this makes an SME."""
    revenue_below_minor: int | None
    """营业收入 … 万元以下, in fen: less revenue than this makes an SME."""
    note: str = ""

    def __post_init__(self) -> None:
        if self.headcount_below is None and self.revenue_below_minor is None:
            raise ValueError(f"{self.label}: at least one criterion is needed")


SME_THRESHOLDS: Final = MappingProxyType(
    {
        "agriculture": SmeThreshold("农、林、牧、渔业", None, _wan(20_000)),
        "industrial": SmeThreshold(
            "工业（采矿业，制造业，电力、热力、燃气及水生产和供应业）", 1_000, _wan(40_000)
        ),
        "construction": SmeThreshold(
            "建筑业",
            None,
            _wan(80_000),
            note="The standard also accepts total assets < 80000万元; not held, so not applied.",
        ),
        "wholesale": SmeThreshold("批发业", 200, _wan(40_000)),
        "retail": SmeThreshold("零售业", 300, _wan(20_000)),
        "transport": SmeThreshold("交通运输业", 1_000, _wan(30_000)),
        "warehousing": SmeThreshold("仓储业", 200, _wan(30_000)),
        "postal": SmeThreshold("邮政业", 1_000, _wan(30_000)),
        "accommodation": SmeThreshold("住宿业", 300, _wan(10_000)),
        "catering": SmeThreshold("餐饮业", 300, _wan(10_000)),
        "information_transmission": SmeThreshold("信息传输业", 2_000, _wan(100_000)),
        "software_it": SmeThreshold("软件和信息技术服务业", 300, _wan(10_000)),
        "real_estate_development": SmeThreshold(
            "房地产开发经营",
            None,
            _wan(200_000),
            note="The standard also accepts total assets < 10000万元; not held, so not applied.",
        ),
        "property_management": SmeThreshold("物业管理", 1_000, _wan(5_000)),
        "leasing_business_services": SmeThreshold(
            "租赁和商务服务业",
            300,
            None,
            note="The standard also accepts total assets < 120000万元; not held, so not applied.",
        ),
        "other": SmeThreshold("其他未列明行业", 300, None),
    }
)
"""Industry key → upper bounds of "medium" (中小企业划型标准规定, 2011, Art. 4)."""

SME_INDUSTRIES: Final[tuple[str, ...]] = tuple(SME_THRESHOLDS)
"""The industry keys accepted by :func:`is_sme`, in the order of the standard."""


def _below(value: int | None, bound: int | None) -> bool | None:
    """Three-valued ``value < bound``: ``None`` when the criterion applies but the value is
    unknown; ``False`` when the criterion is not used (it cannot make the enterprise an SME)."""
    if bound is None:
        return False
    if value is None:
        return None
    if value < 0:
        raise ValueError(f"headcount and revenue cannot be negative, got {value}")
    return value < bound


def is_sme(
    industry: str | None, headcount: int | None, annual_revenue_minor: int | None
) -> bool | None:
    """Whether the enterprise is small, medium or micro under the 2011 standard.

    ``True``: below the "medium" upper bound on at least one criterion the industry uses.
    ``False``: at or above the bound on every criterion the industry uses.
    ``None``: unknown or missing industry, or the data given cannot decide — every used criterion
    that is known is at or above its bound and at least one used criterion is missing (with
    both figures missing the answer is always ``None``).

    One known figure below its bound is enough for ``True`` even if the other is missing, since
    the criteria are joined by 或 (either). ``annual_revenue_minor`` is in fen.
    """
    if industry is None:
        return None
    threshold = SME_THRESHOLDS.get(industry)
    if threshold is None:
        return None
    by_headcount = _below(headcount, threshold.headcount_below)
    by_revenue = _below(annual_revenue_minor, threshold.revenue_below_minor)
    if by_headcount or by_revenue:
        return True
    if by_headcount is None or by_revenue is None:
        return None
    return False


def classify(
    industry: str | None, headcount: int | None, revenue_minor: int | None
) -> Literal["sme", "large"] | None:
    """:func:`is_sme` as a label: ``"sme"``, ``"large"`` or ``None`` when it cannot be decided."""
    result = is_sme(industry, headcount, revenue_minor)
    if result is None:
        return None
    return "sme" if result else "large"
