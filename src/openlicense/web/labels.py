"""The words users see for stored codes: fields, types, statuses, fee types, provinces, IPC
sections. Statutory terms follow ux.md (专利开放许可, 许可使用费, 备案, 分阶段许可,
先试用后付费)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from pypinyin import lazy_pinyin

from openlicense.web.i18n import N_, Translator

TECHNOLOGY_FIELDS: Final = {
    "new_materials": N_("New materials"),
    "biomedicine": N_("Biomedicine"),
    "intelligent_equipment": N_("Intelligent equipment"),
    "agricultural_machinery": N_("Agricultural machinery"),
    "food_processing": N_("Food processing"),
    "new_energy": N_("New energy"),
    "digital_economy": N_("Digital economy"),
    "energy_saving_environmental": N_("Energy saving and environmental protection"),
    "electronic_information": N_("Electronic information"),
    "modern_agriculture": N_("Modern agriculture"),
}
PATENT_TYPES: Final = {
    "invention": N_("Invention"),
    "utility_model": N_("Utility model"),
    "design": N_("Design"),
}
LEGAL_STATUSES: Final = {
    "pending": N_("Pending grant"),
    "valid": N_("Valid"),
    "lapsed": N_("Lapsed"),
    "expired": N_("Expired"),
    "invalidated": N_("Invalidated"),
}
LISTING_STATUSES: Final = {
    "draft": N_("Draft"),
    "published": N_("Listed"),
    "retired": N_("Retired"),
}
LICENCE_STATUSES: Final = {
    "open": N_("Open licence"),
    "none": N_("Not declared"),
    "withdrawn": N_("Withdrawn"),
    "closed": N_("Closed"),
}
FEE_TYPES: Final = {
    "FREE": N_("Free"),
    "LUMP_SUM": N_("One-off"),
    "INSTALMENTS": N_("Instalments"),
    "ROYALTY": N_("Royalty"),
    "ENTRY_FEE_PLUS_ROYALTY": N_("Entry fee + royalty"),
    "STAGED": N_("Staged licence"),
}
AGREEMENT_STATUSES: Final = {
    "notified": N_("Notified"),
    "paid": N_("Paid"),
    "effective": N_("Effective"),
    "suspended": N_("Suspended"),
    "terminated": N_("Terminated"),
    "ended": N_("Ended"),
}
ENTRY_KINDS: Final = {
    "acceptance": N_("Due on acceptance"),
    "lump_sum": N_("One-off fee"),
    "instalment": N_("Instalment"),
    "entry_fee": N_("Entry fee"),
    "royalty": N_("Royalty"),
    "minimum_topup": N_("Annual minimum top-up"),
}
ENTRY_STATUSES: Final = {
    "scheduled": N_("Due"),
    "awaiting_report": N_("Awaiting report"),
    "paid": N_("Paid"),
    "cancelled": N_("Cancelled"),
}
ROYALTY_BASES: Final = {
    "net_sales": N_("net sales"),
    "profit": N_("profit"),
    "units": N_("units sold"),
    "new_output_value": N_("new output value"),
}
REPORTING_PERIODS: Final = {
    "monthly": N_("monthly"),
    "quarterly": N_("quarterly"),
    "annual": N_("annually"),
}
RECORDING_STATUSES: Final = {"open": N_("To be recorded"), "filed": N_("Recorded")}
PAYMENT_CHANNELS: Final = {"bank_transfer": N_("Bank transfer"), "online": N_("Online payment")}
ORGANISATION_KINDS: Final = {
    "university": N_("University"),
    "enterprise": N_("Enterprise"),
    "ip_office": N_("IP office"),
    "platform": N_("Platform"),
    "authority": N_("Provincial authority"),
}
ROLES: Final = {
    "tto_officer": N_("TTO officer"),
    "enterprise_member": N_("Enterprise member"),
    "auditor": N_("IP office auditor"),
    "admin": N_("Platform admin"),
    "provincial_authority": N_("Provincial authority"),
}
IPC_SECTIONS: Final = {
    "A": N_("A Human necessities"),
    "B": N_("B Performing operations; transporting"),
    "C": N_("C Chemistry; metallurgy"),
    "D": N_("D Textiles; paper"),
    "E": N_("E Fixed constructions"),
    "F": N_("F Mechanical engineering; lighting; heating; weapons"),
    "G": N_("G Physics"),
    "H": N_("H Electricity"),
}
PROVINCES_EN: Final = {
    "北京": "Beijing", "天津": "Tianjin", "河北": "Hebei", "山西": "Shanxi",
    "内蒙古": "Inner Mongolia", "辽宁": "Liaoning", "吉林": "Jilin", "黑龙江": "Heilongjiang",
    "上海": "Shanghai", "江苏": "Jiangsu", "浙江": "Zhejiang", "安徽": "Anhui", "福建": "Fujian",
    "江西": "Jiangxi", "山东": "Shandong", "河南": "Henan", "湖北": "Hubei", "湖南": "Hunan",
    "广东": "Guangdong", "广西": "Guangxi", "海南": "Hainan", "重庆": "Chongqing",
    "四川": "Sichuan", "贵州": "Guizhou", "云南": "Yunnan", "西藏": "Tibet", "陕西": "Shaanxi",
    "甘肃": "Gansu", "青海": "Qinghai", "宁夏": "Ningxia", "新疆": "Xinjiang",
    "香港": "Hong Kong", "澳门": "Macao", "台湾": "Taiwan",
}  # fmt: skip
"""Province-level divisions as stored (Chinese) → their English names (data, not messages)."""


def label(tr: Translator, table: dict[str, str], code: str | None) -> str:
    if code is None:
        return "—"
    message = table.get(code)
    return tr.gettext(message) if message else code


def province(tr: Translator, name: str | None) -> str:
    if not name:
        return "—"
    if name == "unknown":
        return tr.gettext("Unknown")
    return name if tr.zh else PROVINCES_EN.get(name, name)


def pinyin_key(text: str) -> str:
    """Chinese lists sort by pinyin, as users scan them (ux.md), not by code point."""
    return "".join(lazy_pinyin(text)).lower()


def by_pinyin(items: Iterable[str]) -> list[str]:
    return sorted(items, key=pinyin_key)


def patent_number_printed(application_number: str) -> str:
    """As printed on certificates: `ZL 2021 1 0123456.7` (old numbers: `ZL 95 1 15608.X`)."""
    body, _, check = application_number.partition(".")
    year = 4 if len(body) == 12 else 2
    return f"ZL {body[:year]} {body[year]} {body[year + 1 :]}.{check}"


def patent_number_compact(application_number: str) -> str:
    return f"ZL{application_number}"
