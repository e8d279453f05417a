"""The documents domain's named refusals."""

from __future__ import annotations

from openlicense.core.errors import Forbidden, Invalid, OpenLicenseError


class DocumentTooLarge(OpenLicenseError):
    status_code = 413
    code = "document_too_large"
    title = "Document too large"


class UnsupportedDocumentType(OpenLicenseError):
    status_code = 415
    code = "unsupported_document_type"
    title = "Unsupported document type"


class EmptyDocument(Invalid):
    code = "empty_document"


class NotYourSubject(Forbidden):
    code = "not_your_subject"
