"""Search refusals as API errors."""

from __future__ import annotations

from openlicense.core.errors import OpenLicenseError


class SearchUnavailableError(OpenLicenseError):
    status_code = 503
    code = "search_unavailable"
    title = "Search is temporarily unavailable"
