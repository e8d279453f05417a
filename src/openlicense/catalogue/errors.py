"""The catalogue domain's named refusals; each maps to one HTTP status and stable code."""

from __future__ import annotations

from openlicense.core.errors import Conflict, Forbidden, Invalid


class ActiveDeclarationExists(Conflict):
    code = "active_declaration_exists"


class InvalidDates(Invalid):
    code = "invalid_dates"


class NotYourPatent(Forbidden):
    code = "not_your_patent"


class PatentAlreadyExists(Conflict):
    code = "patent_already_exists"


class PatentRetired(Conflict):
    code = "patent_retired"


class VersionConflict(Conflict):
    code = "version_conflict"


class CoOwnersLocked(Conflict):
    """Rule 7: the co-owners' consents a published declaration relied on are fixed."""

    code = "co_owners_locked"


class ImportRefused(Invalid):
    """A batch import that created nothing: every row error is in `errors`."""

    code = "import_refused"
