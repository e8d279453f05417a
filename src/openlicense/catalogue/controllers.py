"""HTTP routes for patents and declarations. Thin: parse, call one service method, shape output."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

from litestar import Controller, MediaType, Request, Response, Router, get, patch, post, put
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.accounts.principal import Principal
from openlicense.catalogue.errors import ImportRefused
from openlicense.catalogue.rules import RuleConfig
from openlicense.catalogue.schemas import (
    Acceptability,
    BatchImportResult,
    CursorPage,
    DeclarationCreate,
    DeclarationPublish,
    DeclarationRead,
    DeclarationWithdraw,
    PatentCreate,
    PatentRead,
    PatentSummary,
    PatentUpdate,
    PricePublicityIn,
    RecordedLicenceIn,
    RegisterRead,
    RegisterSnapshotIn,
)
from openlicense.catalogue.service import DeclarationService, PatentService
from openlicense.catalogue.service.imports import PatentImporter
from openlicense.catalogue.service.listing import PatentFilters
from openlicense.catalogue.service.published import Cached
from openlicense.catalogue.service.reads import PatentReads
from openlicense.catalogue.service.register import RegisterService
from openlicense.core.clock import Clock
from openlicense.settings import Settings

AnyRequest = Request[Any, Any, Any]
tto = allow(Role.TTO_OFFICER)


async def provide_patents(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> PatentService:
    return PatentService(db_session, clock=clock)


async def provide_register(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> RegisterService:
    return RegisterService(db_session, clock=clock)


async def provide_declarations(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> DeclarationService:
    return DeclarationService(
        db_session,
        clock=clock,
        rules=RuleConfig.from_settings(settings.rules),
        require_verified_register=settings.rules.require_verified_register,
    )


def _json_ok(model: Any, description: str) -> dict[int, ResponseSpec]:
    """The 200 of a handler that answers with ready JSON bytes, documented as `model`."""
    return {
        200: ResponseSpec(data_container=model, description=description),
        304: ResponseSpec(None, description="Not modified (`If-None-Match` matched the ETag)."),
    }


def json_bytes(request: AnyRequest, document: Cached) -> Response[bytes]:
    if _none_match(request.headers.get("if-none-match"), document.etag):
        return Response(b"", status_code=304, headers={"ETag": document.etag})
    return Response(document.body, media_type=MediaType.JSON, headers={"ETag": document.etag})


def _none_match(header: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: `*` or any listed tag, compared weakly (a `W/` prefix is ignored)."""
    if not header:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


def _principal(request: AnyRequest) -> Principal | None:
    user: Principal | None = request.scope.get("user")
    return user


