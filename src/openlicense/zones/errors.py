"""Named refusals of zones and events."""

from __future__ import annotations

from openlicense.core.errors import Conflict, Forbidden, Invalid, NotFound


class ZoneNotFound(NotFound):
    code = "zone_not_found"


class EventNotFound(NotFound):
    code = "event_not_found"


class NotCurator(Forbidden):
    code = "not_curator"


class EnterprisesOnly(Forbidden):
    code = "enterprises_only"


class AlreadyRegistered(Conflict):
    code = "already_registered"


class UnknownItem(Invalid):
    code = "unknown_item"


class RegistrationClosed(Conflict):
    code = "registration_closed"
