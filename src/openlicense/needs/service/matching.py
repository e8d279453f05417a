"""Matching a need to open-licence patents (through the search engine), achievements and experts,
with the reasons for each match; new matches are kept, told apart and handed to
`push_new_matches`.

Patents are found by the search engine only (`SearchEngine.search` on the need's text, each
keyword, its IPC hints and its field): there is no second text index. Every hit is then explained
by `needs.rules.match` (shared terms, field, IPC) and dropped when nothing explains it.
Achievements and experts are not in the search index; they are read from their tables (a bounded
scan of the newest rows) and explained by the same rule."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, select

from openlicense.achievements.models import Achievement
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.catalogue.models import Patent
from openlicense.experts.models import Expert
from openlicense.needs import rules
from openlicense.needs.models import MatchVisit, Need, NeedMatch
from openlicense.needs.states import MatchKind, NeedStatus
from openlicense.notifications.service import notify_staff
from openlicense.search.engine import SearchError, SearchQuery

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal
    from openlicense.core.clock import Clock
    from openlicense.search.documents import PatentDocument
    from openlicense.search.engine import SearchEngine

log = logging.getLogger("openlicense.needs")

PER_KIND = 10
"""At most this many matches of each kind are kept per need and run."""
SCAN_LIMIT = 2000
"""Achievements and experts read per run (newest first)."""


@dataclass(frozen=True, slots=True)
class Found:
    kind: MatchKind
    target_id: uuid.UUID
    university_id: uuid.UUID
    title: str
    decision: rules.MatchDecision
    declaration_id: uuid.UUID | None = None


async def push_new_matches(session: AsyncSession, need: Need, new: Sequence[NeedMatch]) -> None:
    """Tell the need's enterprise and the universities whose results matched: an inbox message
    (`match.new`, zh and en) to each active user, and a mail to those who chose mail for it. In
    the caller's transaction, so matches that roll back tell nobody."""
    if not new:
        return
    organisations = {need.organisation_id, *(m.university_id for m in new)}
    await notify_staff(
        session, organisations, "match.new", ("need", need.id), {"title": need.title}
    )


