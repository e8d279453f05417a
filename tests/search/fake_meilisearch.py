"""An in-process fake of the Meilisearch HTTP API, for the adapter's tests.

A real HTTP server on 127.0.0.1 (random port, one thread per connection) speaking the JSON API
the official client uses: health, version, stats, indexes CRUD, settings (whole object and the
sub-routes), documents (add/replace, add/update, get, list, fetch, delete one / batch / by filter /
all), search, multi-search (not federated), tasks (get, list) and swap-indexes.

What it models, honestly rather than by replaying answers:

- **Tasks.** Every write returns `202 {taskUid, status: "enqueued"}` and changes nothing yet. Tasks
  are applied in order when a client asks for a task (GET /tasks/{uid} applies every task up to
  it) or after `auto_process_after` seconds, so a client that does not wait for its tasks reads
  stale data, as it would from a busy server. Failing tasks (index exists / not found, bad
  document id, missing primary key) end as `failed` with Meilisearch's error codes.
- **Search.** Matching and ranking follow Meilisearch's documentation, implemented in
  `fake_meili_matching.py` without any code of the project (the contract suite must not test
  `openlicense.search.text` against itself): charabia-like tokenizing (Chinese with jieba's
  default dictionary), at most 10 query words, prefix search on the last word, typo tolerance
  with the index's thresholds (a first-letter typo counts as two), concatenation and split of
  words, synonyms of 1–3 words, matching strategies `all`, `last` and `frequency`, and the
  index's `rankingRules` in order (words, typo, proximity, attribute / attributeRank /
  wordPosition, sort, exactness, custom rules), then insertion order. Filters are parsed from the
  filter language (=, !=, >, >=, <, <=, TO, IN [...], NOT IN, IS [NOT] NULL, IS [NOT] EMPTY,
  [NOT] EXISTS, NOT, AND, OR, parentheses, and the array forms) and refused on attributes that
  are not filterable; sorts on attributes that are not sortable are refused; facet counts cover
  every match (`sortFacetValuesBy` alpha or count, `maxValuesPerFacet`); page/hitsPerPage and
  offset/limit pagination honour `pagination.maxTotalHits`; `_formatted` wraps the query's
  words in the requested tags; `_rankingScore` is a rank-derived score in (0, 1].
- **Outages.** `down()` closes the listening socket and open connections (connection refused),
  `down(mode="503")` answers every request with 503; `up()` restores service, state intact.
- `requests` logs (method, path, JSON body) of every request, for assertions.

Not modelled (only a real server shows them): charabia's exact normalisers and segmentation
beyond what is listed above, the exact ranking-score formula, derivation caps, API keys and
tenant tokens, facet search, geo, vectors, task batching and cancellation, size limits.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import gzip
import json
import math
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import fake_meili_matching as matching

__all__ = ["FakeMeilisearch", "MeiliError"]

VERSION = "1.30.0"
_DOC_ID = re.compile(r"^[A-Za-z0-9_-]{1,511}$")
_UID = re.compile(r"^[A-Za-z0-9_-]{1,400}$")


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat().replace("+00:00", "Z")


def default_settings() -> dict[str, Any]:
    return {
        "displayedAttributes": ["*"],
        "searchableAttributes": ["*"],
        "filterableAttributes": [],
        "sortableAttributes": [],
        "rankingRules": ["words", "typo", "proximity", "attribute", "sort", "exactness"],
        "stopWords": [],
        "nonSeparatorTokens": [],
        "separatorTokens": [],
        "dictionary": [],
        "synonyms": {},
        "distinctAttribute": None,
        "proximityPrecision": "byWord",
        "typoTolerance": {
            "enabled": True,
            "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
            "disableOnWords": [],
            "disableOnAttributes": [],
            "disableOnNumbers": False,
        },
        "faceting": {"maxValuesPerFacet": 100, "sortFacetValuesBy": {"*": "alpha"}},
        "pagination": {"maxTotalHits": 1000},
        "searchCutoffMs": None,
        "localizedAttributes": None,
        "facetSearch": True,
        "prefixSearch": "indexingTime",
        "embedders": {},
    }


_NESTED = {"typoTolerance", "faceting", "pagination"}
_SUB_ROUTES = {
    "displayed-attributes": "displayedAttributes",
    "searchable-attributes": "searchableAttributes",
    "filterable-attributes": "filterableAttributes",
    "sortable-attributes": "sortableAttributes",
    "ranking-rules": "rankingRules",
    "stop-words": "stopWords",
    "non-separator-tokens": "nonSeparatorTokens",
    "separator-tokens": "separatorTokens",
    "dictionary": "dictionary",
    "synonyms": "synonyms",
    "distinct-attribute": "distinctAttribute",
    "proximity-precision": "proximityPrecision",
    "typo-tolerance": "typoTolerance",
    "faceting": "faceting",
    "pagination": "pagination",
    "search-cutoff-ms": "searchCutoffMs",
    "localized-attributes": "localizedAttributes",
    "facet-search": "facetSearch",
    "prefix-search": "prefixSearch",
    "embedders": "embedders",
}


class MeiliError(Exception):
    def __init__(self, status: int, code: str, message: str, kind: str = "invalid_request"):
        super().__init__(message)
        self.status, self.code, self.message, self.kind = status, code, message, kind

    def body(self) -> dict[str, str]:
        return {
            "message": self.message,
            "code": self.code,
            "type": self.kind,
            "link": f"https://docs.meilisearch.com/errors#{self.code}",
        }


@dataclass
class Index:
    uid: str
    primary_key: str | None
    created_at: str = field(default_factory=_now)
    updated_at: str = field(default_factory=_now)
    settings: dict[str, Any] = field(default_factory=default_settings)
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def info(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "primaryKey": self.primary_key,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }


@dataclass
class Task:
    uid: int
    index_uid: str | None
    type: str
    apply: Callable[[], dict[str, Any] | None]
    details: dict[str, Any]
    status: str = "enqueued"
    error: dict[str, str] | None = None
    enqueued_at: str = field(default_factory=_now)
    enqueued_mono: float = field(default_factory=time.monotonic)
    started_at: str | None = None
    finished_at: str | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "taskUid": self.uid,
            "indexUid": self.index_uid,
            "status": self.status,
            "type": self.type,
            "enqueuedAt": self.enqueued_at,
        }

    def full(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "batchUid": self.uid if self.status in ("succeeded", "failed") else None,
            "indexUid": self.index_uid,
            "status": self.status,
            "type": self.type,
            "canceledBy": None,
            "details": self.details,
            "error": self.error,
            "duration": "PT0.001S" if self.finished_at else None,
            "enqueuedAt": self.enqueued_at,
            "startedAt": self.started_at,
            "finishedAt": self.finished_at,
        }


# --- the state machine ---------------------------------------------------------------------


class State:
    def __init__(self, auto_process_after: float | None) -> None:
        self.lock = threading.RLock()
        self.indexes: dict[str, Index] = {}
        self.tasks: list[Task] = []
        self.auto_process_after = auto_process_after

    # tasks

    def enqueue(
        self,
        index_uid: str | None,
        kind: str,
        apply: Callable[[], dict[str, Any] | None],
        details: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            task = Task(len(self.tasks), index_uid, kind, apply, details or {})
            self.tasks.append(task)
            return task.summary()

    def process(self, up_to: int | None = None, *, older_than: float | None = None) -> None:
        with self.lock:
            for task in self.tasks:
                if task.status != "enqueued":
                    continue
                if up_to is not None and task.uid > up_to:
                    break
                if older_than is not None and time.monotonic() - task.enqueued_mono < older_than:
                    break
                task.started_at = _now()
                try:
                    extra = task.apply()
                except MeiliError as err:
                    task.status, task.error = "failed", err.body()
                else:
                    task.status = "succeeded"
                    task.details.update(extra or {})
                task.finished_at = _now()

    def index(self, uid: str) -> Index:
        try:
            return self.indexes[uid]
        except KeyError:
            raise MeiliError(404, "index_not_found", f"Index `{uid}` not found.") from None

    def index_or_create(self, uid: str, primary_key: str | None = None) -> Index:
        if uid not in self.indexes:
            self.indexes[uid] = Index(uid, primary_key)
        return self.indexes[uid]


# --- documents, analysis and matching ------------------------------------------------------


def _values(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [x for v in value for x in _values(v)]
    return [value]


def _strings(value: Any) -> list[str]:
    return [str(v) for v in _values(value) if isinstance(v, str | int | float) and v is not True]


class Searcher:
    """Evaluates one search request against one index (matching: `fake_meili_matching`)."""

    def __init__(self, index: Index, body: dict[str, Any]) -> None:
        self.index = index
        self.settings = index.settings
        self.body = body
        searchable = self.settings["searchableAttributes"]
        if searchable == ["*"]:
            searchable = sorted({k for d in index.docs.values() for k in d})
        if body.get("attributesToSearchOn"):
            searchable = [a for a in searchable if a in body["attributesToSearchOn"]]
        self.searchable: list[str] = searchable
        cached = index.cache.get("rules")
        if cached is None or cached[0] != tuple(searchable):
            cached = (tuple(searchable), matching.Settings.of(self.settings, searchable))
            index.cache["rules"] = cached
        self.rules = cached[1]
        self.q = str(body.get("q") or "")

    def _analysed(self) -> dict[str, matching.Analysed]:
        key = tuple(self.searchable)
        cached = self.index.cache.get("analysed")
        if cached is None or cached[0] != key:
            analysed = {k: matching.analyse(d, self.searchable) for k, d in self.index.docs.items()}
            cached = (key, analysed)
            self.index.cache["analysed"] = cached
        return cached[1]

    def _vocabulary(self, analysed: dict[str, matching.Analysed]) -> matching.Vocabulary:
        cached = self.index.cache.get("vocabulary")
        if cached is None or cached[0] != tuple(self.searchable):
            counts: dict[str, int] = {}
            for a in analysed.values():
                for word in a.positions:
                    counts[word] = counts.get(word, 0) + 1
            cached = (tuple(self.searchable), matching.Vocabulary(counts))
            self.index.cache["vocabulary"] = cached
        return cached[1]

    def run(self) -> dict[str, Any]:
        body, settings = self.body, self.settings
        filterable = set(settings["filterableAttributes"])
        sortable = set(settings["sortableAttributes"])
        predicate = Filter(body.get("filter"), filterable).predicate
        for facet in body.get("facets") or []:
            if facet != "*" and facet not in filterable:
                raise MeiliError(
                    400,
                    "invalid_search_facets",
                    f"Invalid facet distribution, attribute `{facet}` is not filterable.",
                )
        sort_spec = []
        for item in body.get("sort") or []:
            attr, _, direction = item.rpartition(":")
            if direction not in ("asc", "desc") or not attr:
                raise MeiliError(400, "invalid_search_sort", f"Invalid syntax for sort: `{item}`.")
            if attr not in sortable:
                raise MeiliError(
                    400,
                    "invalid_search_sort",
                    f"Attribute `{attr}` is not sortable. Available sortable attributes are: "
                    f"`{', '.join(sorted(sortable))}`.",
                )
            sort_spec.append((attr, direction))
        strategy = body.get("matchingStrategy") or "last"
        if strategy not in ("last", "all", "frequency"):
            raise MeiliError(400, "invalid_search_matching_strategy", f"Unknown `{strategy}`.")
        analysed = self._analysed()
        words = matching.query_words(self.q, self.rules)
        placeholder = not words
        ranked: list[tuple[tuple[Any, ...], int, dict[str, Any]]] = []
        if placeholder:
            for order, doc in enumerate(self.index.docs.values()):
                if predicate(doc):
                    ranked.append((tuple(self._key(doc, None, 0, sort_spec)), order, doc))
        else:
            terms = matching.parse(self.q, self.rules, self._vocabulary(analysed))
            frequency = matching.frequencies(terms, len(words), list(analysed.values()), self.rules)
            levels = matching.buckets(strategy, len(words), frequency)
            for order, (key, doc) in enumerate(self.index.docs.items()):
                if not predicate(doc):
                    continue
                for level, kept in enumerate(levels):
                    match = matching.evaluate(terms, len(words), kept, analysed[key], self.rules)
                    if match is not None:
                        ranked.append((tuple(self._key(doc, match, level, sort_spec)), order, doc))
                        break
        ranked.sort(key=lambda r: (r[0], r[1]))
        matches = [doc for _, _, doc in ranked]
        self.words = words
        return self._page(matches)

    def _key(
        self,
        doc: dict[str, Any],
        match: matching.Match | None,
        level: int,
        sort_spec: list[tuple[str, str]],
    ) -> list[Any]:
        """The ranking key: the index's ranking rules in order; `words` (the bucket) always
        before typo, proximity, attribute and exactness."""
        key: list[Any] = []
        words_done = False
        for rule in self.settings["rankingRules"]:
            if (
                rule
                in (
                    "typo",
                    "proximity",
                    "attribute",
                    "attributeRank",
                    "wordPosition",
                    "exactness",
                    "words",
                )
                and not words_done
            ):
                key.append(level)
                words_done = True
            if match is None:
                if rule == "sort":
                    key.extend(_sort_key(doc, sort_spec))
                continue
            if rule == "typo":
                key.append(match.typos)
            elif rule == "proximity":
                key.append(match.proximity)
            elif rule == "attribute":
                key += [match.attribute_rank, match.word_position]
            elif rule == "attributeRank":
                key.append(match.attribute_rank)
            elif rule == "wordPosition":
                key.append(match.word_position)
            elif rule == "exactness":
                key.append(-match.exact)
            elif rule == "sort":
                key.extend(_sort_key(doc, sort_spec))
            elif ":" in rule:  # custom ranking rule attr:asc|desc
                attr, _, direction = rule.rpartition(":")
                key.extend(_sort_key(doc, [(attr, direction)]))
        if "sort" not in self.settings["rankingRules"]:
            key.extend(_sort_key(doc, sort_spec))
        return key

    def _page(self, matches: list[dict[str, Any]]) -> dict[str, Any]:
        body, settings = self.body, self.settings
        max_total = int(settings["pagination"]["maxTotalHits"])
        reachable = matches[:max_total]
        out: dict[str, Any] = {"query": self.q, "processingTimeMs": 0}
        if body.get("page") is not None or body.get("hitsPerPage") is not None:
            per_page = int(body.get("hitsPerPage") if body.get("hitsPerPage") is not None else 20)
            page = int(body.get("page") or 1)
            start = (page - 1) * per_page
            window = reachable[start : start + per_page] if per_page else []
            out |= {
                "hitsPerPage": per_page,
                "page": page,
                "totalPages": math.ceil(len(reachable) / per_page) if per_page else 0,
                "totalHits": len(reachable),
            }
        else:
            offset, limit = int(body.get("offset") or 0), int(body.get("limit", 20))
            window = reachable[offset : offset + limit]
            out |= {"offset": offset, "limit": limit, "estimatedTotalHits": len(reachable)}
        out["hits"] = [self.hit(doc, i, len(window)) for i, doc in enumerate(window)]
        if body.get("facets"):
            out["facetDistribution"] = self.facets(matches, body["facets"])
            out["facetStats"] = {}
        return out

    def hit(self, doc: dict[str, Any], rank: int, size: int) -> dict[str, Any]:
        body = self.body
        retrieve = body.get("attributesToRetrieve") or ["*"]
        hit = copy.deepcopy(doc) if "*" in retrieve else {k: doc[k] for k in retrieve if k in doc}
        highlight = body.get("attributesToHighlight") or []
        if highlight:
            pre = body.get("highlightPreTag", "<em>")
            post = body.get("highlightPostTag", "</em>")
            words = set(self.words)
            hit["_formatted"] = {
                key: _mark(value, words, pre, post)
                if ("*" in highlight or key in highlight) and words
                else value
                for key, value in hit.items()
            }
        if body.get("showRankingScore"):
            hit["_rankingScore"] = round(1.0 - rank / (size + 1), 4) if size else 1.0
        return hit

    def facets(self, matches: list[dict[str, Any]], names: list[str]) -> dict[str, Any]:
        faceting = self.settings["faceting"]
        limit = int(faceting["maxValuesPerFacet"])
        order = faceting.get("sortFacetValuesBy") or {"*": "alpha"}
        if "*" in names:
            names = sorted(self.settings["filterableAttributes"])
        out = {}
        for name in names:
            counts: dict[str, int] = {}
            for doc in matches:
                seen = set()
                for value in _values(doc.get(name)):
                    if value is None or isinstance(value, dict):
                        continue
                    label = _facet_label(value)
                    if label not in seen:
                        seen.add(label)
                        counts[label] = counts.get(label, 0) + 1
            if order.get(name, order.get("*", "alpha")) == "count":
                items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            else:
                items = sorted(counts.items())
            out[name] = dict(items[:limit])
        return out


def _facet_label(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _mark(value: Any, words: set[str], pre: str, post: str) -> Any:
    """Wrap the query's words (exact matches) in the highlight tags."""
    if isinstance(value, list):
        return [_mark(v, words, pre, post) for v in value]
    if not isinstance(value, str):
        return value
    out, pos = [], 0
    for m in re.finditer(r"[^\W_]+", value):
        if matching.tokenize(m.group()) and matching.tokenize(m.group())[0] in words:
            out += [value[pos : m.start()], pre, m.group(), post]
            pos = m.end()
    out.append(value[pos:])
    return "".join(out)


