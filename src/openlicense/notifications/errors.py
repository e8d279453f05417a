"""The notifications domain's named refusals."""

from __future__ import annotations

from openlicense.core.errors import Invalid


class UnknownKind(Invalid):
    code = "unknown_notification_kind"
