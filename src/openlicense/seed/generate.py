"""Build the demo rows and insert the missing ones, in chunks, with SQLAlchemy Core.

Determinism: organisations and users come from one ``random.Random(SEED)``; patent i comes from its
own ``random.Random(f"{SEED}:patent:{i}")``, so its content depends only on i and ``today``, never
on N or on the chunk it falls in. Every row has a fixed ``uuid5`` id; a run first asks which ids
exist and inserts only the others, so running twice inserts nothing (and updates nothing, so
``updated_at`` does not move), and a larger N adds only patents N_old..N_new-1. A patent is seeded
whole (owners, declaration, withdrawal) in the same transaction as its row, one transaction per
chunk, so an interrupted run resumes cleanly.

Timestamps are derived from ``today`` (never the wall clock): organisations and users appear
about two years before it, listings and declarations on days in between.

Realism follows domain.md §1.4–1.5: about 60 % of the declarable patents carry a published open
licence, priced with every fee-standard type (free licences, lump sums of RMB 5,000–500,000,
instalments, 1–8 % royalties on net sales or ≤ 40 % of profit, entry fee plus royalty, staged
licences with a free six-month trial or rising rates). Each declaration passes the same rules
(1–12) as the API's publish step.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from bisect import bisect_right
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import openlicense.seed.data as data
from openlicense.accounts.models import ROLE_FOR_KIND, Organisation, OrganisationKind, User
from openlicense.accounts.passwords import hash_password
from openlicense.accounts.rules import SME_THRESHOLDS, is_sme
from openlicense.catalogue.identifiers import check_character, expiry_date
from openlicense.catalogue.models import (
    Declaration,
    DeclarationStatus,
    DeclarationWithdrawal,
    LegalStatus,
    ListingStatus,
    Patent,
    PatentOwner,
    PatentType,
)
from openlicense.catalogue.rules import OwnerFacts, PatentFacts, check_declarable
from openlicense.catalogue.schemas import DeclarationTerms
from openlicense.clauses.library import clause_set_ref, resolve_clause_set
from openlicense.clauses.registry import shipped_library
from openlicense.core.dates import add_months, months_between
from openlicense.seed.data import DEMO_PASSWORD, DEMO_USERS, FieldVocab, Term

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "MAX_PATENTS", "SeedReport", "seed"]

CHUNK = 1_000
"""Patents per transaction (and per bulk insert)."""

_SERIAL_SPACE = 2_000_000
_SERIAL_STEP = 1_048_573  # coprime with the space: i -> serial is a bijection
_SERIAL_OFFSET = 123_457
MAX_PATENTS = _SERIAL_SPACE
"""Each patent gets its own 7-digit serial number (0000000–1999999), so at most this many."""

_SQLITE_CACHE_KIB = -65_536
"""Negative = KiB (SQLite's convention): 64 MiB."""
_UTC = dt.UTC
_DAY = dt.timedelta(days=1)
_OFFICE_HOURS = 8 * 3600
"""Seconds in 01:00–09:00 UTC, i.e. 09:00–17:00 Beijing time."""


@dataclass(frozen=True, slots=True)
class SeedReport:
    """Rows inserted by one run (0 everywhere when everything already existed)."""

    organisations: int = 0
    users: int = 0
    patents: int = 0
    patent_owners: int = 0
    declarations: int = 0
    withdrawals: int = 0


async def seed(
    session_maker: async_sessionmaker[AsyncSession],
    *,
    patents: int = 2000,
    today: dt.date,
    progress: Callable[[int], None] | None = None,
) -> SeedReport:
    """Insert the demo organisations, users and patents 0..patents-1 that are not there yet.

    ``today`` anchors every date (fees paid through, declaration days, timestamps); pass the same
    day to reproduce a database exactly. ``progress`` is called after each committed chunk with
    the number of patents that chunk handled (existing ones included), so the calls add up to
    ``patents``: pass it straight to a progress bar's ``advance``.
    """
    if not 0 <= patents <= MAX_PATENTS:
        raise ValueError(f"patents must be between 0 and {MAX_PATENTS}, got {patents}")
    orgs, users, enterprise_fields = _organisations_and_users(today)
    counts = dict.fromkeys(("patents", "patent_owners", "declarations", "withdrawals"), 0)
    async with session_maker() as session:
        async with session.begin():
            new_orgs, org_ids = await _insert_organisations(session, orgs)
            new_users, user_ids = await _insert_users(session, users, org_ids)
        world = _World.build(today, orgs, enterprise_fields, org_ids, user_ids)
        for start in range(0, patents, CHUNK):
            end = min(start + CHUNK, patents)
            async with session.begin(), _sqlite_cache(session):
                for key, n in (await _insert_patents(session, world, start, end)).items():
                    counts[key] += n
            if progress is not None:
                progress(end - start)
    return SeedReport(organisations=new_orgs, users=new_users, **counts)


@asynccontextmanager
async def _sqlite_cache(session: AsyncSession) -> AsyncIterator[None]:
    """On SQLite, a 64 MiB page cache for the chunk (the default 2 MiB thrashes on the random
    uuid and application-number indexes once the tables grow), then the connection's own."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    previous = await session.scalar(text("PRAGMA cache_size"))
    await session.execute(text(f"PRAGMA cache_size={_SQLITE_CACHE_KIB}"))
    try:
        yield
    finally:
        await session.execute(text(f"PRAGMA cache_size={int(previous)}"))


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _uid(key: str) -> uuid.UUID:
    return uuid.uuid5(data.NAMESPACE, key)


def _at(day: dt.date, seconds: int = 0) -> dt.datetime:
    """A moment on `day`, `seconds` after 09:00 Beijing time (01:00 UTC)."""
    return dt.datetime.combine(day, dt.time(1, 0), _UTC) + dt.timedelta(seconds=seconds)


def _between(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    """A day in [lo, hi] (lo if the range is empty)."""
    span = (hi - lo).days
    return lo if span <= 0 else lo + dt.timedelta(days=rng.randint(0, span))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _article(phrase: str) -> str:
    return "an" if phrase[:1].lower() in "aeiou" else "a"


def _cumulative(weights: Sequence[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


_SURNAME_CUM = _cumulative([1 / (k + 4) for k in range(len(data.SURNAMES))])


def _pick(rng: random.Random, items: Sequence[Any], cum_weights: Sequence[float]) -> Any:
    """`rng.choices(items, cum_weights=...)[0]` without its per-call overhead (hot path)."""
    return items[bisect_right(cum_weights, rng.random() * cum_weights[-1], 0, len(items) - 1)]


def _person(rng: random.Random) -> str:
    surname = _pick(rng, data.SURNAMES, _SURNAME_CUM)
    given = "".join(rng.choice(data.GIVEN_CHARS) for _ in range(1 if rng.random() < 0.3 else 2))
    return surname + given


# --------------------------------------------------------------------------------------------
# Organisations and users
# --------------------------------------------------------------------------------------------

_CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _credit_code(rng: random.Random, division: str) -> str:
    """A well-formed unified social credit code (GB 32100-2015): 91 (enterprise) + division code
    + organisation code with its GB 11714 check character + the overall check character."""
    body = "MA" + "".join(rng.choice(_CC_CHARS) for _ in range(6))
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    org_code = body + ("X" if check == 10 else "0" if check == 11 else str(check))
    code17 = "91" + division + org_code
    total = sum(_CC_CHARS.index(c) * w for c, w in zip(code17, _CC_WEIGHTS, strict=True))
    return code17 + _CC_CHARS[(31 - total % 31) % 31]


def _log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


_REVENUE_PER_HEAD_YUAN = {
    "industrial": (300_000, 1_200_000),
    "software_it": (200_000, 800_000),
    "information_transmission": (500_000, 2_000_000),
    "agriculture": (100_000, 500_000),
    "wholesale": (1_000_000, 5_000_000),
}


def _enterprise_size(rng: random.Random, industry: str, *, large: bool) -> tuple[int, int]:
    """(headcount, annual revenue in fen) on the intended side of the 2011 SME bounds, with the
    revenue following the headcount (per-head revenue typical of the industry)."""
    bound = SME_THRESHOLDS[industry]
    staff_cap, revenue_cap = bound.headcount_below, bound.revenue_below_minor
    wan = 1_000_000  # fen per 万元
    per_head = _log_uniform(rng, *_REVENUE_PER_HEAD_YUAN[industry]) * 100
    if large:  # at or above every bound the industry uses
        headcount = int(
            staff_cap * rng.uniform(1.1, 9) if staff_cap else _log_uniform(rng, 300, 5000)
        )
        revenue = max(headcount * per_head, (revenue_cap or 0) * rng.uniform(1.05, 1.6))
    else:
        headcount = int(_log_uniform(rng, 8, (staff_cap or 800) * 0.9))
        revenue = headcount * per_head
        if revenue_cap:
            revenue = min(revenue, revenue_cap * rng.uniform(0.5, 0.9))
    revenue_minor = max(int(revenue) // wan, 50) * wan  # whole 万元, at least RMB 500,000
    if is_sme(industry, headcount, revenue_minor) is large:
        raise AssertionError(f"size {headcount}/{revenue_minor} misclassified for {industry}")
    return headcount, revenue_minor


def _organisations_and_users(
    today: dt.date,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[uuid.UUID, str]]:
    """The organisation rows, the user rows (without password hash) and each enterprise's
    technology field, all deterministic."""
    rng = random.Random(data.SEED)
    created = _at(today - dt.timedelta(days=760))
    orgs: list[dict[str, Any]] = []
    users: list[dict[str, Any]] = []

    def org(
        key: str,
        kind: OrganisationKind,
        name: str,
        name_en: str,
        province: str | None,
        **extra: Any,
    ) -> uuid.UUID:
        row = {
            "id": _uid(f"org:{key}"),
            "name": name,
            "name_en": name_en,
            "kind": kind,
            "province": province,
            "credit_code": None,
            "industry": None,
            "headcount": None,
            "annual_revenue_minor": None,
            "verified_at": created + dt.timedelta(minutes=len(orgs)),  # demo data: all checked
            "created_at": created + dt.timedelta(minutes=len(orgs)),
            "updated_at": created + dt.timedelta(minutes=len(orgs)),
        }
        row.update(extra)
        orgs.append(row)
        return row["id"]

    def user(email: str, org_id: uuid.UUID, kind: OrganisationKind) -> None:
        at = created + dt.timedelta(days=1, minutes=len(users))
        users.append(
            {
                "id": _uid(f"user:{email}"),
                "email": email,
                "display_name": _person(rng),
                "role": ROLE_FOR_KIND[kind],
                "organisation_id": org_id,
                "is_active": True,
                "last_login_at": None,
                "created_at": at,
                "updated_at": at,
            }
        )

    platform = org("platform", OrganisationKind.PLATFORM, *data.PLATFORM[1:])
    user("admin@openlicense.test", platform, OrganisationKind.PLATFORM)
    office = org("ip_office:cnipa", OrganisationKind.IP_OFFICE, *data.IP_OFFICE[1:])
    user("auditor@cnipa.test", office, OrganisationKind.IP_OFFICE)

    for n, uni in enumerate(data.UNIVERSITIES, start=1):
        uni_id = org(
            f"university:{uni.slug}",
            OrganisationKind.UNIVERSITY,
            uni.name,
            uni.name_en,
            uni.province,
        )
        if n == 1:
            user("tto@zju.test", uni_id, OrganisationKind.UNIVERSITY)
        user(f"tto{n}@uni.test", uni_id, OrganisationKind.UNIVERSITY)

    large = set(rng.sample(range(2, data.ENTERPRISE_COUNT + 1), data.LARGE_ENTERPRISES))
    names: set[str] = set()
    codes: set[str] = set()
    fields: dict[uuid.UUID, str] = {}
    for n in range(1, data.ENTERPRISE_COUNT + 1):
        if n == 1:
            city_zh, brand, sector = data.FIRST_ENTERPRISE
            city = next(c for c in data.CITIES if c.zh == city_zh)
        else:
            while True:
                city, brand, sector = (
                    rng.choice(data.CITIES),
                    rng.choice(data.BRANDS),
                    rng.choice(data.SECTORS),
                )
                if city.zh + brand[0] + sector.zh not in names:
                    break
        name = city.zh + brand[0] + sector.zh
        names.add(name)
        code = _credit_code(rng, city.division)
        while code in codes:
            code = _credit_code(rng, city.division)
        codes.add(code)
        headcount, revenue = _enterprise_size(rng, sector.industry, large=n in large)
        ent_id = org(
            f"enterprise:{n}",
            OrganisationKind.ENTERPRISE,
            name,
            f"{city.en} {brand[1]} {sector.en}",
            city.province,
            credit_code=code,
            industry=sector.industry,
            headcount=headcount,
            annual_revenue_minor=revenue,
        )
        fields[ent_id] = sector.field
        if n == 1:
            user("sme@demo.test", ent_id, OrganisationKind.ENTERPRISE)
        user(f"member{n}@ent.test", ent_id, OrganisationKind.ENTERPRISE)
    return orgs, users, fields


async def _existing(session: AsyncSession, column: Any, values: Sequence[Any]) -> set[Any]:
    """The `values` already present in `column` (one IN query)."""
    if not values:
        return set()
    return set(await session.scalars(select(column).where(column.in_(values))))


async def _resolve(
    session: AsyncSession, table: Any, rows: list[dict[str, Any]], natural_key: str
) -> tuple[list[dict[str, Any]], dict[uuid.UUID, uuid.UUID]]:
    """The rows not in the database yet, and seed id -> id in the database. A row whose
    natural key (name, email) was created otherwise, e.g. through the API, is reused."""
    have = await _existing(session, table.c.id, [r["id"] for r in rows])
    key = table.c[natural_key]
    found = await session.execute(
        select(key, table.c.id).where(key.in_([r[natural_key] for r in rows]))
    )
    by_key = dict(found.tuples().all())
    new, id_map = [], {}
    for row in rows:
        existing = row["id"] if row["id"] in have else by_key.get(row[natural_key])
        id_map[row["id"]] = existing or row["id"]
        if existing is None:
            new.append(row)
    return new, id_map


async def _insert_organisations(
    session: AsyncSession, rows: list[dict[str, Any]]
) -> tuple[int, dict[uuid.UUID, uuid.UUID]]:
    table = Organisation.__table__
    new, id_map = await _resolve(session, table, rows, "name")
    taken = await _existing(
        session, table.c.credit_code, [r["credit_code"] for r in new if r["credit_code"]]
    )
    new = [{**r, "credit_code": None} if r["credit_code"] in taken else r for r in new]
    if new:
        await session.execute(insert(table), new)
    return len(new), id_map


async def _insert_users(
    session: AsyncSession, rows: list[dict[str, Any]], org_ids: dict[uuid.UUID, uuid.UUID]
) -> tuple[int, dict[uuid.UUID, uuid.UUID]]:
    table = User.__table__
    new, id_map = await _resolve(session, table, rows, "email")
    if new:
        password_hash = hash_password(DEMO_PASSWORD)  # argon2 is slow: once per run, if needed
        await session.execute(
            insert(table),
            [
                {
                    **r,
                    "organisation_id": org_ids[r["organisation_id"]],
                    "password_hash": password_hash,
                }
                for r in new
            ],
        )
    return len(new), id_map


# --------------------------------------------------------------------------------------------
# Patents
# --------------------------------------------------------------------------------------------

_FIELD_KEYS = tuple(data.FIELDS)
_TYPES = (PatentType.INVENTION, PatentType.UTILITY_MODEL, PatentType.DESIGN)
_TYPE_CUM = _cumulative((75, 20, 5))
_YEARS = tuple(range(2014, 2024))
_YEAR_CUM = _cumulative((4, 5, 6, 8, 9, 10, 12, 13, 12, 10))
_GRANT_LAG_DAYS = {
    PatentType.INVENTION: (540, 1300),
    PatentType.UTILITY_MODEL: (120, 400),
    PatentType.DESIGN: (90, 300),
}
_TRL_CUM = {
    PatentType.INVENTION: _cumulative((10, 20, 25, 20, 12, 8, 5)),
    PatentType.UTILITY_MODEL: _cumulative((2, 5, 10, 20, 25, 22, 16)),
    PatentType.DESIGN: _cumulative((2, 5, 10, 20, 25, 22, 16)),
}
_TRLS = tuple(range(3, 10))
_MATERIALS_OF_PARTS = ("铝合金", "不锈钢", "工程塑料", "碳纤维复合材料", "高强度钢")
_DESIGN_POINTS = (
    Term("产品的形状", "the shape of the product"),
    Term("形状与图案的结合", "the combination of shape and pattern"),
    Term("形状、图案与色彩的结合", "the combination of shape, pattern and colour"),
)
_CONTROL_STEPS = (
    "采集运行状态参数",
    "将所述运行状态参数与预设目标值进行比较",
    "根据比较结果调节执行部件的工作参数",
    "在参数超出允许范围时发出报警并停机",
)
_CLAIM_DETAILS = (
    "所述步骤S2在搅拌条件下进行，搅拌速率为200～600 r/min",
    "所述步骤S3在氮气或氩气保护下进行",
    "所述步骤S1中原料的粒径为1～50 μm",
    "所述步骤S4中干燥温度为60～80 ℃，干燥时间为6～12 h",
)


@dataclass(frozen=True, slots=True)
class _OrgRef:
    id: uuid.UUID
    name: str
    code: str
    """Short code used in document references (university slug, E01…)."""


@dataclass(frozen=True, slots=True)
class _UniRef:
    org: _OrgRef
    tto_user_id: uuid.UUID
    field_cum: list[float]


@dataclass(frozen=True, slots=True)
class _World:
    today: dt.date
    universities: list[_UniRef]
    uni_cum: list[float]
    enterprises: list[_OrgRef]
    enterprises_by_field: dict[str, list[_OrgRef]]
    declarable_until: dt.date
    """A declaration needs the patent to last at least 13 more months (rule 9's 12 + margin)."""

    @classmethod
    def build(
        cls,
        today: dt.date,
        orgs: list[dict[str, Any]],
        enterprise_fields: dict[uuid.UUID, str],
        org_ids: dict[uuid.UUID, uuid.UUID],
        user_ids: dict[uuid.UUID, uuid.UUID],
    ) -> _World:
        universities = []
        for n, uni in enumerate(data.UNIVERSITIES, start=1):
            email = "tto@zju.test" if n == 1 else f"tto{n}@uni.test"
            weights = [3.0 if key in uni.focus else 1.0 for key in _FIELD_KEYS]
            universities.append(
                _UniRef(
                    org=_OrgRef(
                        org_ids[_uid(f"org:university:{uni.slug}")], uni.name, uni.slug.upper()
                    ),
                    tto_user_id=user_ids[_uid(f"user:{email}")],
                    field_cum=_cumulative(weights),
                )
            )
        enterprises: list[_OrgRef] = []
        by_field: dict[str, list[_OrgRef]] = {}
        for row in orgs:
            if row["kind"] is OrganisationKind.ENTERPRISE:
                ref = _OrgRef(org_ids[row["id"]], row["name"], f"E{len(enterprises) + 1:02d}")
                enterprises.append(ref)
                by_field.setdefault(enterprise_fields[row["id"]], []).append(ref)
        return cls(
            today=today,
            universities=universities,
            uni_cum=_cumulative([u.weight for u in data.UNIVERSITIES]),
            enterprises=enterprises,
            enterprises_by_field=by_field,
            declarable_until=add_months(today, 13),
        )


@dataclass(slots=True)
class _Bundle:
    patent: dict[str, Any]
    owners: list[dict[str, Any]]
    declaration: dict[str, Any] | None = None
    withdrawal: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class _Text:
    title_zh: str
    title_en: str
    abstract_zh: str
    abstract_en: str
    claims: str | None
    ipc: list[str]
    keywords: list[str]
    scenarios: list[str]


async def _insert_patents(
    session: AsyncSession, world: _World, start: int, end: int
) -> dict[str, int]:
    ids = {i: _uid(f"patent:{i}") for i in range(start, end)}
    table = Patent.__table__
    have = await _existing(session, table.c.id, list(ids.values()))
    bundles = [_build_patent(i, ids[i], world) for i in ids if ids[i] not in have]
    # Skip numbers someone already entered by hand (application_number is unique).
    taken = await _existing(
        session, table.c.application_number, [b.patent["application_number"] for b in bundles]
    )
    bundles = [b for b in bundles if b.patent["application_number"] not in taken]
    patents = [b.patent for b in bundles]
    owners = [o for b in bundles for o in b.owners]
    declarations = [b.declaration for b in bundles if b.declaration is not None]
    withdrawals = [b.withdrawal for b in bundles if b.withdrawal is not None]
    for model, rows in (
        (Patent, patents),
        (PatentOwner, owners),
        (Declaration, declarations),
        (DeclarationWithdrawal, withdrawals),
    ):
        if rows:
            await session.execute(insert(model.__table__), rows)
    return {
        "patents": len(patents),
        "patent_owners": len(owners),
        "declarations": len(declarations),
        "withdrawals": len(withdrawals),
    }


def _build_patent(i: int, patent_id: uuid.UUID, w: _World) -> _Bundle:
    rng = random.Random(f"{data.SEED}:patent:{i}")
    today = w.today
    uni = _pick(rng, w.universities, w.uni_cum)
    field_key = _pick(rng, _FIELD_KEYS, uni.field_cum)
    vocab = data.FIELDS[field_key]
    ptype = _pick(rng, _TYPES, _TYPE_CUM)

    year = _pick(rng, _YEARS, _YEAR_CUM)
    filing = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    digit = {
        PatentType.INVENTION: "8" if rng.random() < 0.03 else "1",
        PatentType.UTILITY_MODEL: "2",
        PatentType.DESIGN: "3",
    }[ptype]
    body = f"{year}{digit}{(i * _SERIAL_STEP + _SERIAL_OFFSET) % _SERIAL_SPACE:07d}"
    application_number = f"{body}.{check_character(body)}"
    expiry = expiry_date(ptype.value, filing)
    text = _describe(rng, ptype, vocab)
    inventors = list(dict.fromkeys(_person(rng) for _ in range(rng.randint(2, 6))))

    lo, hi = _GRANT_LAG_DAYS[ptype]
    grant: dt.date | None = filing + dt.timedelta(days=rng.randint(lo, hi))
    announced: dt.date | None = grant + dt.timedelta(days=rng.randint(14, 42))
    paid_through: dt.date | None
    if announced >= today:
        grant = announced = None
        status, patent_number, paid_through = LegalStatus.PENDING, None, None
    else:
        patent_number = "ZL" + application_number
        roll = rng.random()
        if expiry <= today:
            status, paid_through = LegalStatus.EXPIRED, expiry
        elif roll < 0.04 and announced < today - dt.timedelta(days=600):
            status = LegalStatus.LAPSED  # fee unpaid beyond the 6-month grace period
            paid_through = max(
                announced + dt.timedelta(days=180), today - dt.timedelta(days=rng.randint(200, 900))
            )
        elif roll > 0.985:
            status = LegalStatus.INVALIDATED
            paid_through = max(announced, today - dt.timedelta(days=rng.randint(30, 500)))
        else:
            status = LegalStatus.VALID
            paid_through = min(today + dt.timedelta(days=rng.randint(92, 334)), expiry)

    report = None
    if announced is not None and ptype is not PatentType.INVENTION:
        issued = announced + dt.timedelta(days=rng.randint(20, 240))
        if issued < today:
            report = {
                "reference": f"PJ{issued.year}{body[4:]}",
                "issued_on": issued.isoformat(),
                "conclusion": "negative" if rng.random() < 0.06 else "positive",
            }
    granted = announced is not None
    pledged = granted and rng.random() < 0.04
    pledgee_consent_ref = None
    if pledged and announced is not None and rng.random() < 0.85:
        bank = rng.choice(data.BANKS)
        pledgee_consent_ref = f"质权人书面同意书（{bank}）ZY{announced.year + 1}{i % 10**6:06d}"
    suspended = status is LegalStatus.VALID and rng.random() < 0.004
    trl = _pick(rng, _TRLS, _TRL_CUM[ptype])

    co_owner: _OrgRef | None = None
    if rng.random() < 0.07:
        if rng.random() < 0.7:
            co_owner = rng.choice(w.enterprises_by_field.get(field_key) or w.enterprises)
        else:
            co_owner = rng.choice([u.org for u in w.universities if u is not uni])
    consents = granted and (co_owner is not None or rng.random() < 0.93)

    if status is LegalStatus.PENDING:
        listing = ListingStatus.DRAFT
    elif status is LegalStatus.VALID:
        listing = ListingStatus.DRAFT if rng.random() < 0.03 else ListingStatus.PUBLISHED
    else:
        listing = ListingStatus.RETIRED if rng.random() < 0.5 else ListingStatus.PUBLISHED
    earliest = today - dt.timedelta(days=730)
    if announced is not None:
        earliest = max(earliest, announced + _DAY)
    listed_on = _between(rng, min(earliest, today - _DAY), today - _DAY)
    created_at = _at(listed_on, rng.randrange(_OFFICE_HOURS))
    updated_at = created_at
    retired_at = None
    if listing is ListingStatus.RETIRED:
        retired_at = max(
            _at(_between(rng, listed_on, today - _DAY), rng.randrange(_OFFICE_HOURS)),
            created_at + dt.timedelta(hours=1),
        )
        updated_at = retired_at

    owners = []
    for position, org in enumerate([uni.org] if co_owner is None else [uni.org, co_owner]):
        owners.append(
            {
                "id": _uid(f"patent_owner:{i}:{position}"),
                "patent_id": patent_id,
                "position": position,
                "name": org.name,
                "organisation_id": org.id,
                "consents_to_open_licence": consents,
                "consent_document_ref": (
                    f"OLC-{org.code}-{listed_on.year}-{i:06d}-{position + 1}" if consents else None
                ),
                "consent_recorded_at": created_at if consents else None,
                "created_at": created_at,
                "updated_at": created_at,
            }
        )

    bundle = _Bundle(patent={}, owners=owners)
    facts = PatentFacts(
        patent_type=ptype.value,
        legal_status=status.value,
        patent_number=patent_number,
        announcement_date=announced,
        expiry_date=expiry,
        annual_fee_paid_through=paid_through,
        pledged=pledged,
        pledgee_consent_ref=pledgee_consent_ref,
        suspended=suspended,
        evaluation_conclusion=report["conclusion"] if report else None,
        owners=tuple(OwnerFacts(name=o["name"], consents=consents) for o in owners),
    )
    declarable = (
        listing is ListingStatus.PUBLISHED
        and expiry >= w.declarable_until
        and not check_declarable(facts, today)
    )
    first_day = listed_on
    if report is not None:
        first_day = max(first_day, dt.date.fromisoformat(report["issued_on"]) + _DAY)
    if declarable and first_day < today and rng.random() < 0.6:
        published_at = _declare(
            rng, i, patent_id, bundle, uni, vocab, ptype, expiry, first_day, created_at, today
        )
        updated_at = max(updated_at, published_at)

    bundle.patent = {
        "id": patent_id,
        "application_number": application_number,
        "patent_number": patent_number,
        "patent_type": ptype,
        "title_zh": text.title_zh,
        "title_en": text.title_en,
        "abstract_zh": text.abstract_zh,
        "abstract_en": text.abstract_en,
        "claims": text.claims,
        "ipc_codes": text.ipc,
        "inventors": inventors,
        "filing_date": filing,
        "grant_date": grant,
        "announcement_date": announced,
        "expiry_date": expiry,
        "legal_status": status,
        "annual_fee_paid_through": paid_through,
        "pledged": pledged,
        "pledgee_consent_ref": pledgee_consent_ref,
        "suspended": suspended,
        "evaluation_report": report,
        "technology_field": field_key,
        "trl": trl,
        "application_scenarios": text.scenarios,
        "keywords": text.keywords,
        "owner_organisation_id": uni.org.id,
        "listing_status": listing,
        "retired_at": retired_at,
        "created_at": created_at,
        "updated_at": updated_at,
    }
    return bundle


# --------------------------------------------------------------------------------------------
# Titles, abstracts, claims
# --------------------------------------------------------------------------------------------


def _describe(rng: random.Random, ptype: PatentType, v: FieldVocab) -> _Text:
    scenarios = rng.sample(v.scenarios, rng.randint(2, 3))
    s1, s2 = scenarios[0], scenarios[1]
    if ptype is PatentType.DESIGN:
        return _describe_design(rng, v, s1, scenarios)
    if ptype is PatentType.UTILITY_MODEL:
        kind = "device"
    else:
        kinds = ("material", "device", "method") if v.materials else ("device", "method")
        kind = rng.choices(kinds, weights=(45, 25, 30) if v.materials else (45, 55))[0]
    kind_zh, kind_en = (
        ("发明", "invention") if ptype is PatentType.INVENTION else ("实用新型", "utility model")
    )

    if kind == "material":
        subject = rng.choice(v.materials)
        mod = rng.choice(subject.mods)
        feature = rng.choice(v.material_features)
        effect = subject.effect if subject.effect and rng.random() < 0.7 else None
        effect = effect or rng.choice(v.material_effects)
        core_zh, core_en = mod.zh + subject.zh, f"{mod.en} {subject.en}".strip()
        form = rng.randrange(3)
        a = _article(core_en)
        if form == 0:
            title_zh, title_en = (
                f"一种{core_zh}及其制备方法",
                f"{_cap(core_en)} and preparation method thereof",
            )
            what_en = f"{a} {core_en} and a preparation method thereof"
        elif form == 1:
            title_zh, title_en = f"一种{core_zh}的制备方法", f"Preparation method of {core_en}"
            what_en = f"a preparation method of {a} {core_en}"
        else:
            title_zh, title_en = f"一种{core_zh}及其应用", f"{_cap(core_en)} and use thereof"
            what_en = f"{a} {core_en} and its use"
        claims = _material_claims(rng, v.prep_steps[subject.steps], core_zh, form, s1.zh)
        usage_zh, usage_en = "所得产品可应用于", "The product can be used in"
    elif kind == "device":
        subject = rng.choice(v.devices)
        mod = rng.choice(subject.mods)
        feature, effect = rng.choice(v.device_features), rng.choice(v.device_effects)
        core_zh, core_en = mod.zh + subject.zh, f"{mod.en} {subject.en}".strip()
        with_control = ptype is PatentType.INVENTION and rng.random() < 0.25
        title_zh, title_en = f"一种{core_zh}", _cap(core_en)
        what_en = f"{_article(core_en)} {core_en}"
        if with_control:
            title_zh += "及其控制方法"
            title_en += " and control method thereof"
            what_en += " and a control method thereof"
        claims = _device_claims(rng, v, core_zh, with_control)
        usage_zh, usage_en = "可应用于", "It can be applied to"
    else:
        subject = rng.choice(v.methods)
        base = rng.choice(subject.bases)
        feature, effect = rng.choice(v.method_features), rng.choice(v.method_effects)
        with_system = rng.random() < 0.2
        what = ("method and system" if with_system else "method") + f" for {subject.en}"
        what += f" {base.en}" if base.en else ""
        title_zh = f"一种{base.zh}{subject.zh}方法" + ("及系统" if with_system else "")
        title_en, what_en = _cap(what), f"a {what}"
        claims = _method_claims(v.method_steps[subject.steps], base.zh + subject.zh, with_system)
        usage_zh, usage_en = "可应用于", "It can be applied to"

    ipc = list(subject.ipc)
    if rng.random() < 0.3:
        extra = rng.choice(v.ipc)
        if extra not in ipc:
            ipc.append(extra)
    abstract_zh = (
        f"本{kind_zh}公开了{title_zh}，属于{v.zh}技术领域。{feature.zh}，{effect.zh}。"
        f"{usage_zh}{s1.zh}、{s2.zh}等场景。"
    )
    abstract_en = (
        f"The {kind_en} discloses {what_en}, in the field of {v.en}. {feature.en}, {effect.en}. "
        f"{usage_en} {s1.en} and {s2.en}."
    )
    keywords = list(dict.fromkeys([subject.zh, *rng.sample(v.keywords, rng.randint(2, 4))]))
    return _Text(
        title_zh,
        title_en,
        abstract_zh,
        abstract_en,
        claims,
        ipc,
        keywords,
        [s.zh for s in scenarios],
    )


def _describe_design(rng: random.Random, v: FieldVocab, use: Term, scenarios: list[Term]) -> _Text:
    product = rng.choice(v.designs)
    variant = rng.choice(product.variants)
    point = rng.choice(_DESIGN_POINTS)
    title_zh = f"{product.zh}（{variant.zh}）"
    title_en = f"{_cap(product.en)} ({variant.en})"
    return _Text(
        title_zh=title_zh,
        title_en=title_en,
        abstract_zh=(
            f"本外观设计产品的名称：{title_zh}。本外观设计产品的用途：用于{use.zh}。"
            f"本外观设计的设计要点：在于{point.zh}。"
        ),
        abstract_en=(
            f"Name of the product: {title_en}. Use: for {use.en}. Design points: {point.en}."
        ),
        claims=None,  # a design has no claims, only the brief description (简要说明) above
        ipc=[product.ipc],
        keywords=list(dict.fromkeys([product.zh, *rng.sample(v.keywords, 2)])),
        scenarios=[s.zh for s in scenarios],
    )


def _steps(steps: Sequence[str]) -> str:
    return "；\n".join(f"S{n}、{s}" for n, s in enumerate(steps, start=1)) + "。"


def _material_claims(
    rng: random.Random, steps: Sequence[str], core: str, form: int, use: str
) -> str:
    claims = [
        f"1. 一种{core}的制备方法，其特征在于，包括以下步骤：\n{_steps(steps)}",
        f"2. 根据权利要求1所述的制备方法，其特征在于，{rng.choice(_CLAIM_DETAILS)}。",
    ]
    if form == 0:
        claims.append(f"3. 一种{core}，其特征在于，采用权利要求1或2所述的制备方法制得。")
    elif form == 2:
        claims.append(f"3. 权利要求1或2所述的制备方法制得的{core}在{use}中的应用。")
    return "\n".join(claims)


def _device_claims(rng: random.Random, v: FieldVocab, core: str, with_control: bool) -> str:
    c1, c2, c3, c4 = rng.sample(v.components, 4)
    claims = [
        f"1. 一种{core}，其特征在于，包括{c1}、{c2}和{c3}，所述{c2}安装于所述{c1}上，"
        f"所述{c3}与所述{c2}连接。",
        f"2. 根据权利要求1所述的{core}，其特征在于，还包括{c4}，所述{c4}与所述{c3}电连接。",
        f"3. 根据权利要求1或2所述的{core}，其特征在于，所述{c1}采用"
        f"{rng.choice(_MATERIALS_OF_PARTS)}制成。",
    ]
    if with_control:
        claims.append(
            f"4. 一种如权利要求1至3任一项所述的{core}的控制方法，其特征在于，包括以下步骤：\n"
            + _steps(_CONTROL_STEPS)
        )
    return "\n".join(claims)


def _method_claims(steps: Sequence[str], core: str, with_system: bool) -> str:
    claims = [
        f"1. 一种{core}方法，其特征在于，包括以下步骤：\n{_steps(steps)}",
        "2. 根据权利要求1所述的方法，其特征在于，所述步骤S3中采用的模型或参数根据历史数据"
        "离线确定，并根据运行数据在线更新。",
    ]
    if with_system:
        claims.append(
            f"3. 一种{core}系统，其特征在于，包括用于执行权利要求1或2所述方法各步骤的"
            "数据获取模块、处理模块和输出模块。"
        )
    return "\n".join(claims)


# --------------------------------------------------------------------------------------------
# Declarations
# --------------------------------------------------------------------------------------------

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