class MatchingService:
    def __init__(self, session: AsyncSession, *, clock: Clock, engine: SearchEngine) -> None:
        self.session = session
        self.clock = clock
        self.engine = engine

    async def refresh(self, need: Need) -> list[NeedMatch]:
        """Run the matcher for `need`, keep its matches; returns the new ones."""
        if need.status is not NeedStatus.OPEN:
            return []
        text = _need_text(need)
        found = await self._patents(text) + await self._achievements(text)
        found += await self._experts(text, [f for f in found if f.kind is MatchKind.PATENT])
        now = self.clock.now()
        existing = {
            (m.kind, m.target_id): m
            for m in await self.session.scalars(
                select(NeedMatch).where(NeedMatch.need_id == need.id)
            )
        }
        new: list[NeedMatch] = []
        for f in found:
            reasons = [r.as_dict() for r in f.decision.reasons]
            match = existing.get((f.kind, f.target_id))
            if match is None:
                match = NeedMatch(
                    need_id=need.id,
                    kind=f.kind,
                    target_id=f.target_id,
                    declaration_id=f.declaration_id,
                    university_id=f.university_id,
                    title=f.title[:300],
                    score=f.decision.score,
                    reasons=reasons,
                    first_seen_at=now,
                    last_seen_at=now,
                )
                self.session.add(match)
                new.append(match)
            else:
                match.score, match.reasons, match.last_seen_at = f.decision.score, reasons, now
                match.declaration_id = f.declaration_id or match.declaration_id
        await self.session.flush()
        if new:
            ledger.append(
                self.session,
                LedgerRecord(
                    action="need.matched",
                    subject_type="need",
                    subject_id=str(need.id),
                    data={"new": [f"{m.kind.value}:{m.target_id}" for m in new]},
                ),
            )
        await push_new_matches(self.session, need, new)
        return new

    async def for_owner(self, need: Need) -> tuple[list[NeedMatch], set[uuid.UUID]]:
        """The need's matches, best first, and which are new since its enterprise last looked;
        looking now moves "last visit"."""
        matches = await self._matches(NeedMatch.need_id == need.id)
        seen = need.owner_seen_matches_at
        new = {m.id for m in matches if seen is None or m.first_seen_at > seen}
        need.owner_seen_matches_at = self.clock.now()
        await self.session.flush()
        return matches, new

    async def for_university(
        self, principal: Principal
    ) -> tuple[list[tuple[Need, list[NeedMatch]]], set[uuid.UUID]]:
        """Open, readable needs that this university's patents, achievements or experts matched,
        with those matches; and the ids of matches new since its last visit."""
        matches = await self._matches(NeedMatch.university_id == principal.organisation_id)
        if not matches:
            return [], set()
        cutoff = self.clock.now() - rules.CONFIRM_EVERY - rules.GRACE
        needs = {
            n.id: n
            for n in await self.session.scalars(
                select(Need).where(
                    Need.id.in_({m.need_id for m in matches}),
                    Need.status == NeedStatus.OPEN,
                    Need.last_confirmed_at > cutoff,
                )
            )
        }
        grouped: dict[uuid.UUID, list[NeedMatch]] = {}
        for m in matches:
            if m.need_id in needs:
                grouped.setdefault(m.need_id, []).append(m)
        visit = await self.session.scalar(
            select(MatchVisit).where(MatchVisit.organisation_id == principal.organisation_id)
        )
        seen = visit.seen_at if visit else None
        new = {
            m.id for ms in grouped.values() for m in ms if seen is None or m.first_seen_at > seen
        }
        if visit is None:
            self.session.add(
                MatchVisit(organisation_id=principal.organisation_id, seen_at=self.clock.now())
            )
        else:
            visit.seen_at = self.clock.now()
        await self.session.flush()
        ordered = sorted(grouped.items(), key=lambda kv: -max(m.score for m in kv[1]))
        return [(needs[need_id], ms) for need_id, ms in ordered], new

    async def _matches(self, where: ColumnElement[bool]) -> list[NeedMatch]:
        query = select(NeedMatch).where(where).order_by(NeedMatch.score.desc(), NeedMatch.id)
        return list(await self.session.scalars(query))

    # --- finders ---------------------------------------------------------------------------

    async def _patents(self, need: rules.NeedText) -> list[Found]:
        try:
            ranked = await search_patents(self.engine, need, self.clock.today())
        except SearchError:
            log.warning("search unavailable: patents not matched this time")
            return []
        known = await self._listed_patents({_uuid(i) for i in ranked} - {None})
        out: list[Found] = []
        for doc_id, (rank, doc) in ranked.items():
            patent_id = _uuid(doc_id)
            if patent_id is None or patent_id not in known or doc.declaration_id is None:
                continue  # the index lags behind the catalogue, or nothing is open to accept
            decision = explain_patent(need, doc, rank)
            if decision.reasons:
                out.append(
                    Found(
                        MatchKind.PATENT,
                        patent_id,
                        known[patent_id],
                        doc.title_zh,
                        decision,
                        _uuid(doc.declaration_id),
                    )
                )
        return _best(out)

    async def _listed_patents(self, ids: set[uuid.UUID | None]) -> dict[uuid.UUID, uuid.UUID]:
        if not ids:
            return {}
        rows = await self.session.execute(
            select(Patent.id, Patent.owner_organisation_id).where(Patent.id.in_(ids))
        )
        return {pid: owner for pid, owner in rows.tuples()}

    async def _achievements(self, need: rules.NeedText) -> list[Found]:
        rows = await self.session.scalars(
            select(Achievement)
            .where(Achievement.withdrawn_at.is_(None))
            .order_by(Achievement.created_at.desc())
            .limit(SCAN_LIMIT)
        )
        out = []
        for a in rows:
            candidate = rules.Candidate(
                title=a.title,
                text=a.description,
                keywords=a.keywords,
                fields=[a.technology_field] if a.technology_field else [],
                ipc_codes=a.ipc_codes,
            )
            decision = rules.match(need, candidate)
            if decision.reasons:
                out.append(Found(MatchKind.ACHIEVEMENT, a.id, a.organisation_id, a.title, decision))
        return _best(out)

    async def _experts(self, need: rules.NeedText, patents: list[Found]) -> list[Found]:
        inventors: dict[tuple[uuid.UUID, str], str] = {}
        if patents:
            rows = await self.session.execute(
                select(Patent.owner_organisation_id, Patent.inventors, Patent.title_zh).where(
                    Patent.id.in_([f.target_id for f in patents])
                )
            )
            for org, names, title in rows.tuples():
                for name in names or []:
                    inventors.setdefault((org, name), title)
        experts = await self.session.scalars(
            select(Expert).order_by(Expert.created_at.desc()).limit(SCAN_LIMIT)
        )
        out = []
        for e in experts:
            candidate = rules.Candidate(
                title=" ".join(e.research_directions),
                text=e.bio or "",
                keywords=[*e.keywords, *e.research_directions],
                fields=e.fields,
            )
            decision = rules.match(need, candidate)
            patent = inventors.get((e.organisation_id, e.name))
            if patent is not None:
                decision = rules.MatchDecision(
                    decision.score + rules.WEIGHTS["terms"],
                    [*decision.reasons, rules.Reason("patent", (patent,))],
                )
            if decision.reasons:
                label = f"{e.name}（{e.title}）" if e.title else e.name
                out.append(Found(MatchKind.EXPERT, e.id, e.organisation_id, label, decision))
        return _best(out)


