"""The oversight domain's named refusals; each maps to one HTTP status and stable code."""

from __future__ import annotations

from openlicense.core.errors import Invalid


class InvalidFilter(Invalid):
    code = "invalid_filter"
