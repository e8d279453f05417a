"""Named refusals of the needs library."""

from __future__ import annotations

from openlicense.core.errors import Conflict, Forbidden, Invalid, NotFound


class NeedNotFound(NotFound):
    code = "need_not_found"


class NotNeedOwner(Forbidden):
    code = "not_need_owner"


class EnterprisesOnly(Forbidden):
    code = "enterprises_only"


class NeedNotOpen(Conflict):
    code = "need_not_open"


class InvalidBudget(Invalid):
    code = "invalid_budget"