def patent_queries(need: rules.NeedText, today: datetime.date) -> list[SearchQuery]:
    """What the matcher asks the search engine: the title with the keywords, each keyword, the
    IPC subclasses of the hints, and the field."""
    queries = [SearchQuery(q=" ".join([need.title, *need.keywords]), per_page=20, today=today)]
    queries += [SearchQuery(q=k, per_page=10, today=today) for k in need.keywords[:5]]
    if need.ipc_hints:
        subclasses = sorted({rules.ipc_subclass(c) for c in need.ipc_hints})
        queries.append(SearchQuery(ipc_subclass=subclasses, per_page=20, today=today))
    if need.technology_field:
        queries.append(
            SearchQuery(technology_field=[need.technology_field], per_page=10, today=today)
        )
    return queries


async def search_patents(
    engine: SearchEngine, need: rules.NeedText, today: datetime.date
) -> dict[str, tuple[int, PatentDocument]]:
    """Patent id → (best rank over the queries, document). Raises SearchError when the engine
    is unavailable."""
    ranked: dict[str, tuple[int, PatentDocument]] = {}
    for query in patent_queries(need, today):
        result = await engine.search(query)
        for rank, hit in enumerate(result.hits):
            if hit.id not in ranked or rank < ranked[hit.id][0]:
                ranked[hit.id] = (rank, hit.document)
    return ranked


def explain_patent(need: rules.NeedText, doc: PatentDocument, rank: int) -> rules.MatchDecision:
    candidate = rules.Candidate(
        title=doc.title_zh,
        text=" ".join(filter(None, [doc.title_en, doc.abstract_zh, doc.abstract_en])),
        keywords=doc.keywords,
        fields=[doc.technology_field],
        ipc_codes=doc.ipc_codes,
    )
    return rules.match(need, candidate, search_rank=rank)


def _need_text(need: Need) -> rules.NeedText:
    return rules.NeedText(
        title=need.title,
        description=need.description,
        keywords=need.keywords,
        technology_field=need.technology_field,
        ipc_hints=need.ipc_hints,
    )


def _best(found: list[Found]) -> list[Found]:
    return sorted(found, key=lambda f: (-f.decision.score, str(f.target_id)))[:PER_KIND]


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None
