"""Searching the embedded (tantivy) index: matching, ranking, filters, facets, sorted pages.

**Matching and ranking** (the relevance sort), the same buckets as Meilisearch's `words` rule
with `matchingStrategy: "frequency"`:

1. each clause of the parsed query (a query word with its synonyms, typo and prefix
   expansions) gets its document frequency in the whole index;
2. documents that match every clause come first; then documents that match all but the most
   frequent clause; then all but the two most frequent; … down to documents that match only
   the rarest clause. A word that is everywhere ("方法", "method") cannot keep a document out;
   a word that is nowhere empties the result (a query about a topic the catalogue lacks
   returns nothing);
3. when that gives few results, the relaxed tail of `ranking.py` follows;
4. within a bucket, documents are ordered by BM25 over the fields with weights (title >
   keywords > meta > abstract > claims); typo and prefix variants and synonyms count less than
   the word as typed; equal scores keep index order.

**Visibility and calendar**: published listings whose licence is open *on the query's day*
(`freshness.py`: the patent's end, a withdrawal, the end of the declared period are dates in
the document compared with today at query time), plus the viewer organisation's own documents.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import tantivy

from openlicense.search import ranking
from openlicense.search.documents import PatentDocument
from openlicense.search.embedded_index import FIELD_WEIGHTS, WORD_FIELDS
from openlicense.search.engine import FACET_FIELDS, SearchQuery
from openlicense.search.freshness import STATUSES, day_number, effective_status
from openlicense.search.spelling import Lexicon
from openlicense.search.text import Clause, ParsedQuery, is_word_token

__all__ = ["Executor", "Page"]

_MUST, _SHOULD, _NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
Q = tantivy.Query

CHANGED_LIMIT = 500
"""Up to this many matches whose status the calendar changed are corrected one by one."""
SYNONYM_FACTOR = 0.8
TYPO_FACTOR = 0.4
PREFIX_FACTOR = 0.6

SUGGEST_FIELDS = {
    "keywords": "kw",
    "university_name": "university_name",
    "ipc_subclasses": "ipc_subclasses",
    "ipc_groups": "ipc_groups",
}
"""Suggest-as-you-type vocabulary → the field whose terms are counted."""

SORTS: dict[str, tuple[str, tantivy.Order]] = {
    "newest": ("declared_at", tantivy.Order.Desc),
    "price_asc": ("entry_price_minor", tantivy.Order.Asc),
    "expiry": ("expiry_ts", tantivy.Order.Asc),
}


@dataclass
class Page:
    total: int
    hits: list[tuple[float | None, tantivy.DocAddress]]
    matched: tantivy.Query
    """Every strictly matching document (for facets)."""
    relaxed: list[tuple[float | None, tantivy.DocAddress]] | None = None
    """With a relaxed tail: every result, in order (facets are counted over these)."""


def _all(parts: Sequence[tantivy.Query]) -> tantivy.Query:
    if len(parts) == 1:
        return parts[0]
    return Q.boolean_query([(_MUST, p) for p in parts])


def _any(parts: Sequence[tantivy.Query]) -> tantivy.Query:
    if len(parts) == 1:
        return parts[0]
    return Q.boolean_query([(_SHOULD, p) for p in parts])


def _filter(query: tantivy.Query) -> tuple[tantivy.Occur, tantivy.Query]:
    return (_MUST, Q.const_score_query(query, 0.0))


class Executor:
    """One search on one searcher."""

    def __init__(
        self,
        searcher: tantivy.Searcher,
        schema: tantivy.Schema,
        lexicon: Lexicon,
        max_values_per_facet: int,
    ) -> None:
        self.searcher = searcher
        self.schema = schema
        self.lexicon = lexicon
        self.max_values_per_facet = max_values_per_facet

    # --- text --------------------------------------------------------------------------

    def token(self, token: str, factor: float, variants: Sequence[tuple[str, float]]) -> Q:
        """One token in every text field, weighted; English variants (typos, prefix
        completions) as constant-score term sets."""
        subs = []
        for field, weight in FIELD_WEIGHTS.items():
            subs.append(Q.boost_query(Q.term_query(self.schema, field, token), weight * factor))
        for values, variant_factor in _grouped(variants):
            for field in WORD_FIELDS:
                weight = FIELD_WEIGHTS[field] * factor * variant_factor
                subs.append(Q.boost_query(Q.term_set_query(self.schema, field, values), weight))
        return _any(subs)

    def clause(self, clause: Clause, expansions: dict[str, list[tuple[str, float]]]) -> Q:
        alternatives = []
        for n, tokens in enumerate(clause.alternatives):
            factor = 1.0 if n == 0 else SYNONYM_FACTOR
            parts = [self.token(t, factor, expansions.get(t, []) if n == 0 else []) for t in tokens]
            alternatives.append(_all(parts))
        return _any(alternatives)

    def expansions(self, parsed: ParsedQuery) -> dict[str, list[tuple[str, float]]]:
        out: dict[str, list[tuple[str, float]]] = {}
        for term in parsed.terms:
            if not is_word_token(term.token):
                continue
            variants = [(w, TYPO_FACTOR) for w, _ in self.lexicon.typos(term.token)]
            if term.prefix:
                seen = {w for w, _ in variants}
                variants += [
                    (w, PREFIX_FACTOR)
                    for w in self.lexicon.completions(term.token)
                    if w not in seen
                ]
            if variants:
                out[term.token] = variants
        return out

    def titles(self, parsed: ParsedQuery, filters: tantivy.Query) -> tantivy.Query:
        """Documents whose title has every query word (the last one as a prefix), or a
        synonym of it; ranked by BM25 on the title."""
        expansions = self.expansions(parsed)
        parts: list[tuple[tantivy.Occur, tantivy.Query]] = [_filter(filters)]
        for clause in parsed.clauses:
            alternatives = []
            for n, tokens in enumerate(clause.alternatives):
                per_token = []
                for token in tokens:
                    subs = [Q.term_query(self.schema, "title", token)]
                    variants = [w for w, _ in expansions.get(token, [])] if n == 0 else []
                    if variants:
                        subs.append(Q.term_set_query(self.schema, "title", variants))
                    per_token.append(_any(subs))
                alternatives.append(_all(per_token))
            parts.append((_MUST, _any(alternatives)))
        return Q.boolean_query(parts)

    def count(self, query: tantivy.Query) -> int:
        return _count(self.searcher.search(query, limit=1, count=True))

    def plan(
        self, parsed: ParsedQuery
    ) -> tuple[list[tantivy.Query], list[int], list[tantivy.Query]]:
        """Clause queries, their document frequencies (whole index) and the bucket levels."""
        expansions = self.expansions(parsed)
        clauses = [self.clause(c, expansions) for c in parsed.clauses]
        if len(clauses) == 1:  # one clause: one level, no order to decide
            return clauses, [1], clauses
        df = [self.frequency(c, expansions) for c in parsed.clauses]
        levels: list[tantivy.Query] = []
        kept = list(range(len(clauses)))
        for dropped in [None, *ranking.drop_order(df)[:-1]]:
            if dropped is not None:
                kept.remove(dropped)
            levels.append(_all([clauses[i] for i in kept]))
        return clauses, df, levels

    def frequency(self, clause: Clause, expansions: dict[str, list[tuple[str, float]]]) -> int:
        """Documents with the clause, estimated from the term dictionary (no postings are
        read): the largest document frequency of any of its tokens and variants in any field,
        a multi-token alternative counting as its rarest token."""
        best = 0
        for n, tokens in enumerate(clause.alternatives):
            per_token = []
            for token in tokens:
                words = [token, *(w for w, _ in expansions.get(token, []))] if n == 0 else [token]
                per_token.append(
                    max(self.searcher.doc_freq(f, w) for f in FIELD_WEIGHTS for w in words)
                )
            best = max(best, min(per_token))
        return best

    def relevance(
        self, parsed: ParsedQuery, filters: tantivy.Query, offset: int, limit: int
    ) -> Page:
        clauses, df, levels = self.plan(parsed)
        scoring = [(_SHOULD, c) for c in clauses]
        matched = Q.boolean_query([_filter(filters), _filter(levels[-1])])
        total, hits = self._buckets(levels, scoring, filters, offset, limit)
        relaxed: list[int] = []
        if len(clauses) > 1 and total < ranking.RELAX_BELOW:
            relaxed = ranking.relaxed_clauses(df, self.searcher.num_docs)
        if not relaxed:
            return Page(total, hits, matched)
        _, ranked = self._buckets(levels, scoring, filters, 0, ranking.RELAX_BELOW)
        excluded = [levels[-1]]
        for i in relaxed:
            room = ranking.RELAX_DEPTH - len(ranked)
            if room <= 0:
                break
            parts = [_filter(filters), _filter(clauses[i]), *scoring]
            parts += [(_NOT, e) for e in excluded]
            result = self.searcher.search(Q.boolean_query(parts), limit=room, count=False)
            ranked += [(float(score), addr) for score, addr in result.hits]
            excluded.append(clauses[i])
        return Page(len(ranked), ranked[offset : offset + limit], matched, ranked)

    def _buckets(
        self,
        levels: list[tantivy.Query],
        scoring: list[tuple[tantivy.Occur, tantivy.Query]],
        filters: tantivy.Query,
        offset: int,
        limit: int,
    ) -> tuple[int, list[tuple[float | None, tantivy.DocAddress]]]:
        """The window [offset, offset + limit) of the strict results, bucket by bucket, and
        their total."""
        total = 0
        hits: list[tuple[float | None, tantivy.DocAddress]] = []
        previous: tantivy.Query | None = None
        for level in levels:
            parts = [_filter(filters), _filter(level), *scoring]
            if previous is not None:
                parts.append((_NOT, previous))
            bucket = Q.boolean_query(parts)
            previous = level
            want = offset + limit - total
            if want <= 0:
                total += self.count(bucket)
                continue
            skip = max(offset - total, 0)
            result = self.searcher.search(bucket, limit=want - skip, offset=skip, count=True)
            hits += [(float(score), addr) for score, addr in result.hits]
            total += _count(result)
        return total, hits[:limit]

    # --- sorted and browsing ---------------------------------------------------------

    def sorted(
        self, matched: tantivy.Query, sort: str, offset: int, limit: int
    ) -> tuple[int, list[tantivy.DocAddress]]:
        field, order = SORTS[sort]
        return _sorted_page(self.searcher, self.schema, matched, field, order, offset, limit)

    def matched(self, parsed: ParsedQuery, filters: tantivy.Query) -> tantivy.Query:
        """Every document a text query matches (the rarest clause), with the filters: what a
        sorted listing shows (the relaxed tail only follows relevance-ordered results)."""
        if parsed.is_placeholder:
            return Q.boolean_query([(_MUST, Q.all_query()), _filter(filters)])
        _, _, levels = self.plan(parsed)
        return Q.boolean_query([_filter(filters), _filter(levels[-1])])

    # --- filters -----------------------------------------------------------------------

    def filters(self, query: SearchQuery) -> tantivy.Query:
        day = day_number(query.day())
        parts = [self.visibility(query.viewer_organisation_id, day)]
        parts += [
            Q.term_set_query(self.schema, field, values)
            for field, values in query.list_filters().items()
        ]
        if query.licence_status:
            parts.append(_any([self.status(s, day) for s in query.licence_status]))
        if query.has_trial is not None:
            parts.append(Q.term_query(self.schema, "has_trial", query.has_trial))
        for field, low, high in (
            ("entry_price_minor", query.price_min, query.price_max),
            ("trl", query.trl_min, query.trl_max),
        ):
            if low is not None or high is not None:
                parts.append(
                    Q.range_query(self.schema, field, tantivy.FieldType.Integer, low, high)
                )
        return _all(parts)

    def _reached(self, field: str, day: int) -> tantivy.Query:
        return Q.range_query(self.schema, field, tantivy.FieldType.Integer, None, day)

    def status(self, status: str, day: int) -> tantivy.Query:
        """Documents whose licence status is `status` on `day` (`freshness.effective_status`)."""

        def stored(value: str) -> tantivy.Query:
            return Q.term_query(self.schema, "licence_status", value)

        ended = self._reached("patent_ends_ts", day)
        withdrawn = self._reached("withdrawn_ts", day)
        period = self._reached("offer_ends_ts", day)
        everything = (_MUST, Q.all_query())
        if status == "closed":
            open_expired = Q.boolean_query(
                [(_MUST, stored("open")), (_MUST, period), (_NOT, withdrawn)]
            )
            return _any([ended, stored("closed"), open_expired])
        if status == "withdrawn":
            now = _any(
                [
                    stored("withdrawn"),
                    Q.boolean_query([(_MUST, stored("open")), (_MUST, withdrawn)]),
                ]
            )
            return Q.boolean_query([(_MUST, now), (_NOT, ended)])
        if status == "open":
            return Q.boolean_query(
                [(_MUST, stored("open")), (_NOT, ended), (_NOT, withdrawn), (_NOT, period)]
            )
        if status == "none":
            return Q.boolean_query([(_MUST, stored("none")), (_NOT, ended)])
        return Q.boolean_query([everything, (_NOT, Q.all_query())])

    def visibility(self, viewer: str | None, day: int) -> tantivy.Query:
        public = Q.boolean_query(
            [
                (_MUST, Q.term_query(self.schema, "listing_status", "published")),
                (_MUST, self.status("open", day)),
            ]
        )
        if not viewer:
            return public
        own = Q.term_query(self.schema, "owner_organisation_id", viewer)
        return _any([public, own])

    # --- facets ------------------------------------------------------------------------

    def facets(
        self,
        matched: tantivy.Query,
        names: Sequence[str],
        day: datetime.date,
        load: Callable[[tantivy.DocAddress], PatentDocument],
    ) -> dict[str, dict[str, int]]:
        """Facet counts: one `terms` aggregation over the matches; the licence status as
        stored, corrected for the few documents whose status the calendar has changed since
        they were written (`load` reads one stored document)."""
        size = self.max_values_per_facet
        fields = {n: "licence_status" if n == "licence_status" else FACET_FIELDS[n] for n in names}
        aggs = {n: {"terms": {"field": field, "size": size}} for n, field in fields.items()}
        result: dict[str, Any] = self.searcher.aggregate(matched, aggs)
        out: dict[str, dict[str, int]] = {}
        for name in names:
            buckets = result.get(name, {}).get("buckets", [])
            out[name] = {
                str(b.get("key_as_string", b["key"])): int(b["doc_count"])
                for b in buckets
                if b["doc_count"]
            }
        if "licence_status" in names:
            out["licence_status"] = self._status_counts(matched, out["licence_status"], day, load)
        return out

    def _status_counts(
        self,
        matched: tantivy.Query,
        stored: dict[str, int],
        day: datetime.date,
        load: Callable[[tantivy.DocAddress], PatentDocument],
    ) -> dict[str, int]:
        number = day_number(day)
        changed = Q.boolean_query([(_MUST, matched), _filter(self.changed(number))])
        result = self.searcher.search(changed, limit=CHANGED_LIMIT + 1, count=True)
        if _count(result) > CHANGED_LIMIT:  # many stale documents: count each status instead
            counts = {
                s: self.count(Q.boolean_query([(_MUST, matched), _filter(self.status(s, number))]))
                for s in STATUSES
            }
            return {s: n for s, n in counts.items() if n}
        counts = dict(stored)
        for _, addr in result.hits:
            doc = load(addr)
            counts[doc.licence_status] -= 1
            now = effective_status(doc.licence_status, doc, day)
            counts[now] = counts.get(now, 0) + 1
        return {s: n for s, n in counts.items() if n}

    def changed(self, day: int) -> tantivy.Query:
        """Documents whose stored licence status the calendar may have changed by `day`."""

        def stored(value: str) -> tantivy.Query:
            return Q.term_query(self.schema, "licence_status", value)

        ended = self._reached("patent_ends_ts", day)
        any_date = _any(
            [ended, self._reached("withdrawn_ts", day), self._reached("offer_ends_ts", day)]
        )
        return _any(
            [
                Q.boolean_query([(_MUST, stored("open")), (_MUST, any_date)]),
                Q.boolean_query(
                    [(_MUST, _any([stored("none"), stored("withdrawn")])), (_MUST, ended)]
                ),
            ]
        )


def _count(result: tantivy.SearchResult) -> int:
    return int(result.count)  # type: ignore[attr-defined]  # the bundled stub lacks `count`


def _grouped(variants: Sequence[tuple[str, float]]) -> list[tuple[list[str], float]]:
    groups: dict[float, list[str]] = {}
    for word, factor in variants:
        groups.setdefault(factor, []).append(word)
    return [(words, factor) for factor, words in groups.items()]


def _sorted_page(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: tantivy.Query,
    field: str,
    order: tantivy.Order,
    offset: int,
    limit: int,
) -> tuple[int, list[tantivy.DocAddress]]:
    """One page ordered by `field` (missing values last), ties broken by id ascending.

    tantivy orders by one fast field, so: take the top offset+limit by `field`, split them into
    runs of equal values, and order each run that reaches into the page by id with a second
    query (`field == value`, ordered by the id fast field). A run of one that is followed by
    another value is complete and needs no second query.
    """
    want = offset + limit
    result = searcher.search(query, limit=want, count=True, order_by_field=field, order=order)
    total, hits = _count(result), result.hits
    runs: list[tuple[Any, int, list[tantivy.DocAddress]]] = []
    for pos, (value, addr) in enumerate(hits):
        if runs and runs[-1][0] == value:
            runs[-1][2].append(addr)
        else:
            runs.append((value, pos, [addr]))
    page: list[tantivy.DocAddress] = []
    for i, (value, start, addrs) in enumerate(runs):
        if start + len(addrs) <= offset:
            continue
        complete = i < len(runs) - 1 or len(hits) == total
        if len(addrs) == 1 and complete:
            page.append(addrs[0])
            continue
        skip = max(offset - start, 0)
        if value is None:
            same = Q.boolean_query([(_MUST, Q.all_query()), (_NOT, Q.exists_query(field))])
        else:
            same = Q.term_query(schema, field, value)
        tied = Q.boolean_query([(_MUST, query), (_MUST, same)])
        sub = searcher.search(
            tied,
            limit=len(addrs) - skip,
            offset=skip,
            count=False,
            order_by_field="id",
            order=tantivy.Order.Asc,
        )
        page.extend(addr for _, addr in sub.hits)
    return total, page[:limit]
