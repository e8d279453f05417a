"""Bulk import in the browser: upload a CSV or XLSX file, see every bad row with its field and
reason, fix the file, import again. All or nothing, through the same `PatentImporter` as the
API and the CLI; reading the file (XLSX parsing) runs in a worker thread."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any, Final

from anyio import to_thread
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow
from openlicense.accounts.models import Role
from openlicense.catalogue.files import read_file
from openlicense.catalogue.imports import FLAT_COLUMNS
from openlicense.catalogue.service.imports import PatentImporter
from openlicense.core.clock import Clock
from openlicense.web.explain import import_reason
from openlicense.web.i18n import Translator
from openlicense.web.rendering import page

AnyRequest = Request[Any, Any, Any]
TTO = allow(Role.TTO_OFFICER)
MAX_BYTES: Final = 8 * 1024 * 1024
SUFFIXES: Final = (".csv", ".xlsx")
EXAMPLE: Final = {
    "application_number": "202110123456.7",
    "patent_type": "invention",
    "title_zh": "一种锂离子电池正极材料及其制备方法",
    "title_en": "Cathode material for lithium-ion batteries and its preparation",
    "ipc_codes": "H01M 4/36;H01M 10/0525",
    "inventors": "张三;李四",
    "filing_date": "2021-03-01",
    "grant_date": "2023-05-01",
    "announcement_date": "2023-05-20",
    "annual_fee_paid_through": "2027-03-01",
    "technology_field": "new_energy",
    "co_owners": "某某大学",
    "co_owner_consent_refs": "DOC-2023-001",
}


def _read_upload(name: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """Rows of the uploaded file, by the importer's own reader (needs a real file suffix)."""
    suffix = Path(name).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as f:
        f.write(content)
        f.flush()
        return read_file(Path(f.name))


class ImportPages(Controller):
    path = "/tto/import"
    include_in_schema = False

    @get("/", guards=[TTO], name="tto_import")
    async def form(self, request: AnyRequest) -> Template:
        return page(request, "tto/import.html", {"report": None, "error": None, "name": ""})

    @get("/template.csv", guards=[TTO], name="tto_import_template")
    async def template(self) -> Response[bytes]:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(FLAT_COLUMNS))
        writer.writeheader()
        writer.writerow(EXAMPLE)
        return Response(
            ("\ufeff" + buffer.getvalue()).encode(),  # BOM: Excel opens it as UTF-8
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="patents-template.csv"'},
        )

    @post("/", guards=[TTO], name="tto_import_upload", request_max_body_size=MAX_BYTES + 65536)
    async def upload(
        self,
        request: AnyRequest,
        tr: NamedDependency[Translator],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
    ) -> Template:
        form = await request.form()
        upload = form.get("file")
        context: dict[str, Any] = {"report": None, "error": None, "name": ""}
        if not isinstance(upload, UploadFile) or not upload.filename:
            context["error"] = tr.gettext("Choose a .csv or .xlsx file.")
            return page(request, "tto/import.html", context, status=422)
        context["name"] = upload.filename
        content = await upload.read()
        if not upload.filename.lower().endswith(SUFFIXES) or len(content) > MAX_BYTES:
            context["error"] = tr.gettext("Only .csv (UTF-8) and .xlsx files up to 8 MB.")
            return page(request, "tto/import.html", context, status=422)
        try:
            rows = await to_thread.run_sync(_read_upload, upload.filename, content)
        except ValueError as exc:
            context["error"] = tr.gettext("The file cannot be read: %(why)s", why=str(exc))
            return page(request, "tto/import.html", context, status=422)
        importer = PatentImporter(db_session, clock=clock)
        report = await importer.import_rows(request.user.organisation_id, rows)
        context["report"] = report
        context["reasons"] = [import_reason(tr, e.reason) for e in report.errors]
        # Any error: nothing was added, and the 422 rolls the request back all the same.
        return page(request, "tto/import.html", context, status=422 if report.errors else 200)
