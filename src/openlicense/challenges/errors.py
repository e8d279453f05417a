"""Named refusals of challenges."""

from __future__ import annotations

from openlicense.core.errors import Conflict, Forbidden, Invalid, NotFound


class ChallengeNotFound(NotFound):
    code = "challenge_not_found"


class ApplicationNotFound(NotFound):
    code = "application_not_found"


class AgreementNotFound(NotFound):
    code = "cooperation_agreement_not_found"


class NotPublisher(Forbidden):
    code = "not_challenge_publisher"


class NotAParty(Forbidden):
    code = "not_a_party"


class PublisherKindNotAllowed(Forbidden):
    code = "publisher_kind_not_allowed"


class UniversitiesOnly(Forbidden):
    code = "universities_only"


class ChallengeClosed(Conflict):
    code = "challenge_closed"


class AlreadyApplied(Conflict):
    code = "already_applied"


class WrongState(Conflict):
    code = "wrong_state"


class InvalidChallenge(Invalid):
    code = "invalid_challenge"


class InvalidClauses(Invalid):
    code = "invalid_clauses"
