"""Documents (issue 16): attachments sniffed, size-limited and hashed; the hash in the ledger when
a document supports an agreement; refusals store nothing."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from pathlib import Path

import openpyxl
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor, patent_payload
from licensing import make_market
from openlicense.accounts.models import OrganisationKind, Role
from openlicense.accounts.principal import Principal
from openlicense.audit.models import LedgerEntry
from openlicense.core.clock import FixedClock
from openlicense.documents.errors import DocumentTooLarge
from openlicense.documents.models import Document, DocumentPurpose, SubjectType
from openlicense.documents.rules import PDF, XLSX, clean_filename, sniff
from openlicense.documents.service import DocumentService
from openlicense.documents.storage import LocalStorage

PERIOD = {"licence_start": "2026-11-23", "licence_end": "2028-11-22"}
LUMP = {"type": "LUMP_SUM", "amount_minor": 5_000_000}
PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["期间", "销售额"])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_content_is_sniffed_not_named() -> None:
    assert sniff(PDF_BYTES) == PDF
    assert sniff(_xlsx()) == XLSX
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("a.txt", "x")
    assert sniff(plain_zip.getvalue()) is None
    assert sniff(b"<html><script>alert(1)</script>") is None
    assert clean_filename("../../etc/pass\x00wd.exe", PDF) == "passwd.pdf"


async def _agreement(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
):  # type: ignore[no-untyped-def]
    market = await make_market(client, db_sessionmaker, clock)
    declaration = await market.declare(LUMP, **PERIOD)
    accepted = await market.accept(declaration["id"])
    assert accepted.status_code == 201, accepted.text
    return market, accepted.json()["id"]


def _form(subject_id: str, purpose: str = "royalty_evidence") -> dict[str, str]:
    return {"purpose": purpose, "subject_type": "agreement", "subject_id": subject_id}


async def test_royalty_evidence_is_hashed_into_the_ledger_and_readable_by_both_parties(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market, agreement_id = await _agreement(client, db_sessionmaker, clock)
    uploaded = await client.post(
        "/api/documents",
        data=_form(agreement_id),
        files={"file": ("销售报表.pdf", PDF_BYTES, "text/plain")},
        headers=market.sme.headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    doc = uploaded.json()
    digest = hashlib.sha256(PDF_BYTES).hexdigest()
    assert doc["sha256"] == digest and doc["content_type"] == PDF  # sniffed, not the header
    assert doc["filename"] == "销售报表.pdf" and doc["size"] == len(PDF_BYTES)
    download = await client.get(f"/api/documents/{doc['id']}/content", headers=market.tto.headers)
    assert download.status_code == 200 and download.content == PDF_BYTES
    assert download.headers["content-type"].startswith(PDF)
    assert download.headers["x-content-type-options"] == "nosniff"
    listed = await client.get(
        f"/api/documents?subject_type=agreement&subject_id={agreement_id}",
        headers=market.tto.headers,
    )
    assert [d["id"] for d in listed.json()] == [doc["id"]]
    async with db_sessionmaker() as session:
        entry = await session.scalar(
            select(LedgerEntry).where(LedgerEntry.action == "document.attached")
        )
    assert entry is not None and entry.data["sha256"] == digest
    assert entry.subject_id == agreement_id


async def test_a_stranger_neither_attaches_nor_reads(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market, agreement_id = await _agreement(client, db_sessionmaker, clock)
    stranger = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE)
    refused = await client.post(
        "/api/documents",
        data=_form(agreement_id),
        files={"file": ("x.pdf", PDF_BYTES, "application/pdf")},
        headers=stranger.headers,
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_your_subject"
    doc = (
        await client.post(
            "/api/documents",
            data=_form(agreement_id),
            files={"file": ("x.pdf", PDF_BYTES, "application/pdf")},
            headers=market.sme.headers,
        )
    ).json()
    hidden = await client.get(f"/api/documents/{doc['id']}", headers=stranger.headers)
    assert hidden.status_code == 404


async def test_wrong_type_is_refused_with_nothing_stored(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market, agreement_id = await _agreement(client, db_sessionmaker, clock)
    refused = await client.post(
        "/api/documents",
        data=_form(agreement_id),
        files={"file": ("evil.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
        headers=market.sme.headers,
    )
    assert refused.status_code == 415 and refused.json()["code"] == "unsupported_document_type"
    async with db_sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Document)) == 0


async def test_too_large_is_refused_with_nothing_stored(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock, tmp_path: Path
) -> None:
    market, agreement_id = await _agreement(client, db_sessionmaker, clock)
    storage = LocalStorage(tmp_path)
    principal = Principal(
        market.sme.user_id,
        Role.ENTERPRISE_MEMBER,
        market.sme.organisation_id,
        OrganisationKind.ENTERPRISE,
    )
    async with db_sessionmaker() as session:
        service = DocumentService(session, storage=storage, max_bytes=1024)
        try:
            await service.upload(
                principal,
                purpose=DocumentPurpose.ROYALTY_EVIDENCE,
                subject_type=SubjectType.AGREEMENT,
                subject_id=uuid.UUID(agreement_id),
                filename="big.pdf",
                content=PDF_BYTES + b"0" * 2048,
            )
        except DocumentTooLarge as exc:
            assert exc.http_status == 413
        else:
            raise AssertionError("a document over the limit was accepted")
    assert list(tmp_path.iterdir()) == []  # noqa: ASYNC240 - a test, after the fact


async def test_patent_and_organisation_documents_and_who_reads_them(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    patent = (
        await client.post("/api/patents", json=patent_payload(), headers=market.tto.headers)
    ).json()
    pdf = {"file": ("同意书.pdf", PDF_BYTES, "application/pdf")}

    def form(subject_type: str, subject_id: str, purpose: str) -> dict[str, str]:
        return {"purpose": purpose, "subject_type": subject_type, "subject_id": subject_id}

    consent = await client.post(
        "/api/documents",
        data=form("patent", patent["id"], "consent_letter"),
        files=pdf,
        headers=market.tto.headers,
    )
    assert consent.status_code == 201, consent.text
    letter = await client.post(
        "/api/documents",
        data=form("organisation", str(market.tto.organisation_id), "authority_letter"),
        files=pdf,
        headers=market.tto.headers,
    )
    assert letter.status_code == 201, letter.text
    # only the patent's owner attaches to it; an unknown subject is a 404, nothing stored
    not_owner = await client.post(
        "/api/documents",
        data=form("patent", patent["id"], "other"),
        files=pdf,
        headers=market.sme.headers,
    )
    assert not_owner.status_code == 403 and not_owner.json()["code"] == "not_your_subject"
    missing = await client.post(
        "/api/documents",
        data=form("agreement", str(uuid.uuid4()), "other"),
        files=pdf,
        headers=market.sme.headers,
    )
    assert missing.status_code == 404
    # an IP office reads any document (audit); another enterprise does not
    auditor = await make_actor(db_sessionmaker, OrganisationKind.IP_OFFICE)
    read = await client.get(f"/api/documents/{consent.json()['id']}", headers=auditor.headers)
    assert read.status_code == 200 and read.json()["purpose"] == "consent_letter"
    hidden = await client.get(f"/api/documents/{letter.json()['id']}", headers=market.sme.headers)
    assert hidden.status_code == 404