class PatentController(Controller):
    path = "/api/patents"
    tags = ["catalogue"]

    @get("/", guards=[public], responses=_json_ok(CursorPage[PatentSummary], "A page."))
    async def list_patents(
        self,
        request: AnyRequest,
        patent_reads: NamedDependency[PatentReads],
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, QueryParameter(max_length=512)] = None,
        q: Annotated[str | None, QueryParameter(max_length=100)] = None,
        technology_field: Annotated[str | None, QueryParameter(max_length=40)] = None,
        university_id: FromQuery[uuid.UUID | None] = None,
        mine: FromQuery[bool] = False,
    ) -> Response[bytes]:
        """Published listings for everyone, newest first; a TTO also sees its own drafts
        (`mine=true`: only its own). Page with `next_cursor`; `q` searches titles, abstracts
        and keywords through the search engine. `total_estimate` is exact below 1,000 and may be
        up to 30 s old above."""
        filters = PatentFilters(
            technology_field=technology_field,
            owner_organisation_id=university_id,
            mine=mine,
            q=q or None,
        )
        page = await patent_reads.page(_principal(request), filters, limit=limit, cursor=cursor)
        return json_bytes(request, page)

    @post("/", guards=[tto], status_code=201)
    async def create_patent(
        self,
        request: AnyRequest,
        data: JSONBody[PatentCreate],
        patents: NamedDependency[PatentService],
    ) -> PatentRead:
        """Add a patent to the officer's own university, as a draft listing."""
        return PatentRead.model_validate(await patents.create(request.user, data))

    @post("/batch", guards=[tto], status_code=201)
    async def import_batch(
        self,
        request: AnyRequest,
        data: JSONBody[list[dict[str, Any]]],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
    ) -> BatchImportResult:
        """All-or-nothing: if any row is invalid, nothing is created and the answer is 422 with
        every row error in `errors`; an empty list is refused the same way."""
        if not data:
            raise ImportRefused("The batch has no rows: nothing to import.", errors=[])
        importer = PatentImporter(db_session, clock=clock)
        report = await importer.import_rows(request.user.organisation_id, list(enumerate(data, 1)))
        errors = [e.as_dict() for e in report.errors]
        if report.created == 0:
            raise ImportRefused(
                f"Nothing was imported: {len(errors)} error(s) in the rows.", errors=errors
            )
        return BatchImportResult(created=report.created, errors=errors)

    @get("/{patent_id:uuid}", guards=[public], responses=_json_ok(PatentRead, "The patent."))
    async def get_patent(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        patent_reads: NamedDependency[PatentReads],
    ) -> Response[bytes]:
        """Anyone sees a published listing; its owner, auditors and admins also see drafts and
        retired ones. Answers with an `ETag` (`If-None-Match` gives 304)."""
        document = await patent_reads.detail(_principal(request), patent_id)
        return json_bytes(request, document)

    @patch("/{patent_id:uuid}", guards=[tto])
    async def update_patent(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        data: JSONBody[PatentUpdate],
        patents: NamedDependency[PatentService],
    ) -> PatentRead:
        return PatentRead.model_validate(await patents.update(request.user, patent_id, data))

    @post("/{patent_id:uuid}/publish", guards=[tto], status_code=200)
    async def publish_listing(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        patents: NamedDependency[PatentService],
    ) -> PatentRead:
        return PatentRead.model_validate(await patents.publish_listing(request.user, patent_id))

    @post("/{patent_id:uuid}/retire", guards=[tto], status_code=200)
    async def retire_patent(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        patents: NamedDependency[PatentService],
    ) -> PatentRead:
        """Take the listing down for good. Refused while an open licence is active."""
        return PatentRead.model_validate(await patents.retire(request.user, patent_id))

    @post("/{patent_id:uuid}/licences", guards=[tto], status_code=201)
    async def record_licence(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        data: JSONBody[RecordedLicenceIn],
        patents: NamedDependency[PatentService],
    ) -> PatentRead:
        """Record an exclusive, sole or negotiated ordinary licence (rules 3, 13, 15)."""
        return PatentRead.model_validate(
            await patents.record_licence(request.user, patent_id, data)
        )

    @get("/{patent_id:uuid}/register", guards=[public])
    async def get_register(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        register: NamedDependency[RegisterService],
    ) -> RegisterRead:
        """The register facts, their source (rule 27) and the flags of rules 25–26."""
        return await register.read(_principal(request), patent_id)

    @put("/{patent_id:uuid}/register", guards=[allow(Role.ADMIN)])
    async def verify_register(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        data: JSONBody[RegisterSnapshotIn],
        register: NamedDependency[RegisterService],
    ) -> RegisterRead:
        """Rule 27: a platform admin records a verified register snapshot with its source."""
        return await register.verify(request.user, patent_id, data)

    @post("/{patent_id:uuid}/register/refresh", guards=[tto], status_code=202)
    async def request_register_refresh(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        register: NamedDependency[RegisterService],
    ) -> RegisterRead:
        """Rule 27: the patentee cannot type register facts; it asks for a refresh."""
        return await register.request_refresh(request.user, patent_id)

    @get("/{patent_id:uuid}/declarations", guards=[public])
    async def list_declarations(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        declarations: NamedDependency[DeclarationService],
    ) -> list[DeclarationRead]:
        """Every public version (published, withdrawn), oldest first; owners also see drafts."""
        rows = await declarations.list_for_patent(_principal(request), patent_id)
        return [DeclarationRead.model_validate(d) for d in rows]

    @post("/{patent_id:uuid}/declarations", guards=[tto], status_code=201)
    async def draft_declaration(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        data: JSONBody[DeclarationCreate],
        declarations: NamedDependency[DeclarationService],
    ) -> DeclarationRead:
        """Start a new version (draft). Terms are validated now; the rules run at publication."""
        return DeclarationRead.model_validate(
            await declarations.draft(request.user, patent_id, data.terms)
        )


