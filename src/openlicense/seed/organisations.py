"""Demo organisations and their users: universities, enterprises (credit codes, SME sizes),
the IP office and the platform."""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

import openlicense.seed.data as data
from openlicense.accounts.models import ROLE_FOR_KIND, Organisation, OrganisationKind, User
from openlicense.accounts.passwords import hash_password
from openlicense.accounts.rules import SME_THRESHOLDS, is_sme
from openlicense.seed.common import _at, _person, _uid, table_of
from openlicense.seed.data import DEMO_PASSWORD

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
        org_id = _uid(f"org:{key}")
        row = {
            "id": org_id,
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
        return org_id

    def user(email: str, org_id: uuid.UUID, kind: OrganisationKind) -> None:
        at = created + dt.timedelta(days=1, minutes=len(users))
        first = all(u["organisation_id"] != org_id for u in users)
        users.append(
            {
                "id": _uid(f"user:{email}"),
                "email": email,
                "display_name": _person(rng),
                "role": ROLE_FOR_KIND[kind],
                "organisation_id": org_id,
                "is_active": True,
                "is_org_admin": first,  # each organisation's first user manages its staff
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
    # last, so that adding it left every earlier row (and random draw) as it was
    authority = org("authority:zhejiang", OrganisationKind.AUTHORITY, *data.AUTHORITY[1:])
    user("authority@zj.test", authority, OrganisationKind.AUTHORITY)
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
    table = table_of(Organisation)
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
    table = table_of(User)
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
