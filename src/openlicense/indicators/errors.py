"""Named refusals of the indicators."""

from __future__ import annotations

from openlicense.core.errors import Forbidden, Invalid


class InvalidPeriod(Invalid):
    code = "invalid_period"


class OtherProvince(Forbidden):
    code = "other_province"