class DeclarationController(Controller):
    path = "/api/declarations"
    tags = ["catalogue"]

    @get("/{declaration_id:uuid}", guards=[public])
    async def get_declaration(
        self,
        request: AnyRequest,
        declaration_id: FromPath[uuid.UUID],
        declarations: NamedDependency[DeclarationService],
    ) -> DeclarationRead:
        return DeclarationRead.model_validate(
            await declarations.get(_principal(request), declaration_id)
        )

    @patch("/{declaration_id:uuid}", guards=[tto])
    async def revise_declaration(
        self,
        request: AnyRequest,
        declaration_id: FromPath[uuid.UUID],
        data: JSONBody[DeclarationCreate],
        declarations: NamedDependency[DeclarationService],
    ) -> DeclarationRead:
        """Change a draft's terms. A published version is immutable (rule 16): 409."""
        return DeclarationRead.model_validate(
            await declarations.revise(request.user, declaration_id, data.terms)
        )

    @post("/{declaration_id:uuid}/publish", guards=[tto], status_code=200)
    async def publish_declaration(
        self,
        request: AnyRequest,
        declaration_id: FromPath[uuid.UUID],
        data: JSONBody[DeclarationPublish],
        declarations: NamedDependency[DeclarationService],
    ) -> DeclarationRead:
        """Check rules 1–12 and 16, freeze and hash the terms, and announce the offer."""
        declaration, warnings = await declarations.publish(request.user, declaration_id)
        read = DeclarationRead.model_validate(declaration)
        read.warnings = [w.as_dict() for w in warnings]
        return read

    @post("/{declaration_id:uuid}/withdraw", guards=[tto], status_code=200)
    async def withdraw_declaration(
        self,
        request: AnyRequest,
        declaration_id: FromPath[uuid.UUID],
        data: JSONBody[DeclarationWithdraw],
        declarations: NamedDependency[DeclarationService],
    ) -> DeclarationRead:
        """Needs a reason and every co-owner's consent; no new acceptances from `effective_date`."""
        return DeclarationRead.model_validate(
            await declarations.withdraw(request.user, declaration_id, data)
        )

    @post("/{declaration_id:uuid}/price-publicity", guards=[tto], status_code=200)
    async def record_price_publicity(
        self,
        request: AnyRequest,
        declaration_id: FromPath[uuid.UUID],
        data: JSONBody[PricePublicityIn],
        declarations: NamedDependency[DeclarationService],
    ) -> DeclarationRead:
        """Rule 31: record that the price was publicised inside the university (PTSTA 18)."""
        return DeclarationRead.model_validate(
            await declarations.record_price_publicity(request.user, declaration_id, data)
        )

    @get("/{declaration_id:uuid}/acceptability", guards=[public])
    async def acceptability(
        self,
        request: AnyRequest,
        declaration_id: FromPath[uuid.UUID],
        declarations: NamedDependency[DeclarationService],
        on: FromQuery[datetime.date | None] = None,
    ) -> Acceptability:
        """Whether a new licensee could accept this version on `on` (rules 23–24)."""
        day, violations = await declarations.acceptability(_principal(request), declaration_id, on)
        return Acceptability(
            declaration_id=declaration_id,
            on=day,
            acceptable=not violations,
            violations=[v.as_dict() for v in violations],
        )


router = Router(
    path="/",
    route_handlers=[PatentController, DeclarationController],
)
