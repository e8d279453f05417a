"""The judged relevance set: 213 bilingual university patents and 72 graded queries.

`patents/*.jsonl` holds the patents (written for this set: titles, abstracts, keywords, IPC codes,
the start of the claims, the owning university); `queries.jsonl` the queries, each with a
category (zh, en, en-typo, mixed, ipc, null), the buyer's intent and graded judgments
(3 = what the buyer asked for, 2 = relevant, 1 = related: worth a glance, 0 = a notable near
miss; a patent not judged counts as 0), each with a short note. Recall counts the patents
graded 2 or 3; grade 1 adds to nDCG (and to the secondary "recall of related" figure). Queries
of category `null` ask for something the catalogue does not hold: they must return nothing.

Every patent is listed with an open licence so that relevance alone decides what is found.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from openlicense.search.documents import PatentDocument, ipc_class, ipc_section

HERE = Path(__file__).parent
CATEGORIES = ("zh", "en", "en-typo", "mixed", "ipc", "null")


@dataclass(frozen=True)
class Query:
    id: str
    category: str
    q: str
    intent: str
    grades: dict[str, int]
    notes: dict[str, str]

    @property
    def relevant(self) -> set[str]:
        """Patents graded 2 or 3: what recall counts (grade 1, "related", only adds to nDCG)."""
        return {pid for pid, grade in self.grades.items() if grade >= 2}

    @property
    def related(self) -> set[str]:
        """Every patent graded 1 or more."""
        return {pid for pid, grade in self.grades.items() if grade >= 1}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _org(name: str) -> str:
    return "org-" + _digest(name)[:10]


def _serial(patent_id: str) -> str:
    return f"{int(_digest(patent_id)[:8], 16) % 10**8:08d}"


def load_documents() -> list[PatentDocument]:
    docs = []
    for path in sorted((HERE / "patents").glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            raw = json.loads(line)
            codes = list(raw["ipc_codes"])
            expiry = datetime.date(2040, 1, 1) + datetime.timedelta(days=37 * n)
            docs.append(
                PatentDocument(
                    id=raw["id"],
                    declaration_id=f"d-{raw['id']}",
                    application_number=f"2023{_serial(raw['id'])}.{n % 10}",
                    patent_type=raw.get("patent_type", "invention"),
                    title_zh=raw["title_zh"],
                    title_en=raw.get("title_en"),
                    abstract_zh=raw.get("abstract_zh"),
                    abstract_en=raw.get("abstract_en"),
                    keywords=raw.get("keywords", []),
                    ipc_codes=codes,
                    ipc_sections=list(dict.fromkeys(ipc_section(c) for c in codes)),
                    ipc_classes=list(dict.fromkeys(ipc_class(c) for c in codes)),
                    technology_field=path.stem,
                    university_id=_org(raw["university"]),
                    university_name=raw["university"],
                    province=None,
                    fee_type="LUMP_SUM",
                    entry_price_minor=100_000 * (1 + n % 7),
                    has_trial=False,
                    trl=5,
                    licence_status="open",
                    listing_status="published",
                    owner_organisation_id=_org(raw["university"]),
                    declared_at=1_760_000_000 + 3600 * n,
                    expiry_date=expiry.isoformat(),
                    expiry_ts=(expiry - datetime.date(1970, 1, 1)).days,
                    claims=raw.get("claims"),
                )
            )
    return docs


def load_queries() -> list[Query]:
    out = []
    for line in (HERE / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        judged = raw["judgments"]
        out.append(
            Query(
                id=raw["id"],
                category=raw["category"],
                q=raw["q"],
                intent=raw["intent"],
                grades={pid: int(g) for pid, (g, _) in judged.items()},
                notes={pid: note for pid, (_, note) in judged.items()},
            )
        )
    return out
