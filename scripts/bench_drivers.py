"""The two PostgreSQL scenarios of `bench.py`: licence acceptances by many SMEs at once, and
`/health` while contract PDFs render and logins run."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import time
from collections.abc import Callable
from typing import Any

import httpx
from benchlib import ROOT, WRK, Database, openlicense, parse_wrk, sessions, wrk

PASSWORD = "Demo-pass-2026"  # noqa: S105 - the seeded demo users' password (seed/data.py)
PDF_RENDERERS = 4
LOGINS = 8


async def _sme_logins(db: Database, url: str, count: int) -> dict[str, str]:
    """email → access token of `count` seeded enterprise members whose company is an SME."""
    from sqlalchemy import select

    from openlicense.accounts.models import Organisation, Role, User
    from openlicense.accounts.rules import is_sme

    async with sessions(db) as maker, maker() as session:
        rows = await session.execute(
            select(
                User.email,
                Organisation.industry,
                Organisation.headcount,
                Organisation.annual_revenue_minor,
            )
            .join(Organisation, User.organisation_id == Organisation.id)
            .where(User.role == Role.ENTERPRISE_MEMBER, User.email.like("member%@ent.test"))
            .order_by(User.email)
        )
        emails = [e for e, *size in rows.tuples() if is_sme(*size)][:count]
    if len(emails) < count:
        raise SystemExit(f"only {len(emails)} seeded SME users, {count} wanted")
    tokens = {}
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        for email in emails:
            login = await client.post(
                "/api/auth/login", json={"email": email, "password": PASSWORD}
            )
            login.raise_for_status()
            tokens[email] = login.json()["access_token"]
    return tokens


async def _open_declarations(db: Database) -> list[str]:
    """Published declarations a licensee can accept today, in a fixed order."""
    from sqlalchemy import select

    from openlicense.catalogue.models import (
        Declaration,
        DeclarationStatus,
        LegalStatus,
        Patent,
    )

    today = datetime.date.today()
    async with sessions(db) as maker, maker() as session:
        query = (
            select(Declaration.id)
            .join(Patent, Declaration.patent_id == Patent.id)
            .where(
                Declaration.status == DeclarationStatus.PUBLISHED,
                Declaration.licence_end > today,
                Patent.legal_status == LegalStatus.VALID,
                Patent.suspended.is_(False),
                Patent.expiry_date > today,
                Patent.annual_fee_paid_through >= today,
            )
            .order_by(Declaration.id)
        )
        return [str(i) for i in await session.scalars(query)]


async def _duplicates(db: Database) -> tuple[int, int]:
    """(agreements, organisation × declaration pairs with more than one agreement)."""
    from sqlalchemy import func, select

    from openlicense.agreements.models import Agreement

    async with sessions(db) as maker, maker() as session:
        total = await session.scalar(select(func.count()).select_from(Agreement)) or 0
        repeated = (
            select(Agreement.declaration_id, Agreement.licensee_organisation_id)
            .group_by(Agreement.declaration_id, Agreement.licensee_organisation_id)
            .having(func.count() > 1)
            .subquery()
        )
        duplicates = await session.scalar(select(func.count()).select_from(repeated)) or 0
    return total, duplicates


def acceptance_run(db: Database, url: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"   acceptances: {args.smes} SMEs for {args.accept_duration} s", flush=True)
    tokens = asyncio.run(_sme_logins(db, url, args.smes))
    declarations = asyncio.run(_open_declarations(db))
    token_list = list(tokens.values())
    pairs = db.workdir / "accept-pairs.txt"
    pairs.write_text(
        "".join(f"{token_list[i % len(token_list)]} {d}\n" for i, d in enumerate(declarations))
    )
    run = wrk(
        url + "/api/offers",
        duration=args.accept_duration,
        connections=args.smes,
        script=WRK / "accept.lua",
        env={"PAIRS": str(pairs)},
    )
    run.pop("raw")
    created = int(run.get("statuses", {}).get("201", 0))
    total, duplicates = asyncio.run(_duplicates(db))
    try:
        openlicense(db, "audit", "verify")
        audit_ok = True
    except SystemExit as failed:
        print(failed)
        audit_ok = False
    result = {
        "smes": args.smes,
        "duration_s": args.accept_duration,
        "open_declarations": len(declarations),
        "created": created,
        "per_second": round(created / args.accept_duration, 1),
        "statuses": run.get("statuses", {}),
        "p50_ms": run["p50_ms"],
        "p99_ms": run["p99_ms"],
        "agreements": total,
        "duplicates": duplicates,
        "audit_verify_ok": audit_ok,
    }
    print(
        f"   acceptances: {result['per_second']}/s, statuses {result['statuses']}, "
        f"duplicates {duplicates}, audit verify {'ok' if audit_ok else 'FAILED'}",
        flush=True,
    )
    return result


async def _agreements_by_token(db: Database, tokens: dict[str, str]) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from openlicense.accounts.models import User
    from openlicense.agreements.models import Agreement

    async with sessions(db) as maker, maker() as session:
        rows = await session.execute(
            select(Agreement.id, User.email)
            .join(User, Agreement.accepted_by_id == User.id)
            .where(User.email.in_(list(tokens)))
            .order_by(Agreement.id)
            .limit(2000)
        )
        return [(str(agreement), tokens[email]) for agreement, email in rows.tuples()]


async def _under_load(db: Database, url: str, args: argparse.Namespace) -> dict[str, Any]:
    tokens = await _sme_logins(db, url, LOGINS)
    agreements = await _agreements_by_token(db, tokens)
    if not agreements:
        raise SystemExit("no agreements to render: run the acceptances first")
    emails = list(tokens)
    wrk = await asyncio.create_subprocess_exec(
        "wrk",
        "-t1",
        "-c4",
        f"-d{max(1, round(args.duration))}s",
        "--latency",
        "--timeout",
        "10s",
        f"{url}/health",
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    stats: dict[str, list[float]] = {"pdf": [], "login": []}
    next_pdf = iter(range(10**9))

    async def loop(kind: str, call: Callable[[httpx.AsyncClient], Any]) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            while wrk.returncode is None:
                started = time.perf_counter()
                response = await call(client)
                response.raise_for_status()
                stats[kind].append(time.perf_counter() - started)

    def pdf(client: httpx.AsyncClient) -> Any:
        agreement, token = agreements[next(next_pdf) % len(agreements)]
        headers = {"Authorization": f"Bearer {token}"}
        return client.get(f"/api/agreements/{agreement}/contract.pdf", headers=headers)

    def login(n: int) -> Callable[[httpx.AsyncClient], Any]:
        body = {"email": emails[n % len(emails)], "password": PASSWORD}
        return lambda client: client.post("/api/auth/login", json=body)

    tasks = [asyncio.create_task(loop("pdf", pdf)) for _ in range(PDF_RENDERERS)]
    tasks += [asyncio.create_task(loop("login", login(n))) for n in range(LOGINS)]
    out, _ = await wrk.communicate()
    await asyncio.gather(*tasks)
    run = parse_wrk(out.decode())
    run.pop("raw")
    return {
        "health": run,
        "pdfs": len(stats["pdf"]),
        "pdf_mean_s": round(sum(stats["pdf"]) / max(1, len(stats["pdf"])), 2),
        "logins": len(stats["login"]),
        "login_mean_s": round(sum(stats["login"]) / max(1, len(stats["login"])), 2),
    }


def health_under_load(
    db: Database, url: str, args: argparse.Namespace, wrk: Callable[..., dict[str, Any]]
) -> dict[str, Any]:
    alone = wrk(f"{url}/health", duration=args.duration, connections=4)
    alone.pop("raw")
    loaded = asyncio.run(_under_load(db, url, args))
    print(
        f"   /health p99 alone {alone['p99_ms']} ms; while {PDF_RENDERERS} PDFs render and "
        f"{LOGINS} logins run {loaded['health']['p99_ms']} ms "
        f"({loaded['pdfs']} PDFs, {loaded['logins']} logins)",
        flush=True,
    )
    return {"alone": alone, "loaded": loaded, "renderers": PDF_RENDERERS, "logins": LOGINS}
