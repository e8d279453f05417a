"""Pure rules of challenges: who sees an application, what may happen in which state, and the
clause choices of a cooperation agreement.

No I/O."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping

from openlicense.challenges.states import ApplicationStatus, ChallengeStatus, CooperationKind
from openlicense.clauses.library import OPEN_LICENCE_PREFIX, SCENARIO_KEY

DEFAULT_SCENARIO: Mapping[CooperationKind, str] = {
    CooperationKind.COMMISSIONED: "UNIV_OWNS",
    CooperationKind.JOINT: "JOINT",
}
"""Civil Code 859 (commissioned development: the developer, here the university, may apply for
the patent unless agreed otherwise) and 860 (joint development: jointly). Either may be
overridden with an `ownership.scenario` choice from the guideline's clause library."""


SHARED_SCENARIOS = frozenset({"JOINT", "EACH_OWNS_OWN"})
"""Scenarios where results are co-owned: an open licence of them needs every owner's written
consent (rule 30, PL 14 and 50), so that is the default consent clause."""


def can_see_application(
    *,
    publisher_id: uuid.UUID,
    applicant_id: uuid.UUID,
    viewer_org: uuid.UUID,
    viewer_is_platform: bool,
) -> bool:
    """The publisher sees every application; a university only its own, never a rival's
    proposal or team."""
    return viewer_is_platform or viewer_org in (publisher_id, applicant_id)


def open_for_applications(
    status: ChallengeStatus, deadline: datetime.date, today: datetime.date
) -> bool:
    return status is ChallengeStatus.OPEN and today <= deadline


def can_shortlist(status: ChallengeStatus, application: ApplicationStatus) -> bool:
    return status is ChallengeStatus.OPEN and application is ApplicationStatus.SUBMITTED


def can_select(status: ChallengeStatus, application: ApplicationStatus) -> bool:
    return status is ChallengeStatus.OPEN and application in (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.SHORTLISTED,
    )


def clause_choices(kind: CooperationKind, chosen: Mapping[str, str]) -> dict[str, str]:
    """The choices of a cooperation agreement: the kind's default ownership scenario unless
    chosen, plus the parties' choices; co-owned results default to every owner's consent for an
    open licence (rule 30)."""
    choices = {SCENARIO_KEY: DEFAULT_SCENARIO[kind], **chosen}
    if choices[SCENARIO_KEY] in SHARED_SCENARIOS:
        choices.setdefault("open_licence_consent", "all_co_owners_in_writing")
    return choices


def open_licence_keys(chosen: Mapping[str, str]) -> list[str]:
    """Choices for the open-licence (§5 D) keys, which a cooperation agreement may not make."""
    return sorted(k for k in chosen if k.startswith(OPEN_LICENCE_PREFIX))
