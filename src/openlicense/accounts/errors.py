"""The accounts domain's named refusals; each maps to one HTTP status and stable code."""

from __future__ import annotations

from openlicense.core.errors import Conflict, Forbidden, Invalid, Unauthorized


class AlreadyExists(Conflict):
    code = "already_exists"


class ApiKeyNotAllowed(Forbidden):
    code = "api_key_not_allowed"


class InvalidApiKey(Unauthorized):
    code = "invalid_api_key"


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"


class InvalidToken(Unauthorized):
    code = "invalid_token"


class NotYourOrganisation(Forbidden):
    code = "not_your_organisation"


class OrganisationKindNotSelfService(Forbidden):
    code = "organisation_kind_not_self_service"


class RoleNotAllowed(Forbidden):
    code = "role_not_allowed"


class WeakPassword(Invalid):
    code = "weak_password"