class _Desc:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Desc) -> bool:
        return other.value < self.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)


def _sort_key(doc: dict[str, Any], spec: list[tuple[str, str]]) -> list[Any]:
    """Numbers before strings, strings lowercased; missing or null values last either way."""
    key: list[Any] = []
    for attr, direction in spec:
        value = doc.get(attr)
        if isinstance(value, list):
            value = (min if direction == "asc" else max)(value) if value else None
        if value is None or isinstance(value, dict):
            key.append((2, 0))
            continue
        if isinstance(value, bool):
            value = int(value)
        typed = (0, value) if isinstance(value, int | float) else (1, str(value).lower())
        key.append((typed[0], typed[1] if direction == "asc" else _Desc(typed[1])))
    return key


# --- the filter language -------------------------------------------------------------------

_FILTER_TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<op>!=|>=|<=|=|>|<)"""
    r"""|(?P<punct>[()\[\],])|(?P<word>[^\s()\[\],=!<>"']+))"""
)
_KEYWORDS = {"AND", "OR", "NOT", "IN", "TO", "IS", "NULL", "EMPTY", "EXISTS"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # str | op | punct | word | kw
    value: str


class Filter:
    """Meilisearch filter expressions, compiled to a predicate on documents."""

    def __init__(self, expression: Any, filterable: set[str]) -> None:
        self.filterable = filterable
        self.predicate: Callable[[dict[str, Any]], bool] = self._compile(expression)

    def _compile(self, expression: Any) -> Callable[[dict[str, Any]], bool]:
        if expression is None or expression == "" or expression == []:
            return lambda doc: True
        if isinstance(expression, list):  # array form: AND of items, inner arrays are ORs
            parts = []
            for item in expression:
                if isinstance(item, list):
                    ors = [self._compile(x) for x in item]
                    parts.append(lambda doc, ors=ors: any(p(doc) for p in ors))
                else:
                    parts.append(self._compile(item))
            return lambda doc: all(p(doc) for p in parts)
        if not isinstance(expression, str):
            raise self._error(f"Invalid filter: {expression!r}")
        self.tokens = self._tokenise(expression)
        self.pos = 0
        predicate = self._or()
        if self.pos != len(self.tokens):
            raise self._error(f"Unexpected `{self.tokens[self.pos].value}` in `{expression}`.")
        return predicate

    @staticmethod
    def _error(message: str) -> MeiliError:
        return MeiliError(400, "invalid_search_filter", message)

    def _tokenise(self, expression: str) -> list[_Tok]:
        tokens, pos = [], 0
        while pos < len(expression):
            if expression[pos:].strip() == "":
                break
            m = _FILTER_TOKEN.match(expression, pos)
            if not m:
                raise self._error(f"Invalid filter near `{expression[pos:]}`.")
            pos = m.end()
            if m.group("str"):
                raw = m.group("str")[1:-1]
                tokens.append(_Tok("str", re.sub(r"\\(.)", r"\1", raw)))
            elif m.group("op"):
                tokens.append(_Tok("op", m.group("op")))
            elif m.group("punct"):
                tokens.append(_Tok("punct", m.group("punct")))
            else:
                word = m.group("word")
                kind = "kw" if word.upper() in _KEYWORDS else "word"
                tokens.append(_Tok(kind, word.upper() if kind == "kw" else word))
        return tokens

    def _peek(self, offset: int = 0) -> _Tok | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def _take(self, kind: str | None = None, value: str | None = None) -> _Tok:
        tok = self._peek()
        if tok is None or (kind and tok.kind != kind) or (value and tok.value != value):
            want = value or kind or "a token"
            raise self._error(f"Expected {want}, found `{tok.value if tok else 'end'}`.")
        self.pos += 1
        return tok

    def _is(self, kind: str, value: str | None = None, offset: int = 0) -> bool:
        tok = self._peek(offset)
        return tok is not None and tok.kind == kind and (value is None or tok.value == value)

    def _or(self) -> Callable[[dict[str, Any]], bool]:
        parts = [self._and()]
        while self._is("kw", "OR"):
            self._take()
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda doc: any(p(doc) for p in parts))

    def _and(self) -> Callable[[dict[str, Any]], bool]:
        parts = [self._not()]
        while self._is("kw", "AND"):
            self._take()
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else (lambda doc: all(p(doc) for p in parts))

    def _not(self) -> Callable[[dict[str, Any]], bool]:
        if self._is("kw", "NOT"):
            self._take()
            inner = self._not()
            return lambda doc: not inner(doc)
        if self._is("punct", "("):
            self._take()
            inner = self._or()
            self._take("punct", ")")
            return inner
        return self._condition()

    def _value(self) -> str:
        tok = self._peek()
        if tok is None or tok.kind not in ("str", "word"):
            raise self._error(f"Expected a value, found `{tok.value if tok else 'end'}`.")
        self.pos += 1
        return tok.value

    def _attribute(self) -> str:
        tok = self._peek()
        if tok is None or tok.kind not in ("word", "str"):
            raise self._error(f"Expected an attribute, found `{tok.value if tok else 'end'}`.")
        self.pos += 1
        if tok.value not in self.filterable:
            raise MeiliError(
                400,
                "invalid_search_filter",
                f"Attribute `{tok.value}` is not filterable. Available filterable attributes "
                f"are: `{', '.join(sorted(self.filterable))}`.",
            )
        return tok.value

    def _list(self) -> list[str]:
        self._take("punct", "[")
        values = []
        while not self._is("punct", "]"):
            values.append(self._value())
            if self._is("punct", ","):
                self._take()
        self._take("punct", "]")
        return values

    def _condition(self) -> Callable[[dict[str, Any]], bool]:
        attr = self._attribute()
        if self._is("kw", "IN"):
            self._take()
            values = self._list()
            return lambda doc: any(_equals(doc, attr, v) for v in values)
        if self._is("kw", "NOT") and self._is("kw", "IN", 1):
            self.pos += 2
            values = self._list()
            return lambda doc: not any(_equals(doc, attr, v) for v in values)
        if self._is("kw", "NOT") and self._is("kw", "EXISTS", 1):
            self.pos += 2
            return lambda doc: attr not in doc
        if self._is("kw", "EXISTS"):
            self._take()
            return lambda doc: attr in doc
        if self._is("kw", "IS"):
            self._take()
            negate = False
            if self._is("kw", "NOT"):
                self._take()
                negate = True
            what = self._take("kw").value
            if what == "NULL":
                test = lambda doc: attr in doc and doc[attr] is None  # noqa: E731
            elif what == "EMPTY":
                test = lambda doc: attr in doc and doc[attr] in ("", [], {})  # noqa: E731
            else:
                raise self._error(f"Expected NULL or EMPTY after IS, found `{what}`.")
            return (lambda doc: not test(doc)) if negate else test
        if self._is("op"):
            op = self._take().value
            value = self._value()
            if op == "=":
                return lambda doc: _equals(doc, attr, value)
            if op == "!=":
                return lambda doc: not _equals(doc, attr, value)
            bound = _number(value)
            if bound is None:
                raise self._error(f"`{value}` is not a number: `{attr} {op} {value}`.")
            compare = {
                ">": lambda x: x > bound,
                ">=": lambda x: x >= bound,
                "<": lambda x: x < bound,
                "<=": lambda x: x <= bound,
            }[op]
            return lambda doc: any(compare(x) for x in _numbers(doc, attr))
        low = _number(self._value())
        self._take("kw", "TO")
        high = _number(self._value())
        if low is None or high is None:
            raise self._error(f"`{attr} … TO …` needs numbers.")
        return lambda doc: any(low <= x <= high for x in _numbers(doc, attr))


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _numbers(doc: dict[str, Any], attr: str) -> Iterable[float]:
    for v in _values(doc.get(attr)):
        if isinstance(v, int | float) and not isinstance(v, bool):
            yield float(v)
        elif isinstance(v, str) and (n := _number(v)) is not None:
            yield n


def _equals(doc: dict[str, Any], attr: str, value: str) -> bool:
    if attr not in doc:
        return False
    wanted = value.casefold()
    number = _number(value)
    for v in _values(doc[attr]):
        if v is None:
            continue
        if isinstance(v, bool):
            if ("true" if v else "false") == wanted:
                return True
        elif isinstance(v, int | float):
            if number is not None and float(v) == number:
                return True
        elif str(v).casefold() == wanted:
            return True
    return False


# --- the HTTP layer ------------------------------------------------------------------------


class _Api:
    """Routes requests to the state; returns (status, body)."""

    def __init__(self, state: State) -> None:
        self.state = state

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple:
        parts = [unquote(p) for p in path.strip("/").split("/") if p]
        s = self.state
        with s.lock:
            match method, parts:
                case "GET", ["health"]:
                    return 200, {"status": "available"}
                case "GET", ["version"]:
                    return 200, {
                        "commitSha": "fake",
                        "commitDate": "2026-01-01T00:00:00Z",
                        "pkgVersion": VERSION,
                    }
                case "GET", ["stats"]:
                    return 200, {
                        "databaseSize": 0,
                        "lastUpdate": _now(),
                        "indexes": {u: self._stats(i) for u, i in s.indexes.items()},
                    }
                case "GET", ["tasks"]:
                    s.process()
                    return 200, self._tasks(query)
                case "GET", ["tasks", uid]:
                    if not uid.isdigit() or int(uid) >= len(s.tasks):
                        raise MeiliError(404, "task_not_found", f"Task `{uid}` not found.")
                    s.process(up_to=int(uid))
                    return 200, s.tasks[int(uid)].full()
                case "POST", ["multi-search"]:
                    return 200, self._multi_search(body or {})
                case "POST", ["swap-indexes"]:
                    return 202, self._swap(body)
                case "GET", ["indexes"]:
                    offset = int(query.get("offset", ["0"])[0])
                    limit = int(query.get("limit", ["20"])[0])
                    items = [i.info() for i in sorted(s.indexes.values(), key=lambda i: i.uid)]
                    return 200, {
                        "results": items[offset : offset + limit],
                        "offset": offset,
                        "limit": limit,
                        "total": len(items),
                    }
                case "POST", ["indexes"]:
                    return 202, self._create(body)
                case _, ["indexes", uid, *rest]:
                    return self._index_route(method, uid, rest, query, body)
        raise MeiliError(404, "not_found", f"No route for {method} {path}.")

    def _multi_search(self, body: dict[str, Any]) -> dict[str, Any]:
        """`POST /multi-search` without federation: one result per query, in order."""
        if body.get("federation") is not None:
            raise MeiliError(400, "bad_request", "Federated search is not modelled by the fake.")
        results = []
        for query in body.get("queries") or []:
            params = dict(query)
            uid = params.pop("indexUid", None)
            if not uid:
                raise MeiliError(400, "missing_index_uid", "Missing field `indexUid`.")
            result = Searcher(self.state.index(uid), params).run()
            results.append({"indexUid": uid, **result})
        return {"results": results}

    def _stats(self, index: Index) -> dict[str, Any]:
        distribution: dict[str, int] = {}
        for doc in index.docs.values():
            for key in doc:
                distribution[key] = distribution.get(key, 0) + 1
        return {
            "numberOfDocuments": len(index.docs),
            "isIndexing": False,
            "fieldDistribution": distribution,
        }

    def _tasks(self, query: dict[str, list[str]]) -> dict[str, Any]:
        def wanted(name: str) -> set[str] | None:
            values = query.get(name)
            return {v for raw in values for v in raw.split(",")} if values else None

        uids, statuses = wanted("uids"), wanted("statuses")
        index_uids, types = wanted("indexUids"), wanted("types")
        tasks = [
            t
            for t in reversed(self.state.tasks)
            if (uids is None or str(t.uid) in uids)
            and (statuses is None or t.status in statuses)
            and (index_uids is None or t.index_uid in index_uids)
            and (types is None or t.type in types)
        ]
        start = int(query["from"][0]) if "from" in query else None
        if start is not None:
            tasks = [t for t in tasks if t.uid <= start]
        limit = int(query.get("limit", ["20"])[0])
        page = tasks[:limit]
        return {
            "results": [t.full() for t in page],
            "total": len(tasks),
            "limit": limit,
            "from": page[0].uid if page else None,
            "next": tasks[limit].uid if len(tasks) > limit else None,
        }

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        uid = (body or {}).get("uid")
        if not isinstance(uid, str) or not _UID.match(uid):
            raise MeiliError(400, "invalid_index_uid", f"`{uid}` is not a valid index uid.")
        primary_key = body.get("primaryKey")
        s = self.state

        def apply() -> None:
            if uid in s.indexes:
                raise MeiliError(409, "index_already_exists", f"Index `{uid}` already exists.")
            s.indexes[uid] = Index(uid, primary_key)

        return s.enqueue(uid, "indexCreation", apply, {"primaryKey": primary_key})

    def _swap(self, body: list[dict[str, Any]]) -> dict[str, Any]:
        s = self.state
        pairs = [(item["indexes"], bool(item.get("rename"))) for item in body]

        def apply() -> None:
            for (a, b), rename in pairs:
                first = s.index(a)
                if rename:
                    if b in s.indexes:
                        raise MeiliError(409, "index_already_exists", f"Index `{b}` exists.")
                    del s.indexes[a]
                    first.uid = b
                    s.indexes[b] = first
                    continue
                second = s.index(b)
                first.uid, second.uid = b, a
                s.indexes[a], s.indexes[b] = second, first

        return s.enqueue(None, "indexSwap", apply, {"swaps": body})

    def _index_route(
        self, method: str, uid: str, rest: list[str], query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        s = self.state
        match method, rest:
            case "GET", []:
                return 200, s.index(uid).info()
            case "PATCH", []:

                def update() -> None:
                    index = s.index(uid)
                    if body.get("primaryKey") and index.docs:
                        raise MeiliError(400, "index_primary_key_already_exists", "Has documents.")
                    index.primary_key = body.get("primaryKey", index.primary_key)

                return 202, s.enqueue(uid, "indexUpdate", update)
            case "DELETE", []:

                def drop() -> None:
                    s.index(uid)
                    del s.indexes[uid]

                return 202, s.enqueue(uid, "indexDeletion", drop)
            case "GET", ["stats"]:
                return 200, self._stats(s.index(uid))
            case "GET", ["settings"]:
                return 200, copy.deepcopy(s.index(uid).settings)
            case "PATCH", ["settings"]:
                return 202, self._update_settings(uid, body or {})
            case "DELETE", ["settings"]:
                return 202, self._update_settings(uid, dict.fromkeys(default_settings()))
            case "GET", ["settings", sub] if sub in _SUB_ROUTES:
                return 200, copy.deepcopy(s.index(uid).settings[_SUB_ROUTES[sub]])
            case (("PUT" | "PATCH" | "POST"), ["settings", sub]) if sub in _SUB_ROUTES:
                return 202, self._update_settings(uid, {_SUB_ROUTES[sub]: body})
            case "DELETE", ["settings", sub] if sub in _SUB_ROUTES:
                return 202, self._update_settings(uid, {_SUB_ROUTES[sub]: None})
            case (("POST" | "PUT"), ["documents"]):
                primary = query.get("primaryKey", [None])[0]
                return 202, self._add(uid, body, primary, replace=method == "POST")
            case "GET", ["documents"]:
                fields = query.get("fields", [None])[0]
                return 200, self._list(
                    uid,
                    offset=int(query.get("offset", ["0"])[0]),
                    limit=int(query.get("limit", ["20"])[0]),
                    fields=fields.split(",") if fields else None,
                    predicate=None,
                    ids=None,
                )
            case "POST", ["documents", "fetch"]:
                body = body or {}
                index = s.index(uid)
                filterable = set(index.settings["filterableAttributes"])
                return 200, self._list(
                    uid,
                    offset=int(body.get("offset", 0)),
                    limit=int(body.get("limit", 20)),
                    fields=body.get("fields"),
                    predicate=Filter(body.get("filter"), filterable).predicate,
                    ids=body.get("ids"),
                )
            case "GET", ["documents", doc_id]:
                index = s.index(uid)
                if doc_id not in index.docs:
                    raise MeiliError(404, "document_not_found", f"Document `{doc_id}` not found.")
                doc = copy.deepcopy(index.docs[doc_id])
                if fields := query.get("fields", [None])[0]:
                    doc = {k: v for k, v in doc.items() if k in fields.split(",")}
                return 200, doc
            case "DELETE", ["documents", doc_id]:
                return 202, self._delete(uid, lambda doc_key: doc_key == doc_id, 1)
            case "POST", ["documents", "delete-batch"]:
                ids = {str(i) for i in body or []}
                return 202, self._delete(uid, lambda doc_key: doc_key in ids, len(ids))
            case "POST", ["documents", "delete"]:
                index = s.index(uid)
                predicate = Filter(
                    (body or {}).get("filter"), set(index.settings["filterableAttributes"])
                ).predicate
                return 202, self._delete(uid, None, None, predicate)
            case "DELETE", ["documents"]:
                return 202, self._delete(uid, lambda doc_key: True, None)
            case "POST", ["search"]:
                return 200, Searcher(s.index(uid), body or {}).run()
            case "GET", ["search"]:
                params = {k: v[0] for k, v in query.items()}
                for key in ("facets", "attributesToHighlight", "attributesToRetrieve", "sort"):
                    if key in params:
                        params[key] = params[key].split(",")
                for key in ("page", "hitsPerPage", "offset", "limit"):
                    if key in params:
                        params[key] = int(params[key])
                return 200, Searcher(s.index(uid), params).run()
        raise MeiliError(404, "not_found", f"No route for {method} /indexes/{uid}/{'/'.join(rest)}")

    def _update_settings(self, uid: str, patch: dict[str, Any]) -> dict[str, Any]:
        s = self.state
        defaults = default_settings()
        unknown = set(patch) - set(defaults)
        if unknown:
            raise MeiliError(
                400, "bad_request", f"Unknown field `{sorted(unknown)[0]}` in settings."
            )

        def apply() -> None:
            index = s.index_or_create(uid)
            for key, value in patch.items():
                if value is None:
                    index.settings[key] = defaults[key]
                elif key in _NESTED and isinstance(value, dict):
                    merged = copy.deepcopy(index.settings[key])
                    for sub, sub_value in value.items():
                        if isinstance(sub_value, dict) and isinstance(merged.get(sub), dict):
                            merged[sub] = {**merged[sub], **sub_value}
                        else:
                            merged[sub] = sub_value
                    index.settings[key] = merged
                else:
                    index.settings[key] = copy.deepcopy(value)
            index.cache.clear()
            index.updated_at = _now()

        return s.enqueue(uid, "settingsUpdate", apply, copy.deepcopy(patch))

    def _add(self, uid: str, docs: Any, primary: str | None, *, replace: bool) -> dict[str, Any]:
        s = self.state
        if isinstance(docs, dict):
            docs = [docs]
        if not isinstance(docs, list):
            raise MeiliError(400, "malformed_payload", "The payload must be an array of objects.")
        docs = copy.deepcopy(docs)

        def apply() -> dict[str, Any]:
            index = s.index_or_create(uid, primary)
            if index.primary_key is None:
                index.primary_key = primary or _infer_primary_key(docs)
            elif primary and primary != index.primary_key and index.docs:
                raise MeiliError(400, "index_primary_key_already_exists", "Primary key is set.")
            key = index.primary_key
            staged = dict(index.docs)
            for doc in docs:
                if key not in doc:
                    raise MeiliError(
                        400, "missing_document_id", f"Document doesn't have a `{key}` attribute."
                    )
                doc_id = doc[key]
                if isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
                    raise MeiliError(400, "invalid_document_id", f"Invalid id `{doc_id}`.")
                doc_id = str(doc_id)
                if not _DOC_ID.match(doc_id):
                    raise MeiliError(400, "invalid_document_id", f"Invalid id `{doc_id}`.")
                if replace or doc_id not in staged:
                    staged.pop(doc_id, None)
                    staged[doc_id] = doc
                else:
                    staged[doc_id] = {**staged[doc_id], **doc}
            index.docs = staged
            index.cache.clear()
            index.updated_at = _now()
            return {"indexedDocuments": len(docs)}

        return s.enqueue(uid, "documentAdditionOrUpdate", apply, {"receivedDocuments": len(docs)})

    def _delete(
        self,
        uid: str,
        by_key: Callable[[str], bool] | None,
        provided: int | None,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any]:
        s = self.state

        def apply() -> dict[str, Any]:
            index = s.index(uid)
            doomed = [
                k
                for k, d in index.docs.items()
                if (by_key is not None and by_key(k)) or (predicate is not None and predicate(d))
            ]
            for k in doomed:
                del index.docs[k]
            index.cache.clear()
            return {"deletedDocuments": len(doomed)}

        details = {"providedIds": provided} if provided is not None else {}
        return s.enqueue(uid, "documentDeletion", apply, details)

    def _list(
        self,
        uid: str,
        *,
        offset: int,
        limit: int,
        fields: list[str] | None,
        predicate: Callable[[dict[str, Any]], bool] | None,
        ids: list[str] | None,
    ) -> dict[str, Any]:
        index = self.state.index(uid)
        docs = list(index.docs.values())
        if ids is not None:
            wanted = {str(i) for i in ids}
            docs = [d for d in docs if str(d.get(index.primary_key or "id")) in wanted]
        if predicate is not None:
            docs = [d for d in docs if predicate(d)]
        page = docs[offset : offset + limit]
        if fields and "*" not in fields:
            page = [{k: v for k, v in d.items() if k in fields} for d in page]
        return {
            "results": copy.deepcopy(page),
            "offset": offset,
            "limit": limit,
            "total": len(docs),
        }


def _infer_primary_key(docs: list[dict[str, Any]]) -> str:
    candidates = {k for d in docs[:1] for k in d if k.lower().endswith("id")}
    if len(candidates) != 1:
        raise MeiliError(
            400, "index_primary_key_no_candidate_found", "Could not infer a primary key."
        )
    return candidates.pop()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.fake._connections.add(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.fake._connections.discard(self.connection)

    def _serve(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Encoding") == "gzip" and raw:
            raw = gzip.decompress(raw)
        split = urlsplit(self.path)
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = None
        fake.requests.append((self.command, split.path, body))
        if fake.mode == "503":
            status, payload = (
                503,
                {
                    "message": "Service unavailable (fake outage).",
                    "code": "unavailable",
                    "type": "system",
                    "link": "",
                },
            )
        elif raw and body is None:
            err = MeiliError(400, "malformed_payload", "The request body is not valid JSON.")
            status, payload = err.status, err.body()
        else:
            try:
                status, payload = fake.api.handle(
                    self.command, split.path, parse_qs(split.query), body
                )
            except MeiliError as err:
                status, payload = err.status, err.body()
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], fake: FakeMeilisearch) -> None:
        self.fake = fake
        super().__init__(address, _Handler)


class FakeMeilisearch:
    """Start with `start()` (or as a context manager); `url` is the base address."""

    def __init__(self, *, auto_process_after: float | None = 0.05) -> None:
        self.state = State(auto_process_after)
        self.api = _Api(self.state)
        self.requests: list[tuple[str, str, Any]] = []
        self.mode = "up"
        self.port = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._ticker_stop = threading.Event()
        self._ticker: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeMeilisearch:
        self._listen()
        if self.state.auto_process_after is not None:
            self._ticker = threading.Thread(target=self._tick, daemon=True, name="fake-meili-tasks")
            self._ticker.start()
        return self

    def _listen(self) -> None:
        self._server = _Server(("127.0.0.1", self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def _tick(self) -> None:
        delay = self.state.auto_process_after or 0.05
        while not self._ticker_stop.wait(min(delay, 0.05)):
            self.state.process(older_than=delay)

    def _close_listener(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        for conn in list(self._connections):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                conn.close()
        self._connections.clear()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def stop(self) -> None:
        self._ticker_stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
        self._close_listener()

    def down(self, mode: str = "refuse") -> None:
        """Simulate an outage: "refuse" connections (socket closed) or answer "503"."""
        if mode == "503":
            self.mode = "503"
            return
        if mode != "refuse":
            raise ValueError(f"unknown outage mode {mode!r}")
        self.mode = "down"
        self._close_listener()

    def up(self) -> None:
        if self._server is None:
            self._listen()
        self.mode = "up"

    def process_tasks(self) -> None:
        """Apply every enqueued task now."""
        self.state.process()

    def clear_requests(self) -> None:
        self.requests.clear()

    def paths(self, method: str | None = None) -> list[str]:
        return [p for m, p, _ in self.requests if method is None or m == method]

    def __enter__(self) -> FakeMeilisearch:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
