"""Public pages (no sign-in): home, catalogue search, patent pages with the quote calculator,
university pages. They call the same search engine and services as the JSON API."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Final, Literal
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template
from pydantic import ValidationError

from openlicense.accounts.guards import public
from openlicense.accounts.models import Organisation, OrganisationKind
from openlicense.accounts.service import AccountService
from openlicense.agreements.contract import describe_fee_standard
from openlicense.agreements.schemas import Quote
from openlicense.agreements.service import quote_declaration
from openlicense.catalogue.models import Declaration, Patent
from openlicense.catalogue.service import DeclarationService, PatentService, acceptable_on
from openlicense.catalogue.terms import DeclarationTerms
from openlicense.core.clock import Clock
from openlicense.core.errors import Invalid, NotFound
from openlicense.pricing.fee_standards import RoyaltyTerms, Staged
from openlicense.search.engine import (
    FacetName,
    SearchEngine,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
)
from openlicense.web.explain import explain_all
from openlicense.web.forms import QuoteForm
from openlicense.web.i18n import Translator
from openlicense.web.labels import pinyin_key
from openlicense.web.rendering import page

AnyRequest = Request[Any, Any, Any]
PER_PAGE: Final = 20
FACETS: Final[list[FacetName]] = [
    "technology_field", "fee_type", "ipc_section", "province", "university_id", "has_trial",
]  # fmt: skip
PRICE_BANDS: Final = {
    "free": (0, 0),
    "upto10k": (1, 1_000_000),
    "10k-100k": (1_000_001, 10_000_000),
    "100k-1m": (10_000_001, 100_000_000),
    "over1m": (100_000_001, None),
}
"""Amount due at the start, in fen (the search document's `entry_price_minor`)."""
Sort = Literal["relevance", "newest", "price_asc", "expiry"]
Multi = Annotated[list[str] | None, QueryParameter(max_items=40)]


def viewer(request: AnyRequest) -> Any:
    return request.scope.get("user")


async def university_names(accounts: AccountService) -> dict[str, Organisation]:
    """Universities by id (for facet labels and university pages): a few dozen rows."""
    return {str(o.id): o for o in await accounts.list_organisations(OrganisationKind.UNIVERSITY)}


def slug(organisation: Organisation) -> str:
    """A readable, stable address: the English name (`zhejiang-university`), else pinyin."""
    base = organisation.name_en or pinyin_key(organisation.name)
    return "-".join("".join(c if c.isalnum() else " " for c in base.lower()).split())


@dataclass(frozen=True, slots=True)
class Offer:
    """The patent's current declaration as the patent page shows it."""

    declaration: Declaration
    terms: DeclarationTerms
    words: str
    problems: list[Any]
    quote: Quote | None
    royalty_base: str | None


class PublicPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/", guards=[public], name="home")
    async def home(
        self, request: AnyRequest, search_engine: NamedDependency[SearchEngine]
    ) -> Template:
        try:
            latest = await search_engine.search(
                SearchQuery(sort="newest", per_page=6, facets=["technology_field"])
            )
        except SearchUnavailable:
            latest = None
        return page(request, "public/home.html", {"latest": latest})

    @get("/patents", guards=[public], name="catalogue")
    async def catalogue(
        self,
        request: AnyRequest,
        search_engine: NamedDependency[SearchEngine],
        accounts: NamedDependency[AccountService],
        q: Annotated[str, QueryParameter(max_length=200)] = "",
        technology_field: Multi = None,
        fee_type: Multi = None,
        ipc_section: Multi = None,
        province: Multi = None,
        university_id: Multi = None,
        price: Annotated[str | None, QueryParameter(max_length=12)] = None,
        has_trial: FromQuery[bool | None] = None,
        sort: FromQuery[Sort] = "relevance",
        page_no: Annotated[int, QueryParameter(name="page", ge=1, le=500)] = 1,
    ) -> Template:
        price = price if price in PRICE_BANDS else None  # "" = any price (the form's default)
        low, high = PRICE_BANDS[price] if price else (None, None)
        query = SearchQuery(
            q=q,
            technology_field=technology_field or [],
            fee_type=fee_type or [],
            ipc_section=ipc_section or [],
            province=province or [],
            university_id=university_id or [],
            price_min=low,
            price_max=high,
            has_trial=has_trial or None,
            sort=sort,
            page=page_no,
            per_page=PER_PAGE,
            facets=FACETS,
        )
        result: SearchResult | None
        try:
            result = await search_engine.search(query)
        except SearchUnavailable:
            result = None
        others = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
        context = {
            "query": query,
            "page_base": "/patents?" + "".join(f"{urlencode([kv])}&" for kv in others),
            "price": price,
            "result": result,
            "pages": math.ceil(result.total / PER_PAGE) if result else 0,
            "universities": await university_names(accounts),
        }
        status = 200 if result is not None else 503
        return page(
            request,
            "public/catalogue.html",
            context,
            partial="public/_catalogue.html",
            status=status,
            push_url=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
        )

    @get("/patents/{number:str}", guards=[public], name="patent")
    async def patent_page(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        number: FromPath[str],
        patents: NamedDependency[PatentService],
        declarations: NamedDependency[DeclarationService],
        accounts: NamedDependency[AccountService],
        clock: NamedDependency[Clock],
        estimate: Annotated[str | None, QueryParameter(max_length=30)] = None,
    ) -> Response[Any]:
        patent = await patents.get_by_number(viewer(request), number)
        if number != patent.application_number:  # one address per patent
            return Redirect(path=f"/patents/{patent.application_number}", status_code=301)
        try:
            calculator, estimate_error = QuoteForm.model_validate({"estimate": estimate}), None
        except ValidationError:
            calculator = QuoteForm()
            estimate_error = tr.gettext("Write a number, e.g. 12500 or 3.5.")
        offer = await _offer(request, tr, patent, declarations, clock, calculator.estimate)
        owner = await accounts.get_organisation(patent.owner_organisation_id)
        context = {
            "patent": patent,
            "offer": offer,
            "owner": owner,
            "owner_slug": slug(owner),
            "estimate": calculator.estimate,
            "estimate_raw": estimate or "",
            "estimate_error": estimate_error,
        }
        return page(request, "public/patent.html", context, partial="public/_quote.html")

    @get("/privacy", guards=[public], name="privacy")
    async def privacy(self, request: AnyRequest) -> Template:
        return page(request, "public/privacy.html")

    @get("/universities", guards=[public], name="universities")
    async def universities(
        self, request: AnyRequest, accounts: NamedDependency[AccountService]
    ) -> Template:
        names = sorted(
            (await university_names(accounts)).values(), key=lambda o: pinyin_key(o.name)
        )
        return page(request, "public/universities.html", {"universities": names, "slug": slug})

    @get("/universities/{name:str}", guards=[public], name="university")
    async def university(
        self,
        request: AnyRequest,
        name: FromPath[str],
        accounts: NamedDependency[AccountService],
        search_engine: NamedDependency[SearchEngine],
        page_no: Annotated[int, QueryParameter(name="page", ge=1, le=500)] = 1,
    ) -> Template:
        found = [o for o in (await university_names(accounts)).values() if slug(o) == name]
        if not found:
            raise NotFound("No such university.")
        university = found[0]
        query = SearchQuery(
            university_id=[str(university.id)], sort="newest", page=page_no, per_page=PER_PAGE,
            facets=["technology_field", "fee_type"],
        )  # fmt: skip
        try:
            result: SearchResult | None = await search_engine.search(query)
        except SearchUnavailable:
            result = None
        context = {
            "university": university,
            "slug": slug(university),
            "result": result,
            "page_no": page_no,
            "pages": math.ceil(result.total / PER_PAGE) if result else 0,
        }
        return page(request, "public/university.html", context)


async def _offer(
    request: AnyRequest,
    tr: Translator,
    patent: Patent,
    declarations: DeclarationService,
    clock: Clock,
    estimate: Decimal | None,
) -> Offer | None:
    """The current public version, whether it can be accepted today, and its quote."""
    versions = await declarations.versions_of(viewer(request), patent)
    public_versions = [d for d in versions if d.terms_hash is not None]
    if not public_versions:
        return None
    current = public_versions[-1]
    terms = DeclarationTerms.model_validate(current.terms)
    violations = acceptable_on(current, patent, clock.today())
    base = royalty_base(terms)
    estimated = None
    if estimate is not None and base is not None:
        estimated = estimate if base == "units" else estimate * 100
    offered: Quote | None = None
    if not violations:
        try:
            offered = quote_declaration(
                current, acceptance_date=clock.today(), estimated_annual_base=estimated
            )
        except Invalid:
            offered = None
    words = describe_fee_standard(current.terms, "zh" if tr.zh else "en")
    problems = explain_all(tr, violations)
    return Offer(current, terms, words, problems, offered, base)


def royalty_base(terms: DeclarationTerms) -> str | None:
    """The base the quote calculator asks about: the first royalty's base, if any."""
    standard: Any = terms.fee_standard
    stages = [s.standard for s in standard.stages] if isinstance(standard, Staged) else [standard]
    for stage in stages:
        if isinstance(stage, RoyaltyTerms):
            return stage.base.value
    return None
