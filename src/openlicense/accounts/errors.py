"""The accounts domain's named refusals; each maps to one HTTP status and stable code."""

from __future__ import annotations

from openlicense.core.errors import Conflict, Forbidden, Invalid, OpenLicenseError, Unauthorized


class Gone(OpenLicenseError):
    status_code = 410
    code = "gone"
    title = "Gone"


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


class OrganisationNotVerified(Forbidden):
    """A binding act (publishing a declaration, accepting a licence) by an organisation the
    platform has not verified yet."""

    code = "organisation_not_verified"


class NotOrganisationAdmin(Forbidden):
    code = "not_an_organisation_admin"


class CreditCodeRequired(Invalid):
    code = "credit_code_required"


class LinkUsed(Gone):
    code = "link_used"


class LinkExpired(Gone):
    code = "link_expired"


class TooManyLoginAttempts(OpenLicenseError):
    status_code = 429
    code = "too_many_attempts"
    title = "Too many attempts"


class LastOrganisationAdmin(Conflict):
    code = "last_organisation_admin"
